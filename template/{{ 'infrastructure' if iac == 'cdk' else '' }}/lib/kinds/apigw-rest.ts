import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ApiGwRestFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import type { KindContext } from './types';

/**
 * One API Gateway REST API per function, Lambda proxy integration on each
 * configured route, stage `prod`. Output: `<Name>ApiUrl` (`ApiUrl` for `api`).
 */
export function wireApiGwRest({ stack, service, config, fn }: KindContext<ApiGwRestFunctionConfig>): void {
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
    },
  });

  // One invoke permission for the whole API instead of one (or two) per
  // method: keeps the function's resource policy small as routes grow.
  const integration = new apigateway.LambdaIntegration(fn, { scopePermissionToMethod: false });
  for (const route of config.routes) {
    if (!route.path.startsWith('/')) {
      throw new Error(`function '${config.name}': route path '${route.path}' must start with '/'`);
    }
    api.root.resourceForPath(route.path).addMethod(route.method, integration);
  }

  // RestApi always adds an `<id>Endpoint<hash>` output with the same URL;
  // drop it so the named output below is the only one.
  api.node.tryRemoveChild('Endpoint');
  new CfnOutput(stack, exposedId(config.name, 'ApiUrl'), {
    description: `Base URL of the ${config.name} REST API (stage prod)`,
    value: api.url,
  });
}
