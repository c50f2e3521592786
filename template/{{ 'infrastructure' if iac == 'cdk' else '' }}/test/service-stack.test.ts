import { CfnElement } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Match } from 'aws-cdk-lib/assertions';
import { SERVICE_KEYS, type ServiceConfig, type ServiceKey } from '../lib/config-types';
import { IDEMPOTENCY_ENV } from '../lib/idempotency';
import { exposedId, pascalCase } from '../lib/naming';
import { serviceConfig } from '../lib/service-config';
import { OUTBOUND_ENV, SERVICE_ENV, triggerService } from '../lib/services';
import {
  PROJECT_ROOT,
  type Props,
  SERVICE_RESOURCES,
  actionsOfRole,
  expectedAlarmCount,
  fakeAssetRoot,
  fixture,
  functionLogicalId,
  logicalId,
  resourcesOfType,
  roleLogicalId,
  routesOf,
  statementsForService,
  statementsOfRole,
  synth,
  withoutServices,
} from './helpers';

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

  test('environment: TABLE_NAME only where the table is used, LOG_LEVEL and METRICS_NAMESPACE everywhere', () => {
    const fns = resourcesOfType(template, 'AWS::Lambda::Function');
    expect(fns[apiFn].Properties.Environment).toEqual({
      Variables: { LOG_LEVEL: 'INFO', METRICS_NAMESPACE: 'fixture-service', TABLE_NAME: { Ref: tableId } },
    });
    expect(fns[helloFn].Properties.Environment).toEqual({
      Variables: { GREETING: 'hi', LOG_LEVEL: 'INFO', METRICS_NAMESPACE: 'fixture-service' },
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

  test('api role may read and write the table and its GSI1 index, nothing more', () => {
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
    expect(dynamo[0].Action).not.toEqual(expect.arrayContaining(['dynamodb:DescribeTable']));
    expect(dynamo[0].Action.filter((a: string) => /Stream|Records|ShardIterator|\*/.test(a))).toEqual([]);
    expect(dynamo[0].Resource).toEqual([
      { 'Fn::GetAtt': [tableId, 'Arn'] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/GSI1']] },
    ]);
    // X-Ray permissions come with active tracing.
    expect(actionsOfRole(template, apiRole)).toEqual(expect.arrayContaining(['xray:PutTraceSegments']));
  });

  test('own roles: no managed policy, logs only into the function\'s own log group', () => {
    template.resourceCountIs('AWS::IAM::Role', 2);
    template.allResourcesProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
        Version: '2012-10-17',
      },
      ManagedPolicyArns: Match.absent(),
    });
    for (const [name, logGroup] of [['api', 'ApiLogGroup'], ['hello', 'HelloLogGroup']]) {
      const logs = statementsOfRole(template, roleLogicalId(stack, name))
        .filter((st) => [st.Action].flat().some((a: string) => a.startsWith('logs:')));
      expect(logs).toEqual([{
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalId(stack, logGroup), 'Arn'] },
      }]);
    }
  });

  test('the only "*" resource is X-Ray\'s (acknowledged as AwsSolutions-IAM5[Resource::*])', () => {
    for (const name of ['api', 'hello']) {
      const wildcard = statementsOfRole(template, roleLogicalId(stack, name)).filter((st) => JSON.stringify(st.Resource).includes('*'));
      expect(wildcard).toEqual([{
        Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        Effect: 'Allow',
        Resource: '*',
      }]);
    }
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

  test('every method has the API\'s request validator and declares its path parameters', () => {
    template.resourceCountIs('AWS::ApiGateway::RequestValidator', 2);
    for (const rest of [apiRest, helloRest]) {
      const validators = Object.keys(template.findResources('AWS::ApiGateway::RequestValidator', {
        Properties: { RestApiId: { Ref: rest }, ValidateRequestBody: true, ValidateRequestParameters: true },
      }));
      expect(validators).toHaveLength(1);
      const methods = template.findResources('AWS::ApiGateway::Method', { Properties: { RestApiId: { Ref: rest } } });
      for (const method of Object.values(methods)) {
        expect(method.Properties.RequestValidatorId).toEqual({ Ref: validators[0] });
      }
    }
    const withUserId = Object.values(template.findResources('AWS::ApiGateway::Method', {
      Properties: { RequestParameters: { 'method.request.path.userId': true } },
    }));
    expect(withUserId.map((m) => m.Properties.HttpMethod).sort()).toEqual(['DELETE', 'GET', 'PUT']);
    template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { RequestParameters: Match.absent() }, 4);
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

  test('outputs ApiUrl and HelloApiUrl point at the prod stages; TableName names the table', () => {
    const outputs = template.toJSON().Outputs as Record<string, Props>;
    expect(Object.keys(outputs).sort()).toEqual(['ApiUrl', 'HelloApiUrl', 'TableName']);
    expect(outputs.TableName.Value).toEqual({ Ref: tableId });
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
  test('x86_64, no tracing, no service, DEBUG override', () => {
    const { template } = synth(withoutServices({
      ...fixture,
      architecture: 'x86_64',
      tracing: false,
      logRetentionDays: 7,
      functions: [{ ...fixture.functions[1], logLevel: 'DEBUG' }],
    }));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Architectures: ['x86_64'],
      TracingConfig: Match.absent(),
      Environment: { Variables: { GREETING: 'hi', LOG_LEVEL: 'DEBUG' } },
      LoggingConfig: Match.objectLike({ ApplicationLogLevel: 'DEBUG' }),
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: false });
    for (const { type } of Object.values(SERVICE_RESOURCES)) template.resourceCountIs(type, 0);
    expect(template.toJSON().Outputs).toEqual({ HelloApiUrl: expect.anything() });
    // Only its own log group: no service, no X-Ray.
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })] },
    });
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

  // How projects before 0.3.0 turned REST logging on; the defaults are in api-logs.test.ts.
  test('API execution logging set to true (ERROR, without request data), in API Gateway\'s own group', () => {
    const { template } = synth({ ...fixture, apiExecutionLogging: true });
    template.allResourcesProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [{ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false }],
    });
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { LogGroupName: Match.anyValue() }, 0);
    const { template: off } = synth(fixture);
    off.allResourcesProperties('AWS::ApiGateway::Stage', { MethodSettings: Match.absent() });
  });

  test('API access logging set to true', () => {
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

  test('greedy path parameters are declared too', () => {
    const { template } = synth({
      ...fixture,
      functions: [{ ...fixture.functions[1], routes: [{ method: 'ANY', path: '/files/{bucket}/{key+}' }] }],
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      RequestParameters: { 'method.request.path.bucket': true, 'method.request.path.key': true },
    });
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
    expect(() => synth(fixture, { assetRoot: fakeAssetRoot(['api']) })).toThrow(/hello\/bootstrap not found; build the functions first/);
  });
  test('function uses a service the service does not list', () => {
    expect(() => synth({ ...fixture, services: [], table: undefined })).toThrow(/'api' uses dynamodb, which the top-level services do not list/);
    const fns = [{ ...fixture.functions[1], services: ['s3' as const] }];
    expect(() => synth({ ...fixture, functions: fns })).toThrow(/'hello' uses s3, which the top-level services do not list/);
  });
  test('table options without dynamodb', () => {
    expect(() => synth({ ...withoutServices(fixture), table: { deletionProtection: true } })).toThrow(/table options are set but services does not include 'dynamodb'/);
  });
  test('unknown or repeated service', () => {
    const unknown = { ...fixture, services: ['dynamodb', 'kafka'] } as unknown as ServiceConfig;
    expect(() => synth(unknown)).toThrow(/services: unknown service 'kafka' \(known: dynamodb, s3, sqs, sns, secretsmanager, ssm, kinesis, eventbridge\)/);
    const fns = [{ ...fixture.functions[0], services: ['dynamodb', 'dynamodb'] as ServiceKey[] }];
    expect(() => synth({ ...fixture, functions: fns })).toThrow(/function 'api': services: \[dynamodb, dynamodb\] lists a service twice/);
  });
  test.each(['TABLE_NAME', 'BUCKET_NAME', 'QUEUE_URL', 'TOPIC_ARN', 'SECRET_ID', 'PARAMETER_NAME'])('reserved environment variable %s', (name) => {
    const fns = [{ ...fixture.functions[1], environment: { [name]: 'x' } }];
    expect(() => synth({ ...fixture, functions: fns })).toThrow(new RegExp(`${name} is set by the stack`));
  });
  test('two names with the same PascalCase id', () => {
    const fns = ['my-fn', 'my_fn'].map((name) => ({ ...fixture.functions[1], name }));
    expect(() => synth({ ...fixture, functions: fns })).toThrow(/both map to construct id 'MyFn'/);
  });
  test.each(['LOG_LEVEL', 'METRICS_NAMESPACE', 'TABLE_NAME'])('reserved environment variable %s', (name) => {
    const fns = [{ ...fixture.functions[1], environment: { [name]: 'x' } }];
    expect(() => synth({ ...fixture, functions: fns })).toThrow(new RegExp(`${name} is set by the stack`));
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
  // The project's own go.mod and cmd/<name>/ for bundling go-function (not compiled here).
  const { stack, template } = synth(serviceConfig, { projectRoot: PROJECT_ROOT });

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
    // Exactly the variables of its services, and a grant for those services only.
    expect(Object.keys(props.Environment.Variables).sort()).toEqual(
      ['LOG_LEVEL', 'METRICS_NAMESPACE', ...Object.keys(fn.environment ?? {}), ...fn.services.map((key) => SERVICE_ENV[key]),
        ...(fn.kind === 'authorizer' ? ['JWT_AUDIENCE', 'JWT_ISSUER'] : []),
        ...('idempotency' in fn && fn.idempotency ? [IDEMPOTENCY_ENV] : []),
        ...(serviceConfig.outboundBaseUrl === undefined ? [] : [OUTBOUND_ENV])].sort(),
    );
    for (const key of SERVICE_KEYS) {
      if (triggerService(fn) === key) continue; // reading its trigger: test/kinds.test.ts
      const statements = statementsForService(template, stack, roleLogicalId(stack, name), key);
      expect([key, statements.length > 0]).toEqual([key, fn.services.includes(key)]);
    }

    if (fn.kind === 'apigw-rest') {
      const expected = fn.routes.map((r) => `${r.method} ${r.path}`).sort();
      expect(routesOf(template, logicalId(stack, `${pascalCase(name)}RestApi`))).toEqual(expected);
      expect(template.toJSON().Outputs).toHaveProperty(exposedId(name, 'ApiUrl'));
    }
  });

  test('resources match the services of the config', () => {
    // The s3 kind's buckets and the alb kind's access log buckets log into AccessLogsBucket too.
    const sharedIds = serviceConfig.functions.some((f) => f.kind === 's3' || f.kind === 'alb') ? ['AccessLogsBucket'] : [];
    for (const key of SERVICE_KEYS) {
      for (const id of SERVICE_RESOURCES[key].ids.filter((i) => !sharedIds.includes(i))) {
        expect([id, stack.node.tryFindChild(id) !== undefined]).toEqual([id, serviceConfig.services.includes(key)]);
      }
    }
    // ...and every function's services are among them.
    for (const fn of serviceConfig.functions) {
      expect(serviceConfig.services).toEqual(expect.arrayContaining(fn.services));
    }
  });

  test('alarms match the config', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', expectedAlarmCount(serviceConfig));
  });
});
