import { CfnOutput, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { restMethodAuth } from '../auth';
import type { ApiGwRestFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import type { KindContext } from './types';

/**
 * One API Gateway REST API per function, Lambda proxy integration on each
 * configured route, stage `prod`, every method behind the authorizer of the
 * function's `auth` (lib/auth.ts). Output: `<Name>ApiUrl` (`ApiUrl` for `api`).
 *
 * Every method has a request validator and declares its path parameters as
 * required. Bodies are validated by the Go handlers (400 naming the field):
 * API Gateway validates a body only against a request model, and none is
 * declared, so the handlers stay the single source of truth.
 */
export function wireApiGwRest(ctx: KindContext<ApiGwRestFunctionConfig>): void {
  const { stack, service, config, fn, alarms } = ctx;
  if (config.routes.length === 0) {
    throw new Error(`function '${config.name}': kind apigw-rest needs at least one route`);
  }
  const id = pascalCase(config.name);

  let accessLogs: Pick<apigateway.StageOptions, 'accessLogDestination' | 'accessLogFormat'> = {};
  if (service.apiAccessLogging) {
    const logGroup = new logs.LogGroup(stack, `${id}ApiAccessLogs`, {
      retention: service.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    accessLogs = {
      accessLogDestination: new apigateway.LogGroupLogDestination(logGroup),
      accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
    };
  }

  const api = new apigateway.RestApi(stack, `${id}RestApi`, {
    restApiName: `${service.projectName}-${config.name}`,
    description: `${service.projectName}: ${config.name} function`,
    // Never manage the account-wide AWS::ApiGateway::Account singleton here,
    // whatever @aws-cdk/aws-apigateway:disableCloudWatchRole says.
    cloudWatchRole: false,
    deployOptions: {
      stageName: 'prod',
      tracingEnabled: service.tracing,
      ...accessLogs,
      ...(service.apiExecutionLogging
        ? { loggingLevel: apigateway.MethodLoggingLevel.ERROR, dataTraceEnabled: false }
        : {}),
    },
  });
  const requestValidator = api.addRequestValidator('RequestValidator', {
    validateRequestParameters: true,
    validateRequestBody: true,
  });

  // One invoke permission for the whole API instead of one (or two) per
  // method: keeps the function's resource policy small as routes grow.
  const integration = new apigateway.LambdaIntegration(fn, { scopePermissionToMethod: false });
  const methodAuth = restMethodAuth(ctx, api);
  for (const route of config.routes) {
    if (!route.path.startsWith('/')) {
      throw new Error(`function '${config.name}': route path '${route.path}' must start with '/'`);
    }
    api.root.resourceForPath(route.path).addMethod(route.method, integration, {
      ...methodAuth,
      requestValidator,
      requestParameters: pathParameters(route.path),
    });
  }
  acknowledgeNagFindings(api, service);

  // Alarms on the stage: 5XXError records 0 or 1 per request, so its average is the 5xx share.
  alarms?.forHttpFunction(config, {
    serverErrorRate: (period) => api.deploymentStage.metricServerError({ period, statistic: cloudwatch.Stats.AVERAGE }),
    latency: (options) => api.deploymentStage.metricLatency(options),
    latencyUnit: 'milliseconds',
  });

  // RestApi always adds an `<id>Endpoint<hash>` output with the same URL;
  // drop it so the named output below is the only one.
  api.node.tryRemoveChild('Endpoint');
  new CfnOutput(stack, exposedId(config.name, 'ApiUrl'), {
    description: `Base URL of the ${config.name} REST API (stage prod)`,
    value: api.url,
  });
}

/** `/users/{userId}` -> `{ 'method.request.path.userId': true }`; undefined without parameters. */
function pathParameters(routePath: string): Record<string, boolean> | undefined {
  const names = [...routePath.matchAll(/\{([^{}+]+)\+?\}/g)].map((m) => m[1]);
  return names.length === 0 ? undefined : Object.fromEntries(names.map((name) => [`method.request.path.${name}`, true]));
}

/**
 * The cdk-nag AwsSolutions findings this kind accepts, each with its reason. Those of its
 * authorization (APIG4, COG4) are lib/auth.ts's, by the function's auth.
 */
function acknowledgeNagFindings(api: apigateway.RestApi, service: KindContext['service']): void {
  const ack = (rule: string, reason: string) =>
    Validations.of(api).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule}`, reason });

  ack('APIG3',
    'No WAFv2 web ACL: one costs per ACL, rule and request, and useful rules depend on the traffic. ' +
    'Associate one (wafv2.CfnWebACLAssociation with the stage ARN) before the API takes untrusted ' +
    'traffic at scale.');
  if (!service.apiAccessLogging) {
    ack('APIG1',
      'Access logging is off by default (ServiceConfig.apiAccessLogging): API Gateway accepts it only ' +
      'once the account and region have the API Gateway CloudWatch Logs role, which a fresh account ' +
      'lacks and this stack does not manage (an account-wide singleton). Meanwhile the function logs ' +
      'one JSON line per request (method, route, status, duration, request id). ' +
      'Set apiAccessLogging: true once the role exists.');
  }
  if (!service.apiExecutionLogging) {
    ack('APIG6',
      'Execution logging is off by default (ServiceConfig.apiExecutionLogging) for the same reason as ' +
      'access logging: it needs the account\'s API Gateway CloudWatch Logs role, which this stack ' +
      'does not manage. Set apiExecutionLogging: true once the role exists.');
  }
}
