// API Gateway's logs: the REST stages' access and execution logs by ServiceConfig.apiGatewayCloudWatchRole,
// the stack holding the account's CloudWatch Logs role, and one access log format for REST and HTTP APIs.
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  ACCESS_LOG_FIELDS,
  API_GATEWAY_CLOUDWATCH_ROLE_STACK,
  HTTP_API_ACCESS_LOG_FORMAT,
  REST_API_ACCESS_LOG_FORMAT,
  addApiGatewayCloudWatchRole,
} from '../lib/api-logs';
import type { ApiGatewayCloudWatchRole, ServiceConfig } from '../lib/config-types';
import { serviceConfig } from '../lib/service-config';
import type { ServiceStack } from '../lib/service-stack';
import { type Props, fixture, kindFunction, logicalId, newApp, newStack, serviceOf, synth } from './helpers';

/** The stage of the REST API of function `name` (construct id `<Name>RestApi`). */
function stageOf(template: Template, stack: ServiceStack, restApiId: string): { id: string; resource: Props } {
  const stages = template.findResources('AWS::ApiGateway::Stage', {
    Properties: { RestApiId: { Ref: logicalId(stack, restApiId) } },
  });
  const [[id, resource]] = Object.entries(stages);
  return { id, resource };
}

const REST_APIS = [['Api', 'ApiRestApi'], ['Hello', 'HelloRestApi']] as const;

describe.each(['stack', 'account'] as const)("apiGatewayCloudWatchRole '%s': REST APIs log by default", (role) => {
  const { stack, template } = synth({ ...fixture, apiGatewayCloudWatchRole: role });
  const groups = template.findResources('AWS::Logs::LogGroup');

  test.each(REST_APIS)('%s: the JSON access log into a group of its own, kept logRetentionDays', (id, restApi) => {
    const { resource } = stageOf(template, stack, restApi);
    const setting = resource.Properties.AccessLogSetting;
    expect(JSON.parse(setting.Format)).toEqual(REST_API_ACCESS_LOG_FORMAT);
    const group = logicalId(stack, `${id}ApiAccessLogs`);
    // The group's ARN without the trailing :* (cdk.json's logGroupDestinationArnWithoutWildcard).
    expect(JSON.stringify(setting.DestinationArn)).toContain(JSON.stringify({ Ref: group }));
    expect(groups[group].Properties.RetentionInDays).toBe(30);
  });

  test.each(REST_APIS)('%s: execution logs at ERROR without request data, into a group the stack creates first', (id, restApi) => {
    const { resource } = stageOf(template, stack, restApi);
    expect(resource.Properties.MethodSettings).toEqual([
      { HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false },
    ]);
    const group = logicalId(stack, `${id}ApiExecutionLogs`);
    expect(groups[group].Properties).toMatchObject({
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: logicalId(stack, restApi) }, '/prod']] },
      RetentionInDays: 30,
    });
    expect(resource.DependsOn).toContain(group);
  });

  test('the service stack never sets the account\'s role', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.resourcePropertiesCountIs('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })]),
      }),
    }, 0);
  });
});

describe.each([['none', 'none'], ['absent (projects before 0.3.0)', undefined]] as const)(
  'apiGatewayCloudWatchRole %s: no REST API logs',
  (_name, role) => {
    const { stack, template } = synth({ ...fixture, apiGatewayCloudWatchRole: role });

    test.each(REST_APIS)('%s: no access or execution log', (_id, restApi) => {
      const { resource } = stageOf(template, stack, restApi);
      expect(resource.Properties.AccessLogSetting).toBeUndefined();
      expect(resource.Properties.MethodSettings).toBeUndefined();
    });

    test('only the functions\' log groups', () => {
      template.resourceCountIs('AWS::Logs::LogGroup', fixture.functions.length);
    });
  },
);

test.each<[string, Partial<ServiceConfig>, number]>([
  ['apiAccessLogging', { apiAccessLogging: false }, ['ApiExecutionLogs', 'HelloExecutionLogs'].length],
  ['apiExecutionLogging', { apiExecutionLogging: false }, ['ApiAccessLogs', 'HelloAccessLogs'].length],
])('%s: false turns that log off although the account has the role', (_name, setting, apiGroups) => {
  const { stack, template } = synth({ ...fixture, apiGatewayCloudWatchRole: 'account', ...setting });
  const { resource } = stageOf(template, stack, 'ApiRestApi');
  expect(resource.Properties.AccessLogSetting === undefined).toBe(setting.apiAccessLogging === false);
  expect(resource.Properties.MethodSettings === undefined).toBe(setting.apiExecutionLogging === false);
  template.resourceCountIs('AWS::Logs::LogGroup', fixture.functions.length + apiGroups);
});

