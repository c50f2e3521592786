// What API Gateway logs: one JSON access log line per request, with the same fields for REST and
// HTTP APIs, and the REST stages' logging, which needs the account's CloudWatch Logs role (the
// small stack below creates that role when the project asks for it).
import { type App, CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ServiceConfig } from './config-types';

/**
 * The fields of an access log line. Each API kind fills them from its own `$context`
 * variables, so one CloudWatch Logs Insights query reads the logs of both: the request id (the
 * function logs it too), who called (source IP; the IAM caller, a Lambda authorizer's principal
 * or a JWT's `sub`, `-` when the route has no such authorization), the route, the status and the
 * latencies. Never headers, query strings or bodies: they carry tokens and personal data.
 */
export const ACCESS_LOG_FIELDS = [
  'requestId', 'ip', 'caller', 'principalId', 'sub', 'requestTime', 'httpMethod', 'routeKey', 'path',
  'status', 'protocol', 'responseLength', 'responseLatency', 'integrationLatency', 'integrationError',
] as const;

export type AccessLogFormat = Record<(typeof ACCESS_LOG_FIELDS)[number], string>;

/** REST API `$context` variables. `routeKey` is built as an HTTP API's: `GET /users/{userId}`. */
export const REST_API_ACCESS_LOG_FORMAT: AccessLogFormat = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  principalId: '$context.authorizer.principalId',
  sub: '$context.authorizer.claims.sub',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.httpMethod $context.resourcePath',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integration.error',
};

/** HTTP API `$context` variables. */
export const HTTP_API_ACCESS_LOG_FORMAT: AccessLogFormat = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  principalId: '$context.authorizer.principalId',
  sub: '$context.authorizer.claims.sub',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
};

/** The REST stages' logging, from `ServiceConfig` (see its `apiGatewayCloudWatchRole`). */
export interface RestApiLogSettings {
  access: boolean;
  execution: boolean;
  /** The stack creates the execution log group, to give it a retention. */
  executionLogGroup: boolean;
}

export function restApiLogSettings(service: ServiceConfig): RestApiLogSettings {
  // Absent: no role, as before 0.3.0. Either log needs the role.
  const roleAvailable = (service.apiGatewayCloudWatchRole ?? 'none') !== 'none';
  const execution = service.apiExecutionLogging ?? roleAvailable;
  return {
    access: service.apiAccessLogging ?? roleAvailable,
    execution,
    // An explicit `true` is how projects turned execution logs on before 0.3.0: API Gateway may
    // have created the group already, and a second one of that name would fail the deploy.
    executionLogGroup: execution && service.apiExecutionLogging === undefined,
  };
}

/** What a REST API's stage gets, and what to add once the API exists. */
export interface RestApiLogging {
  deployOptions: Pick<apigateway.StageOptions, 'accessLogDestination' | 'accessLogFormat' | 'loggingLevel' | 'dataTraceEnabled'>;
  attach(api: apigateway.RestApi): void;
}

/**
 * The logs of the REST API `<id>RestApi` and its stage `stageName`: the access log in
 * `<id>ApiAccessLogs`; execution logs at ERROR level, without request or response data, in the
 * group API Gateway writes them to (`API-Gateway-Execution-Logs_<api id>/<stage>`), created here
 * with the retention. With either off, its cdk-nag finding is acknowledged with the reason.
 */
export function restApiLogging(stack: Stack, id: string, service: ServiceConfig, stageName: string): RestApiLogging {
  const settings = restApiLogSettings(service);
  const retention = service.logRetentionDays as logs.RetentionDays;
  let access: RestApiLogging['deployOptions'] = {};
  if (settings.access) {
    const group = new logs.LogGroup(stack, `${id}ApiAccessLogs`, { retention, removalPolicy: RemovalPolicy.DESTROY });
    access = {
      accessLogDestination: new apigateway.LogGroupLogDestination(group),
      accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(REST_API_ACCESS_LOG_FORMAT)),
    };
  }
  // Without request and response data: bodies and headers hold personal data and tokens.
  const execution = settings.execution ? { loggingLevel: apigateway.MethodLoggingLevel.ERROR, dataTraceEnabled: false } : {};
  return {
    deployOptions: { ...access, ...execution },
    attach(api) {
      if (settings.executionLogGroup) {
        const group = new logs.LogGroup(stack, `${id}ApiExecutionLogs`, {
          // The stage's name, not a reference to the stage: the stage depends on the group.
          logGroupName: `API-Gateway-Execution-Logs_${api.restApiId}/${stageName}`,
          retention,
          removalPolicy: RemovalPolicy.DESTROY,
        });
        // Before the stage logs, or API Gateway creates the group itself, kept forever.
        api.deploymentStage.node.addDependency(group);
      }
      acknowledgeRestApiLogging(api, settings);
    },
  };
}

