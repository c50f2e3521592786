import { CfnOutput, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { restApiLogging } from '../api-logs';
import { restMethodAuth } from '../auth';
import type { ApiGwRestFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { skipCheckov } from '../checks';
import { apiThrottle } from './shared';
import type { KindContext } from './types';

/**
 * One API Gateway REST API per function, Lambda proxy integration on each
 * configured route, stage `prod`, every method behind the authorizer of the
 * function's `auth` (lib/auth.ts). Output: `<Name>ApiUrl` (`ApiUrl` for `api`).
 *
 * Every method has a request validator and declares its path parameters as
 * required. Bodies are validated by the Go handlers (400 naming the field):
 * API Gateway validates a body only against a request model, and none is
 * declared, so the handlers stay the single source of truth. API Gateway
 * accepts bodies up to 10 MB; the handlers refuse more than 1 MiB
 * (middleware.MaxBodyBytes).
 *
 * The stage throttles every method (`ServiceConfig.apiThrottle`); with
 * `apiKeys` every method requires an API key of the stage's usage plan
 * (output `<Name>ApiKeyId`); with `waf` the service's web ACL protects the stage.
 */
export function wireApiGwRest(ctx: KindContext<ApiGwRestFunctionConfig>): void {
  const { stack, service, config, target, alarms, waf } = ctx;
  if (config.routes.length === 0) {
    throw new Error(`function '${config.name}': kind apigw-rest needs at least one route`);
  }
  const id = pascalCase(config.name);

  // Access and execution logs (lib/api-logs.ts), as ServiceConfig.apiGatewayCloudWatchRole allows.
  const stageName = 'prod';
  const logging = restApiLogging(stack, id, service, stageName);
  const api = new apigateway.RestApi(stack, `${id}RestApi`, {
    restApiName: `${service.projectName}-${config.name}`,
    description: `${service.projectName}: ${config.name} function`,
    // Never manage the account-wide AWS::ApiGateway::Account singleton here,
    // whatever @aws-cdk/aws-apigateway:disableCloudWatchRole says.
    cloudWatchRole: false,
    deployOptions: {
      stageName,
      tracingEnabled: service.tracing,
      ...throttlingOptions(service),
      ...logging.deployOptions,
    },
  });
  logging.attach(api);
  const requestValidator = api.addRequestValidator('RequestValidator', {
    validateRequestParameters: true,
    validateRequestBody: true,
  });

  // One invoke permission for the whole API instead of one (or two) per
  // method: keeps the function's resource policy small as routes grow.
  const integration = new apigateway.LambdaIntegration(target, { scopePermissionToMethod: false });
  const methodAuth = restMethodAuth(ctx, api);
  for (const route of config.routes) {
    if (!route.path.startsWith('/')) {
      throw new Error(`function '${config.name}': route path '${route.path}' must start with '/'`);
    }
    api.root.resourceForPath(route.path).addMethod(route.method, integration, {
      ...methodAuth,
      requestValidator,
      requestParameters: pathParameters(route.path),
      ...(service.apiKeys ? { apiKeyRequired: true } : {}),
    });
  }
  if (service.apiKeys) {
    addUsagePlan({ stack, service, config }, api);
  }
  waf?.protect(`${id}WebAclAssociation`, api.deploymentStage.stageArn, api.deploymentStage);
  acknowledgeNagFindings(api, service);
  skipCheckov(api.deploymentStage, 'CKV_AWS_120',
    'No stage cache: the routes answer per caller and change data, a cache keyed without the caller would ' +
    'serve one user\'s answer to another, and a cache cluster is billed by the hour. Enable caching ' +
    '(deployOptions.cachingEnabled, per method) for public GETs that tolerate stale answers.');

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

/** `ServiceConfig.apiThrottle` as the stage's default method settings; none without it. */
function throttlingOptions(service: KindContext['service']): Pick<apigateway.StageOptions, 'throttlingRateLimit' | 'throttlingBurstLimit'> {
  const throttle = apiThrottle(service);
  return throttle ? { throttlingRateLimit: throttle.rateLimit, throttlingBurstLimit: throttle.burstLimit } : {};
}

/**
 * `ServiceConfig.apiKeys`: a usage plan on the stage, throttling each key as
 * the stage throttles all callers, and one API key in it. API Gateway
 * generates the key's value; the stack outputs only its id.
 */
function addUsagePlan(
  { stack, service, config }: Pick<KindContext<ApiGwRestFunctionConfig>, 'stack' | 'service' | 'config'>,
  api: apigateway.RestApi,
): void {
  const throttle = apiThrottle(service);
  const plan = api.addUsagePlan('UsagePlan', {
    name: `${service.projectName}-${config.name}`,
    description: `${service.projectName}: callers of the ${config.name} REST API`,
    apiStages: [{ api, stage: api.deploymentStage }],
    ...(throttle ? { throttle: { rateLimit: throttle.rateLimit, burstLimit: throttle.burstLimit } } : {}),
  });
  const key = api.addApiKey('ApiKey', { description: `${service.projectName}: a caller of the ${config.name} REST API` });
  plan.addApiKey(key);
  new CfnOutput(stack, exposedId(config.name, 'ApiKeyId'), {
    description: `API key of the ${config.name} REST API (its value: aws apigateway get-api-key --include-value --api-key <id>)`,
    value: key.keyId,
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

  if (!service.waf) {
    ack('APIG3',
      'No WAFv2 web ACL (ServiceConfig.waf, the waf answer, is off): one costs per ACL, rule and request, ' +
      'and useful rules depend on the traffic. Turn it on (waf: { ipRateLimit: 2000 }) before the API ' +
      'takes untrusted traffic at scale; meanwhile stage throttling (apiThrottle), when set, caps floods.');
  }
}
