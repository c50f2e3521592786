import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { errorRate } from '../alarms';
import { HTTP_API_ACCESS_LOG_FORMAT } from '../api-logs';
import { httpRouteAuthorizer } from '../auth';
import type { ApiGwHttpFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { acknowledge, apiThrottle, checkRoutes } from './shared';
import type { KindContext } from './types';

// One JSON line per request, with the same fields as a REST API's (lib/api-logs.ts).
export { HTTP_API_ACCESS_LOG_FORMAT };

/**
 * One API Gateway HTTP API per function: a Lambda integration (payload format
 * 2.0) on each configured route, behind the authorizer of the function's
 * `auth` (lib/auth.ts), stage `$default` with access logs (HTTP APIs write
 * them through their service-linked role: no account setting needed) and
 * `ServiceConfig.apiThrottle` as every route's default throttling.
 * No WAF: a web ACL cannot be associated with an HTTP API (put CloudFront
 * in front for one). Output: `<Name>ApiUrl` (`HttpApiUrl` for `http-api`).
 */
export function wireApiGwHttp(ctx: KindContext<ApiGwHttpFunctionConfig>): void {
  const { stack, service, config, target, alarms } = ctx;
  checkRoutes(config);
  const id = pascalCase(config.name);

  const api = new apigwv2.HttpApi(stack, `${id}HttpApi`, {
    apiName: `${service.projectName}-${config.name}`,
    description: `${service.projectName}: ${config.name} function`,
    createDefaultStage: false,
  });
  const accessLogs = new logs.LogGroup(stack, `${id}HttpApiAccessLogs`, {
    retention: service.logRetentionDays as logs.RetentionDays,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const throttle = apiThrottle(service);
  const stage = api.addStage('DefaultStage', {
    stageName: '$default',
    autoDeploy: true,
    ...(throttle ? { throttle } : {}),
    accessLogSettings: {
      destination: new apigwv2.LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(JSON.stringify(HTTP_API_ACCESS_LOG_FORMAT)),
    },
  });

  // One invoke permission for the whole API, not one per route.
  const integration = new HttpLambdaIntegration(`${id}Integration`, target, {
    payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    scopePermissionToRoute: false,
  });
  const authorizer = httpRouteAuthorizer(ctx, api);
  for (const route of config.routes) {
    api.addRoutes({ path: route.path, methods: [apigwv2.HttpMethod[route.method]], integration, authorizer });
  }

  // Alarms on the API (dimension ApiId; its only stage is $default): 5xx / Count, and Latency.
  alarms?.forHttpFunction(config, {
    serverErrorRate: (period) => errorRate(api.metricServerError(), api.metricCount(), period),
    latency: (options) => api.metricLatency(options),
    latencyUnit: 'milliseconds',
  });

  new CfnOutput(stack, exposedId(config.name, 'ApiUrl'), {
    description: `Base URL of the ${config.name} HTTP API (stage $default)`,
    value: stage.url,
  });
}
