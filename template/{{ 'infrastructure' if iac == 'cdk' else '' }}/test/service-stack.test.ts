import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnElement } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { ServiceConfig } from '../lib/config-types';
import { exposedId, pascalCase } from '../lib/naming';
import { serviceConfig } from '../lib/service-config';
import { ServiceStack } from '../lib/service-stack';

// ---------------------------------------------------------------- helpers

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Stand-in for the Makefile's build/ directory: <name>/bootstrap per function. */
function fakeAssetRoot(names: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'service-stack-test-'));
  tempDirs.push(dir);
  for (const name of names) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'bootstrap'), `fake ${name} binary\n`);
  }
  return dir;
}

// Synthesize with the same feature flags as `cdk synth` (cdk.json's context).
const cdkJsonContext = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;

function synth(config: ServiceConfig, assetRoot = fakeAssetRoot(config.functions.map((f) => f.name))) {
  const app = new App({ context: cdkJsonContext });
  const stack = new ServiceStack(app, 'TestStack', { config, assetRoot });
  return { stack, template: Template.fromStack(stack) };
}

function logicalId(stack: ServiceStack, childId: string): string {
  const child = stack.node.findChild(childId);
  return stack.getLogicalId(child.node.defaultChild as CfnElement);
}

function functionLogicalId(stack: ServiceStack, name: string): string {
  return logicalId(stack, `${pascalCase(name)}Function`);
}

function roleLogicalId(stack: ServiceStack, name: string): string {
  const fn = stack.functions.get(name);
  if (!fn?.role) throw new Error(`no role for ${name}`);
  return stack.getLogicalId(fn.role.node.defaultChild as CfnElement);
}

type Props = Record<string, any>;

function resourcesOfType(template: Template, type: string): Record<string, Props> {
  return template.findResources(type);
}

/** All statements of the IAM policies attached to a role. */
function statementsOfRole(template: Template, roleId: string): Props[] {
  const statements: Props[] = [];
  for (const policy of Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))) {
    const roles: unknown[] = policy.Properties.Roles ?? [];
    if (roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId }))) {
      statements.push(...policy.Properties.PolicyDocument.Statement);
    }
  }
  return statements;
}

/** All actions granted to a role by the IAM policies attached to it. */
function actionsOfRole(template: Template, roleId: string): string[] {
  return statementsOfRole(template, roleId).flatMap((st) => [st.Action].flat());
}

/** `METHOD /path` for every method of a REST API, rebuilt from the template. */
function routesOf(template: Template, restApiId: string): string[] {
  const resources = resourcesOfType(template, 'AWS::ApiGateway::Resource');
  const pathOf = (resourceRef: unknown): string => {
    if (JSON.stringify(resourceRef) === JSON.stringify({ 'Fn::GetAtt': [restApiId, 'RootResourceId'] })) return '';
    const id = (resourceRef as { Ref: string }).Ref;
    const resource = resources[id];
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };
  return Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method'))
    .filter((m) => m.Properties.RestApiId.Ref === restApiId)
    .map((m) => `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId) || '/'}`)
    .sort();
}

// ---------------------------------------------------------------- fixture

const fixture: ServiceConfig = {
  projectName: 'fixture-service',
  architecture: 'arm64',
  runtime: 'provided.al2023',
  tracing: true,
  logLevel: 'INFO',
  logRetentionDays: 30,
  table: { deletionProtection: false },
  functions: [
    {
      name: 'api',
      kind: 'apigw-rest',
      memorySize: 256,
      timeoutSeconds: 10,
      usesTable: true,
      routes: [
        { method: 'GET', path: '/users' },
        { method: 'POST', path: '/users' },
        { method: 'GET', path: '/users/{userId}' },
        { method: 'PUT', path: '/users/{userId}' },
        { method: 'DELETE', path: '/users/{userId}' },
      ],
    },
    {
      name: 'hello',
      kind: 'apigw-rest',
      memorySize: 128,
      timeoutSeconds: 5,
      usesTable: false,
      environment: { GREETING: 'hi' },
      routes: [
        { method: 'GET', path: '/hello' },
        { method: 'POST', path: '/hello' },
      ],
    },
  ],
};