test('apiExecutionLogging: true, as before 0.3.0: the group stays API Gateway\'s, which may exist already', () => {
  const { stack, template } = synth({ ...fixture, apiGatewayCloudWatchRole: 'account', apiExecutionLogging: true });
  expect(stageOf(template, stack, 'ApiRestApi').resource.Properties.MethodSettings).toHaveLength(1);
  expect(stack.node.tryFindChild('ApiApiExecutionLogs')).toBeUndefined();
  template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { LogGroupName: Match.anyValue() }, 0);
});

test('an unknown apiGatewayCloudWatchRole is reported at synth', () => {
  const config = { ...fixture, apiGatewayCloudWatchRole: 'mine' } as unknown as ServiceConfig;
  expect(() => synth(config)).toThrow(/apiGatewayCloudWatchRole 'mine' must be one of stack, account, none/);
});

describe('the account\'s CloudWatch Logs role, in a stack of its own', () => {
  /** The app as bin/app.ts builds it. */
  function appOf(config: ServiceConfig) {
    const app = newApp();
    const service = newStack(app, config);
    const roleStack = addApiGatewayCloudWatchRole(app, service, config);
    return { app, service, roleStack };
  }

  test("'stack': apigateway-cloudwatch-role holds the role and the account setting, both retained, deployed first", () => {
    const { service, roleStack } = appOf({ ...fixture, apiGatewayCloudWatchRole: 'stack' });
    expect(roleStack?.stackName).toBe(API_GATEWAY_CLOUDWATCH_ROLE_STACK);
    expect(API_GATEWAY_CLOUDWATCH_ROLE_STACK).toBe('apigateway-cloudwatch-role');
    expect(service.dependencies).toEqual([roleStack]);

    const template = Template.fromStack(roleStack!).toJSON();
    const types = Object.values<Props>(template.Resources).map((r) => r.Type).sort();
    expect(types).toEqual(['AWS::ApiGateway::Account', 'AWS::IAM::Role']);
    const [[roleId, role]] = Object.entries<Props>(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
    ]);
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain('service-role/AmazonAPIGatewayPushToCloudWatchLogs');
    expect(role.Properties.Policies).toBeUndefined();
    const [account] = Object.values<Props>(template.Resources).filter((r) => r.Type === 'AWS::ApiGateway::Account');
    expect(account.Properties).toEqual({ CloudWatchRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    for (const resource of [role, account]) {
      expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    }
    expect(template.Outputs.RoleArn.Value).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });

  test.each<ApiGatewayCloudWatchRole | undefined>(['account', 'none', undefined])("'%s': no such stack", (role) => {
    const { app, roleStack } = appOf({ ...fixture, apiGatewayCloudWatchRole: role });
    expect(roleStack).toBeUndefined();
    expect(app.node.tryFindChild(API_GATEWAY_CLOUDWATCH_ROLE_STACK)).toBeUndefined();
  });

  test("'stack' without a REST function: no such stack (HTTP APIs log without the role)", () => {
    const { roleStack } = appOf({ ...serviceOf(kindFunction('apigw-http')), apiGatewayCloudWatchRole: 'stack' });
    expect(roleStack).toBeUndefined();
  });

  test('the generated service-config.ts says where the role comes from when it has a REST function', () => {
    const rest = serviceConfig.functions.some((f) => f.kind === 'apigw-rest');
    expect(serviceConfig.apiGatewayCloudWatchRole !== undefined).toBe(rest);
  });
});

describe('one access log format for REST and HTTP APIs', () => {
  test('the same fields: request id, caller, route, status and latencies', () => {
    expect(Object.keys(REST_API_ACCESS_LOG_FORMAT)).toEqual([...ACCESS_LOG_FIELDS]);
    expect(Object.keys(HTTP_API_ACCESS_LOG_FORMAT)).toEqual([...ACCESS_LOG_FIELDS]);
    expect(ACCESS_LOG_FIELDS).toEqual(expect.arrayContaining([
      'requestId', 'ip', 'caller', 'principalId', 'sub', 'routeKey', 'status', 'responseLatency', 'integrationLatency',
    ]));
  });

  test.each([['REST', REST_API_ACCESS_LOG_FORMAT], ['HTTP', HTTP_API_ACCESS_LOG_FORMAT]])(
    '%s: every value is $context variables only, none from headers, query strings or bodies',
    (_kind, format) => {
      for (const value of Object.values(format)) {
        expect(value).toMatch(/^\$context\.[A-Za-z.]+( \$context\.[A-Za-z.]+)?$/);
        expect(value).not.toMatch(/header|querystring|body|input|userAgent/i);
      }
    },
  );

  test('an HTTP API stage logs those fields', () => {
    const { template } = synth({ ...serviceOf(kindFunction('apigw-http')) });
    const [stage] = Object.values<Props>(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(Object.keys(JSON.parse(stage.Properties.AccessLogSettings.Format))).toEqual([...ACCESS_LOG_FIELDS]);
  });
});