function acknowledgeRestApiLogging(api: apigateway.RestApi, settings: RestApiLogSettings): void {
  const ack = (rule: string, reason: string) =>
    Validations.of(api).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule}`, reason });
  if (!settings.access) {
    ack('APIG1',
      'Access logging is off: ServiceConfig.apiGatewayCloudWatchRole is \'none\' (or apiAccessLogging false). ' +
      'API Gateway writes REST access logs only once the account and region have its CloudWatch Logs role. ' +
      'Meanwhile the function logs one JSON line per request (method, route, status, duration, request id). ' +
      'Set apiGatewayCloudWatchRole to \'stack\' (this app creates the role) or \'account\' (it exists).');
  }
  if (!settings.execution) {
    ack('APIG6',
      'Execution logging is off for the same reason as access logging (ServiceConfig.apiGatewayCloudWatchRole ' +
      'is \'none\', or apiExecutionLogging false): it needs the account\'s API Gateway CloudWatch Logs role.');
  }
}

/**
 * The name of the stack that holds the account's API Gateway CloudWatch Logs role. The same in
 * every project generated from go-lambda-template, so that an account and region have one such
 * stack, whichever project deployed it first, instead of one per project overwriting the others'.
 */
export const API_GATEWAY_CLOUDWATCH_ROLE_STACK = 'apigateway-cloudwatch-role';

/**
 * API Gateway's per-account, per-region setting (`AWS::ApiGateway::Account`) naming the role it
 * writes REST APIs' access and execution logs with, and that role (AWS's managed
 * AmazonAPIGatewayPushToCloudWatchLogs policy). A singleton: whoever sets it last wins, which is
 * why it lives in a stack of its own and never in a service stack. Both are retained when the
 * stack is deleted: the APIs of every other stack of the account log through them.
 */
export class ApiGatewayCloudWatchRoleStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: "API Gateway's CloudWatch Logs role for REST API logging in this account and region (shared)",
      ...props,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway writes the REST APIs\' access and execution logs to CloudWatch Logs with this role',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const account = new apigateway.CfnAccount(this, 'Account', { cloudWatchRoleArn: this.role.roleArn });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new CfnOutput(this, 'RoleArn', {
      description: 'The role API Gateway logs REST APIs with (API Gateway > Settings in this region)',
      value: this.role.roleArn,
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'AWS\'s managed policy for exactly this role, as API Gateway\'s documentation sets it up: only ' +
        'CloudWatch Logs actions, on the log groups of any API of the account (API Gateway names them). ' +
        'AWS keeps it in step with what API Gateway needs.',
    });
  }
}

/**
 * With `apiGatewayCloudWatchRole: 'stack'` and a REST function: the role's stack, in `app`,
 * deployed before `service` (`cdk deploy --all` follows the dependency).
 */
export function addApiGatewayCloudWatchRole(
  app: App, service: Stack, config: ServiceConfig, props: StackProps = {},
): ApiGatewayCloudWatchRoleStack | undefined {
  if (config.apiGatewayCloudWatchRole !== 'stack' || !config.functions.some((f) => f.kind === 'apigw-rest')) {
    return undefined;
  }
  // One for the whole app: every stage's stack depends on the same one.
  const existing = app.node.tryFindChild(API_GATEWAY_CLOUDWATCH_ROLE_STACK) as ApiGatewayCloudWatchRoleStack | undefined;
  const roleStack = existing ?? new ApiGatewayCloudWatchRoleStack(app, API_GATEWAY_CLOUDWATCH_ROLE_STACK, props);
  service.addStackDependency(roleStack, 'REST API stages log only once the account has API Gateway\'s CloudWatch Logs role');
  return roleStack;
}