describe('fixture: api (users CRUD on the table) + hello', () => {
  const { stack, template } = synth(fixture);
  const tableId = logicalId(stack, 'Table');
  const apiFn = functionLogicalId(stack, 'api');
  const helloFn = functionLogicalId(stack, 'hello');
  const apiRest = logicalId(stack, 'ApiRestApi');
  const helloRest = logicalId(stack, 'HelloRestApi');

  test('two Go functions on provided.al2023 / arm64 with bootstrap handler', () => {
    template.resourceCountIs('AWS::Lambda::Function', 2);
    for (const [id, memory, timeout] of [[apiFn, 256, 10], [helloFn, 128, 5]] as const) {
      template.hasResource('AWS::Lambda::Function', {
        Properties: Match.objectLike({
          Runtime: 'provided.al2023',
          Architectures: ['arm64'],
          Handler: 'bootstrap',
          MemorySize: memory,
          Timeout: timeout,
          TracingConfig: { Mode: 'Active' },
        }),
      });
      expect(template.toJSON().Resources[id].Properties).toMatchObject({ MemorySize: memory, Timeout: timeout });
    }
  });

  test('environment: TABLE_NAME only where the table is used, LOG_LEVEL everywhere', () => {
    const fns = resourcesOfType(template, 'AWS::Lambda::Function');
    expect(fns[apiFn].Properties.Environment).toEqual({
      Variables: { LOG_LEVEL: 'INFO', TABLE_NAME: { Ref: tableId } },
    });
    expect(fns[helloFn].Properties.Environment).toEqual({
      Variables: { GREETING: 'hi', LOG_LEVEL: 'INFO' },
    });
  });

  test('JSON logging into an explicit log group with one month retention', () => {
    const fns = resourcesOfType(template, 'AWS::Lambda::Function');
    for (const [fnId, name] of [[apiFn, 'Api'], [helloFn, 'Hello']]) {
      expect(fns[fnId].Properties.LoggingConfig).toEqual({
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'INFO',
        LogGroup: { Ref: logicalId(stack, `${name}LogGroup`) },
      });
    }
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResources('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  test('single-table design: PK/SK, GSI1, on demand, PITR, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayEquals([
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
          { AttributeName: 'GSI1PK', AttributeType: 'S' },
          { AttributeName: 'GSI1SK', AttributeType: 'S' },
        ]),
        GlobalSecondaryIndexes: [
          {
            IndexName: 'GSI1',
            KeySchema: [
              { AttributeName: 'GSI1PK', KeyType: 'HASH' },
              { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        Replicas: [
          Match.objectLike({
            Region: { Ref: 'AWS::Region' },
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: false,
          }),
        ],
      }),
    });
  });

  test('api role may read and write the table (and its indexes), through a grant', () => {
    const apiRole = roleLogicalId(stack, 'api');
    const statements = statementsOfRole(template, apiRole);
    const dynamo = statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0].Effect).toBe('Allow');
    expect(dynamo[0].Action).toEqual(expect.arrayContaining([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:BatchWriteItem',
    ]));
    expect(dynamo[0].Resource).toEqual([
      { 'Fn::GetAtt': [tableId, 'Arn'] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/*']] },
    ]);
    // X-Ray permissions come with active tracing.
    expect(actionsOfRole(template, apiRole)).toEqual(expect.arrayContaining(['xray:PutTraceSegments']));
  });

  test('hello role gets no DynamoDB permission', () => {
    const actions = actionsOfRole(template, roleLogicalId(stack, 'hello'));
    expect(actions).toEqual(expect.arrayContaining(['xray:PutTraceSegments']));
    expect(actions.filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  test('one REST API per function, stage prod with tracing', () => {
    template.resourceCountIs('AWS::ApiGateway::RestApi', 2);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'fixture-service-api' });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'fixture-service-hello' });
    template.resourceCountIs('AWS::ApiGateway::Stage', 2);
    // The account-wide API Gateway CloudWatch role is not this stack's business.
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.allResourcesProperties('AWS::ApiGateway::Stage', { StageName: 'prod', TracingEnabled: true });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { RestApiId: { Ref: apiRest } });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { RestApiId: { Ref: helloRest } });
  });

  test('API resources users, {userId}, hello', () => {
    template.resourceCountIs('AWS::ApiGateway::Resource', 3);
    const users = Object.keys(template.findResources('AWS::ApiGateway::Resource', {
      Properties: { PathPart: 'users', ParentId: { 'Fn::GetAtt': [apiRest, 'RootResourceId'] }, RestApiId: { Ref: apiRest } },
    }));
    expect(users).toHaveLength(1);
    template.hasResourceProperties('AWS::ApiGateway::Resource', {
      PathPart: '{userId}', ParentId: { Ref: users[0] }, RestApiId: { Ref: apiRest },
    });
    template.hasResourceProperties('AWS::ApiGateway::Resource', {
      PathPart: 'hello', ParentId: { 'Fn::GetAtt': [helloRest, 'RootResourceId'] }, RestApiId: { Ref: helloRest },
    });
  });

  test('methods per resource', () => {
    template.resourceCountIs('AWS::ApiGateway::Method', 7);
    expect(routesOf(template, apiRest)).toEqual([
      'DELETE /users/{userId}',
      'GET /users',
      'GET /users/{userId}',
      'POST /users',
      'PUT /users/{userId}',
    ]);
    expect(routesOf(template, helloRest)).toEqual(['GET /hello', 'POST /hello']);
  });

  test('every method is a Lambda proxy integration to its own function', () => {
    for (const [rest, fn] of [[apiRest, apiFn], [helloRest, helloFn]]) {
      const methods = template.findResources('AWS::ApiGateway::Method', { Properties: { RestApiId: { Ref: rest } } });
      for (const method of Object.values(methods)) {
        expect(method.Properties.AuthorizationType).toBe('NONE');
        expect(method.Properties.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
        expect(JSON.stringify(method.Properties.Integration.Uri)).toContain(JSON.stringify({ 'Fn::GetAtt': [fn, 'Arn'] }));
      }
    }
  });

  test('one API-scoped invoke permission per function', () => {
    template.resourceCountIs('AWS::Lambda::Permission', 2);
    for (const [rest, fn] of [[apiRest, apiFn], [helloRest, helloFn]]) {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
        SourceArn: { 'Fn::Join': ['', Match.arrayWith([{ Ref: rest }, '/*/*/*'])] },
      });
    }
  });

  test('outputs ApiUrl and HelloApiUrl point at the prod stages', () => {
    const outputs = template.toJSON().Outputs as Record<string, Props>;
    expect(Object.keys(outputs).sort()).toEqual(['ApiUrl', 'HelloApiUrl']);
    for (const [name, restChild] of [['ApiUrl', 'ApiRestApi'], ['HelloApiUrl', 'HelloRestApi']]) {
      const api = stack.node.findChild(restChild) as apigateway.RestApi;
      const stageId = stack.getLogicalId(api.deploymentStage.node.defaultChild as CfnElement);
      const value = JSON.stringify(outputs[name].Value);
      expect(value).toContain(JSON.stringify({ Ref: logicalId(stack, restChild) }));
      expect(value).toContain('.execute-api.');
      expect(value).toContain(JSON.stringify({ Ref: stageId }));
    }
  });

  test('stack is tagged with the project name', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Tags: Match.arrayWith([{ Key: 'project', Value: 'fixture-service' }]),
    });
  });
});

// ---------------------------------------------------------------- variants

describe('variants', () => {
  test('x86_64, no tracing, no table, DEBUG override', () => {
    const { template } = synth({
      ...fixture,
      architecture: 'x86_64',
      tracing: false,
      logRetentionDays: 7,
      table: undefined,
      functions: [{ ...fixture.functions[1], logLevel: 'DEBUG' }],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Architectures: ['x86_64'],
      TracingConfig: Match.absent(),
      Environment: { Variables: { GREETING: 'hi', LOG_LEVEL: 'DEBUG' } },
      LoggingConfig: Match.objectLike({ ApplicationLogLevel: 'DEBUG' }),
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: false });
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('provided.al2 still synthesizes, with CDK\'s deprecation warning', () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const { template } = synth({ ...fixture, runtime: 'provided.al2' });
      template.allResourcesProperties('AWS::Lambda::Function', { Runtime: 'provided.al2' });
      expect(errors.mock.calls.flat().join('\n')).toMatch(/Runtime 'provided\.al2' was deprecated/);
    } finally {
      errors.mockRestore();
    }
  });

  test('table deletion protection is configurable', () => {
    const { template } = synth({ ...fixture, table: { deletionProtection: true } });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
    });
  });

  test('optional API access logging', () => {
    const { stack, template } = synth({ ...fixture, apiAccessLogging: true });
    template.resourceCountIs('AWS::Logs::LogGroup', 4);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      RestApiId: { Ref: logicalId(stack, 'ApiRestApi') },
      AccessLogSetting: Match.objectLike({ Format: Match.stringLikeRegexp('requestId') }),
    });
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage', {
      Properties: { RestApiId: { Ref: logicalId(stack, 'ApiRestApi') } },
    }))[0];
    expect(JSON.stringify(stage.Properties.AccessLogSetting.DestinationArn))
      .toContain(JSON.stringify({ Ref: logicalId(stack, 'ApiApiAccessLogs') }));
  });

  test('several REST functions: names, ids and outputs derived from the function name', () => {
    const { template } = synth({
      ...fixture,
      functions: ['orders-api', 'billing_worker', 'api'].map((name) => ({
        ...fixture.functions[1],
        name,
      })),
    });
    template.resourceCountIs('AWS::ApiGateway::RestApi', 3);
    expect(Object.keys(template.toJSON().Outputs)).toEqual(
      expect.arrayContaining(['OrdersApiUrl', 'BillingWorkerApiUrl', 'ApiUrl']),
    );
  });

  test('root route', () => {
    const { stack, template } = synth({
      ...fixture,
      functions: [{ ...fixture.functions[1], routes: [{ method: 'ANY', path: '/' }, { method: 'ANY', path: '/{proxy+}' }] }],
    });
    expect(routesOf(template, logicalId(stack, 'HelloRestApi'))).toEqual(['ANY /', 'ANY /{proxy+}']);
  });
});

describe('configuration errors are reported at synth', () => {
  test('missing bootstrap', () => {
    expect(() => synth(fixture, fakeAssetRoot(['api']))).toThrow(/hello\/bootstrap not found; build the functions first/);
  });
  test('function uses the table but there is none', () => {
    expect(() => synth({ ...fixture, table: undefined })).toThrow(/'api' uses the table but the service has no table/);
  });
  test('two names with the same PascalCase id', () => {
    const fns = ['my-fn', 'my_fn'].map((name) => ({ ...fixture.functions[1], name }));
    expect(() => synth({ ...fixture, functions: fns })).toThrow(/both map to construct id 'MyFn'/);
  });
  test('reserved environment variable', () => {
    const fns = [{ ...fixture.functions[1], environment: { LOG_LEVEL: 'x' } }];
    expect(() => synth({ ...fixture, functions: fns })).toThrow(/LOG_LEVEL is set by the stack/);
  });
  test('relative route path', () => {
    const fns = [{ ...fixture.functions[1], routes: [{ method: 'GET' as const, path: 'hello' }] }];
    expect(() => synth({ ...fixture, functions: fns })).toThrow(/must start with '\/'/);
  });
  test('REST function without routes', () => {
    const fns = [{ ...fixture.functions[1], routes: [] }];
    expect(() => synth({ ...fixture, functions: fns })).toThrow(/at least one route/);
  });
});

describe('naming', () => {
  test.each([
    ['api', 'Api', 'ApiUrl'],
    ['hello', 'Hello', 'HelloApiUrl'],
    ['orders-api', 'OrdersApi', 'OrdersApiUrl'],
    ['billing_worker', 'BillingWorker', 'BillingWorkerApiUrl'],
    ['rapid', 'Rapid', 'RapidApiUrl'],
  ])('%s', (name, pascal, output) => {
    expect(pascalCase(name)).toBe(pascal);
    expect(exposedId(name, 'ApiUrl')).toBe(output);
  });
});

// ---------------------------------------------------------------- this project's own answers

describe('generated service-config.ts', () => {
  const { stack, template } = synth(serviceConfig);

  test.each(serviceConfig.functions.map((f) => [f.name, f] as const))('function %s', (name, fn) => {
    const props = template.toJSON().Resources[functionLogicalId(stack, name)].Properties;
    expect(props).toMatchObject({
      Runtime: serviceConfig.runtime,
      Architectures: [serviceConfig.architecture],
      Handler: 'bootstrap',
      MemorySize: fn.memorySize,
      Timeout: fn.timeoutSeconds,
      LoggingConfig: { LogFormat: 'JSON' },
    });
    expect(props.TracingConfig).toEqual(serviceConfig.tracing ? { Mode: 'Active' } : undefined);
    expect('TABLE_NAME' in props.Environment.Variables).toBe(fn.usesTable);
    const dynamo = actionsOfRole(template, roleLogicalId(stack, name)).filter((a) => a.startsWith('dynamodb:'));
    expect(dynamo.length > 0).toBe(fn.usesTable);

    if (fn.kind === 'apigw-rest') {
      const expected = fn.routes.map((r) => `${r.method} ${r.path}`).sort();
      expect(routesOf(template, logicalId(stack, `${pascalCase(name)}RestApi`))).toEqual(expected);
      expect(template.toJSON().Outputs).toHaveProperty(exposedId(name, 'ApiUrl'));
    }
  });

  test('table matches the config', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', serviceConfig.table ? 1 : 0);
  });
});
