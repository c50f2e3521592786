// Every trigger kind of lib/kinds: its resources and their key properties, one function of each
// kind in one stack (as the catalogue's defaults render them), two of each side by side, and the
// configuration errors each kind reports at synth.
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { STREAM_ALARM_RULES } from '../lib/alarms';
import type { FunctionKind, ServiceConfig } from '../lib/config-types';
import { kindRegistry } from '../lib/kinds';
import { HTTP_API_ACCESS_LOG_FORMAT } from '../lib/kinds/apigw-http';
import { ALB_TLS_POLICY, ELB_LOG_DELIVERY_SERVICE, albPathPattern } from '../lib/kinds/alb';
import { FUNCTION_URL_CORS_HEADERS } from '../lib/kinds/function-url';
import { scheduleExpressionError } from '../lib/kinds/schedule';
import { ASYNC_RETRY_ATTEMPTS, TARGET_RETRY_ATTEMPTS } from '../lib/kinds/shared';
import { pascalCase } from '../lib/naming';
import {
  FUNCTION_KINDS,
  KIND_DEFAULTS,
  type Props,
  actionsOfRole,
  allKinds,
  everyKindTwice,
  expectedAlarmCount,
  functionLogicalId,
  kindFunction,
  logicalId,
  resourcesOfType,
  roleLogicalId,
  serviceOf,
  statementsOfRole,
  synth,
} from './helpers';

const { stack, template } = synth(allKinds);
const id = (kind: FunctionKind, suffix: string) => logicalId(stack, `${pascalCase(KIND_DEFAULTS[kind].name)}${suffix}`);
const fnRef = (kind: FunctionKind) => ({ Ref: functionLogicalId(stack, KIND_DEFAULTS[kind].name) });
const fnArn = (kind: FunctionKind) => ({ 'Fn::GetAtt': [functionLogicalId(stack, KIND_DEFAULTS[kind].name), 'Arn'] });
const arnOf = (logical: string) => ({ 'Fn::GetAtt': [logical, 'Arn'] });

/** The resources of `type` whose properties mention `logical` (e.g. the mappings of one function). */
function resourcesReferring(t: Template, type: string, logical: string): Props[] {
  return Object.values(resourcesOfType(t, type)).filter((r) => JSON.stringify(r.Properties).includes(`"${logical}"`));
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0];
}

/** The encrypted, TLS-only dead-letter queue `<Name>DeadLetterQueue`, kept 14 days. */
function expectDeadLetterQueue(kind: FunctionKind): string {
  const dlq = id(kind, 'DeadLetterQueue');
  expect(template.toJSON().Resources[dlq].Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
  expectTlsOnly(dlq);
  expect(template.toJSON().Outputs[`${pascalCase(KIND_DEFAULTS[kind].name)}DeadLetterQueueUrl`].Value).toEqual({ Ref: dlq });
  return dlq;
}

function expectTlsOnly(queue: string): void {
  const policy = only(resourcesReferring(template, 'AWS::SQS::QueuePolicy', queue)
    .filter((p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: queue }])));
  expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
    Effect: 'Deny',
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  }));
}

/** Asynchronous kinds: after Lambda's retries, a failed event goes to the dead-letter queue. */
function expectAsyncFailuresTo(kind: FunctionKind, dlq: string): void {
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: fnRef(kind),
    Qualifier: '$LATEST',
    MaximumRetryAttempts: ASYNC_RETRY_ATTEMPTS,
    DestinationConfig: { OnFailure: { Destination: arnOf(dlq) } },
  });
}

test('every kind of the config types is registered', () => {
  expect(Object.keys(kindRegistry).sort()).toEqual([...FUNCTION_KINDS].sort());
});

test('one function of every kind: one function each, and each one has its own role and log group', () => {
  template.resourceCountIs('AWS::Lambda::Function', FUNCTION_KINDS.length + 2); // + S3 notifications, VPC default SG handlers
  for (const kind of FUNCTION_KINDS) {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp(`\\(${kind}\\)$`),
      Handler: 'bootstrap',
      Runtime: 'provided.al2023',
    });
  }
});

test('no statement of a function role uses "*" except X-Ray, and no action has a wildcard', () => {
  for (const kind of FUNCTION_KINDS) {
    for (const st of statementsOfRole(template, roleLogicalId(stack, KIND_DEFAULTS[kind].name))) {
      expect([st.Action].flat().filter((a: string) => a.includes('*'))).toEqual([]);
      if (st.Resource === '*') expect([st.Action].flat().sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  }
});

describe('apigw-http', () => {
  const api = id('apigw-http', 'HttpApi');

  test('an HTTP API with a payload 2.0 Lambda integration on each route', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'fixture-service-http-api', ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      ApiId: { Ref: api },
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: fnArn('apigw-http'),
      PayloadFormatVersion: '2.0',
    });
    const routes = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey).sort();
    expect(routes).toEqual(['GET /hello', 'POST /hello']);
  });

  test('stage $default, auto-deployed, with JSON access logs in a log group with retention', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: api },
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: arnOf(id('apigw-http', 'HttpApiAccessLogs')),
        Format: JSON.stringify(HTTP_API_ACCESS_LOG_FORMAT),
      },
    });
    expect(template.toJSON().Resources[id('apigw-http', 'HttpApiAccessLogs')].Properties.RetentionInDays).toBe(30);
  });

  test('one invoke permission for the whole API; output HttpApiUrl', () => {
    const permissions = resourcesReferring(template, 'AWS::Lambda::Permission', functionLogicalId(stack, 'http-api'));
    expect(only(permissions).Properties).toMatchObject({ Principal: 'apigateway.amazonaws.com', Action: 'lambda:InvokeFunction' });
    expect(template.toJSON().Outputs.HttpApiUrl).toBeDefined();
  });
});

describe('alb', () => {
  test('a VPC of its own: 2 public subnets, no NAT gateway, flow logs', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true });
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceId: { Ref: id('alb', 'Vpc') },
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: id('alb', 'VpcFlowLogs') },
    });
  });

  test('internet-facing ALB; HTTPS listener on 443 with the certificate and a TLS 1.2+ policy, 404 by default', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Type: 'application',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]),
    });
    expect(httpsListener(template).Properties).toMatchObject({
      LoadBalancerArn: { Ref: id('alb', 'LoadBalancer') },
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: (KIND_DEFAULTS.alb.https as { certificateArn: string }).certificateArn }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: expect.objectContaining({ StatusCode: '404' }) }],
    });
    expect(ALB_TLS_POLICY).toBe('ELBSecurityPolicy-TLS13-1-2-PQ-2025-09');
  });

  test('port 80 answers every request with a 301 to the same URL on HTTPS', () => {
    const http = only(listenersOf(template).filter((l) => l.Properties.Port === 80));
    expect(http.Properties).toMatchObject({
      LoadBalancerArn: { Ref: id('alb', 'LoadBalancer') },
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{
        Type: 'redirect',
        RedirectConfig: { Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301' },
      }],
    });
    // The redirect listener has no rules: nothing reaches the function over plain HTTP.
    const rules = Object.values(resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::ListenerRule'));
    expect(rules.map((r) => r.Properties.ListenerArn)).toEqual([{ Ref: logicalIdOf(template, httpsListener(template)) }]);
    // It is the plain HTTP listener's resource (logical id below), so turning HTTPS on updates it
    // in place: a new listener on port 80, created before the old one goes, would fail.
    expect(logicalIdOf(template, http)).toBe('AlbLoadBalancerHttpA0A52FEE');
  });

  test('access logs to an SSE-S3, TLS-only, private bucket that only Elastic Load Balancing writes to', () => {
    const lb = template.toJSON().Resources[id('alb', 'LoadBalancer')];
    const bucket = id('alb', 'AccessLogsBucket');
    expect(lb.Properties.LoadBalancerAttributes).toEqual(expect.arrayContaining([
      { Key: 'access_logs.s3.enabled', Value: 'true' },
      { Key: 'access_logs.s3.bucket', Value: { Ref: bucket } },
      { Key: 'access_logs.s3.prefix', Value: 'alb' },
    ]));
    expect(template.toJSON().Resources[bucket]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [{ ExpirationInDays: 30, Status: 'Enabled' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack, 'AccessLogsBucket') }, LogFilePrefix: 'alb-alb-logs/' },
      },
    });
    const policy = only(Object.entries(resourcesOfType(template, 'AWS::S3::BucketPolicy'))
      .filter(([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucket })));
    const statements = policy[1].Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements.filter((st: Props) => st.Effect === 'Allow')).toEqual([{
      Effect: 'Allow',
      Action: 's3:PutObject',
      Principal: { Service: ELB_LOG_DELIVERY_SERVICE },
      Resource: { 'Fn::Join': ['', [arnOf(bucket), '/alb/AWSLogs/', { Ref: 'AWS::AccountId' }, '/*']] },
    }]);
    // ELB checks that it may write when access logs are turned on: the policy comes first.
    expect(lb.DependsOn).toContain(policy[0]);
  });

  test('in a region known at synth, its legacy Elastic Load Balancing account may write the logs too', () => {
    const writers = (region: string) => {
      const https = { certificateArn: `arn:aws:acm:${region}:123456789012:certificate/abc` };
      const { template: t } = synth(serviceOf(kindFunction('alb', { https })), { region });
      return Object.values(resourcesOfType(t, 'AWS::S3::BucketPolicy'))
        .filter((p) => JSON.stringify(p.Properties.Bucket).includes('AlbAccessLogsBucket'))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((st: Props) => st.Effect === 'Allow')
        .map((st: Props) => st.Principal);
    };
    expect(writers('eu-west-1')).toEqual([{ Service: ELB_LOG_DELIVERY_SERVICE, AWS: 'arn:aws:iam::156460612806:root' }]);
    expect(writers('eu-central-2')).toEqual([{ Service: ELB_LOG_DELIVERY_SERVICE }]);
  });

  test('one rule per route path forwarding to the Lambda target group', () => {
    const targetGroup = id('alb', 'TargetGroup');
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda',
      Targets: [{ Id: fnArn('alb') }],
    });
    const rule = only(Object.values(resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::ListenerRule')));
    expect(rule.Properties).toMatchObject({
      Priority: 1,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/hello'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: targetGroup } }],
    });
    // No SourceArn: CDK's LambdaTarget leaves it out, as the target group depends on the permission.
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: fnArn('alb'),
      Principal: 'elasticloadbalancing.amazonaws.com',
      Action: 'lambda:InvokeFunction',
    });
  });

  test('several paths: one rule each, in order, path parameters as wildcards', () => {
    const { template: t } = synth(serviceOf(kindFunction('alb', {
      routes: [
        { method: 'GET', path: '/users' },
        { method: 'POST', path: '/users' },
        { method: 'GET', path: '/users/{userId}' },
        { method: 'ANY', path: '/files/{key+}' },
      ],
    })));
    const rules = Object.values(resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::ListenerRule'))
      .map((r) => [r.Properties.Priority, r.Properties.Conditions[0].PathPatternConfig.Values])
      .sort((a, b) => a[0] - b[0]);
    expect(rules).toEqual([[1, ['/users']], [2, ['/users/*']], [3, ['/files/*']]]);
    expect(albPathPattern('/a/{b}/c/{d+}')).toBe('/a/*/c/*');
  });

  test('security group: ports 443 and 80 from anywhere only; output AlbDnsName', () => {
    const sg = only(Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroup')));
    const ingress = sg.Properties.SecurityGroupIngress.map((r: Props) => [r.CidrIp, r.IpProtocol, r.FromPort, r.ToPort]);
    expect(ingress.sort()).toEqual([['0.0.0.0/0', 'tcp', 443, 443], ['0.0.0.0/0', 'tcp', 80, 80]]);
    // checkov's CKV_AWS_260 (port 80 open to the world) is skipped with why: port 80 only redirects.
    expect(sg.Metadata.checkov.skip).toEqual([{ id: 'CKV_AWS_260', comment: expect.stringMatching(/only answers 301 redirects to HTTPS/) }]);
    expect(template.toJSON().Outputs.AlbDnsName.Value).toEqual({ 'Fn::GetAtt': [id('alb', 'LoadBalancer'), 'DNSName'] });
    expect(template.toJSON().Outputs.AlbUrl).toBeUndefined(); // the certificate's names are not the stack's to know
  });

  test('a domain name: the stack issues its certificate, validated in the hosted zone, and points the name at the ALB', () => {
    const https = { domainName: 'api.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };
    const { stack: s, template: t } = synth(serviceOf(kindFunction('alb', { https })));
    const certificate = logicalId(s, 'AlbCertificate');
    expect(t.toJSON().Resources[certificate].Properties).toEqual({
      DomainName: 'api.example.com',
      DomainValidationOptions: [{ DomainName: 'api.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
      ValidationMethod: 'DNS',
      Tags: [{ Key: 'Name', Value: 'TestStack/AlbCertificate' }, { Key: 'project', Value: 'fixture-service' }],
    });
    expect(httpsListener(t).Properties.Certificates).toEqual([{ CertificateArn: { Ref: certificate } }]);
    t.hasResourceProperties('AWS::Route53::RecordSet', {
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      Name: 'api.example.com.',
      Type: 'A',
      AliasTarget: {
        DNSName: { 'Fn::Join': ['', ['dualstack.', { 'Fn::GetAtt': [logicalId(s, 'AlbLoadBalancer'), 'DNSName'] }]] },
        HostedZoneId: { 'Fn::GetAtt': [logicalId(s, 'AlbLoadBalancer'), 'CanonicalHostedZoneID'] },
      },
    });
    expect(t.toJSON().Outputs.AlbUrl.Value).toBe('https://api.example.com');
  });

  test('no https: plain HTTP on port 80 forwarding to the function, as before HTTPS existed, and a warning', () => {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined); // the synth prints its warning
    const { stack: s, template: t } = synth(serviceOf(kindFunction('alb', { https: undefined })));
    quiet.mockRestore();
    const http = only(listenersOf(t));
    expect(http.Properties).toMatchObject({
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: expect.objectContaining({ StatusCode: '404' }) }],
    });
    const rule = only(Object.values(resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::ListenerRule')));
    expect(rule.Properties.ListenerArn).toEqual({ Ref: logicalIdOf(t, http) });
    // The listener's logical id in projects generated before HTTPS existed: an update keeps it.
    expect(logicalIdOf(t, http)).toBe('AlbLoadBalancerHttpA0A52FEE');
    const sg = only(Object.values(resourcesOfType(t, 'AWS::EC2::SecurityGroup')));
    expect(sg.Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 })]);
    expect(sg.Metadata?.checkov).toBeUndefined(); // plain HTTP on port 80 is the finding: it stays visible
    const warnings = Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('plain HTTP on port 80'));
    expect(warnings.map((w) => w.id)).toEqual(['/TestStack/AlbLoadBalancer']);
  });
});

/** The listeners of the template. */
function listenersOf(t: Template): Props[] {
  return Object.values(resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::Listener'));
}

/** The HTTPS listener (on 443). */
function httpsListener(t: Template): Props {
  return only(listenersOf(t).filter((l) => l.Properties.Port === 443));
}

/** The logical id of a resource of the template. */
function logicalIdOf(t: Template, resource: Props): string {
  const [found] = Object.entries(t.toJSON().Resources).filter(([, r]) => r === resource).map(([key]) => key);
  return found;
}

describe('function-url', () => {
  test('AWS_IAM by default, CORS for GET and POST with the signing headers; output UrlFunctionUrl', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      TargetFunctionArn: fnArn('function-url'),
      AuthType: 'AWS_IAM',
      Cors: { AllowOrigins: ['*'], AllowMethods: ['GET', 'POST'], AllowHeaders: FUNCTION_URL_CORS_HEADERS, MaxAge: 3600 },
    });
    expect(FUNCTION_URL_CORS_HEADERS).toEqual(expect.arrayContaining(['content-type', 'authorization', 'x-amz-date', 'x-amz-security-token']));
    // With AWS_IAM nobody is granted anything: callers' own policies allow them.
    expect(resourcesReferring(template, 'AWS::Lambda::Permission', functionLogicalId(stack, 'url'))).toEqual([]);
    const url = only(Object.keys(resourcesOfType(template, 'AWS::Lambda::Url')));
    expect(template.toJSON().Outputs.UrlFunctionUrl.Value).toEqual({ 'Fn::GetAtt': [url, 'FunctionUrl'] });
  });

  test('NONE with given origins: public URL (invoke permissions for everyone)', () => {
    const { stack: s, template: t } = synth(serviceOf(kindFunction('function-url', {
      authType: 'NONE',
      corsAllowedOrigins: ['https://example.com'],
    })));
    t.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', Cors: Match.objectLike({ AllowOrigins: ['https://example.com'] }) });
    const permissions = resourcesReferring(t, 'AWS::Lambda::Permission', functionLogicalId(s, 'url')).map((p) => p.Properties);
    expect(permissions).toContainEqual(expect.objectContaining({ Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' }));
  });
});

describe('s3', () => {
  const bucket = id('s3', 'Bucket');

  test('its own bucket: S3-managed encryption, public access blocked, versioned, access logs', () => {
    expect(template.toJSON().Resources[bucket]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack, 'AccessLogsBucket') }, LogFilePrefix: 's3-processor/' },
      },
    });
    const policy = only(resourcesReferring(template, 'AWS::S3::BucketPolicy', bucket)
      .filter((p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucket })));
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
  });

  test('OBJECT_CREATED notification filtered by prefix, to the function', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucket },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [{
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
          LambdaFunctionArn: fnArn('s3'),
        }],
      },
    });
  });

  test('the function reads objects under the prefix, nothing more', () => {
    const statements = statementsOfRole(template, roleLogicalId(stack, 's3-processor'))
      .filter((st) => JSON.stringify(st).includes(bucket));
    expect(statements).toEqual([expect.objectContaining({
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [arnOf(bucket), '/incoming/*']] },
    })]);
  });

  test('failed invocations go to its dead-letter queue; output S3ProcessorBucketName', () => {
    expectAsyncFailuresTo('s3', expectDeadLetterQueue('s3'));
    expect(template.toJSON().Outputs.S3ProcessorBucketName.Value).toEqual({ Ref: bucket });
  });
});

describe('sqs', () => {
  const queue = id('sqs', 'Queue');

  test('its own queue: SQS-managed encryption, TLS only, visibility 6x the timeout, DLQ after 3 receives', () => {
    expect(template.toJSON().Resources[queue].Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * 50,
      RedrivePolicy: { deadLetterTargetArn: arnOf(id('sqs', 'DeadLetterQueue')), maxReceiveCount: 3 },
    });
    expectTlsOnly(queue);
    expectDeadLetterQueue('sqs');
  });

  test('event source mapping: batch 10, window 5 s, partial batch responses', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(queue),
      FunctionName: fnRef('sqs'),
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('the function consumes the queue, and may not send to it', () => {
    const actions = actionsOfRole(template, roleLogicalId(stack, 'processor'));
    expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
    expect(actions).not.toContain('sqs:SendMessage');
  });

  test('larger batches need a batching window', () => {
    const { template: t } = synth(serviceOf(kindFunction('sqs', { batchSize: 500, maxBatchingWindowSeconds: 20, timeoutSeconds: 10 })));
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 500, MaximumBatchingWindowInSeconds: 20 });
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 60 });
    expect(() => synth(serviceOf(kindFunction('sqs', { batchSize: 500, maxBatchingWindowSeconds: 0 }))))
      .toThrow(/function 'processor': batchSize must be an integer from 1 to 10, got 500/);
  });
});

describe.each([
  ['dynamodb-stream', 'Table', 'StreamArn'],
  ['kinesis', 'Stream', 'Arn'],
] as const)('%s', (kind, resource, arnAttribute) => {
  test('event source mapping: LATEST, batch 100, window 5 s, 3 retries, bisect, partial batch responses, DLQ', () => {
    const dlq = expectDeadLetterQueue(kind);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [id(kind, resource), arnAttribute] },
      FunctionName: fnRef(kind),
      StartingPosition: 'LATEST',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      MaximumRetryAttempts: 3,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: arnOf(dlq) } },
    });
    // The function may send failed batches' descriptions to its DLQ.
    expect(statementsOfRole(template, roleLogicalId(stack, KIND_DEFAULTS[kind].name))).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['sqs:SendMessage']),
      Resource: arnOf(dlq),
    }));
  });
});

describe('dynamodb-stream', () => {
  test('its own table: PK/SK, on demand, PITR, NEW_AND_OLD_IMAGES stream, retained', () => {
    expect(template.toJSON().Resources[id('dynamodb-stream', 'Table')]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        Replicas: [expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      },
    });
  });

  test('the function reads the stream only: no table data actions', () => {
    const actions = actionsOfRole(template, roleLogicalId(stack, 'stream-processor'));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream']));
    expect(actions).not.toContain('dynamodb:PutItem');
  });
});

describe('kinesis', () => {
  test('its own stream: 1 shard, 24 hours, KMS with the AWS managed key', () => {
    expect(template.toJSON().Resources[id('kinesis', 'Stream')].Properties).toMatchObject({
      ShardCount: 1,
      RetentionPeriodHours: 24,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });
});

describe('sns', () => {
  const topic = id('sns', 'Topic');

  test('its own topic: AWS managed key, TLS only', () => {
    expect(template.toJSON().Resources[topic].Properties).toMatchObject({ KmsMasterKeyId: 'alias/aws/sns' });
    const policy = only(resourcesReferring(template, 'AWS::SNS::TopicPolicy', topic));
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
  });

  test('Lambda subscription with a dead-letter queue SNS may send to', () => {
    const dlq = expectDeadLetterQueue('sns');
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: topic },
      Endpoint: fnArn('sns'),
      RedrivePolicy: { deadLetterTargetArn: arnOf(dlq) },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'sns.amazonaws.com', SourceArn: { Ref: topic } });
    const statements = resourcesReferring(template, 'AWS::SQS::QueuePolicy', dlq).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage' }));
    expectAsyncFailuresTo('sns', dlq);
  });
});

describe('eventbridge', () => {
  test('a rule on the default bus with the event pattern, targeting the function with retries and a DLQ', () => {
    const dlq = expectDeadLetterQueue('eventbridge');
    const rule = template.toJSON().Resources[id('eventbridge', 'Rule')];
    expect(rule.Properties).toMatchObject({
      State: 'ENABLED',
      EventPattern: { source: ['com.example.orders'], 'detail-type': ['Order Placed'] },
      Targets: [{ Arn: fnArn('eventbridge'), DeadLetterConfig: { Arn: arnOf(dlq) }, RetryPolicy: { MaximumRetryAttempts: TARGET_RETRY_ATTEMPTS } }],
    });
    expect(rule.Properties.EventBusName).toBeUndefined();
    expectAsyncFailuresTo('eventbridge', dlq);
  });
});

describe('schedule', () => {
  test('one rule per expression, each targeting the function with retries and the DLQ', () => {
    const dlq = expectDeadLetterQueue('schedule');
    const expressions = ['rate(1 hour)', 'cron(0 10 * * ? *)'];
    expressions.forEach((expression, i) => {
      expect(template.toJSON().Resources[id('schedule', `Schedule${i + 1}`)].Properties).toMatchObject({
        ScheduleExpression: expression,
        State: 'ENABLED',
        Targets: [{ Arn: fnArn('schedule'), DeadLetterConfig: { Arn: arnOf(dlq) }, RetryPolicy: { MaximumRetryAttempts: TARGET_RETRY_ATTEMPTS } }],
      });
    });
    const permissions = resourcesReferring(template, 'AWS::Lambda::Permission', functionLogicalId(stack, 'scheduled'));
    expect(permissions.map((p) => p.Properties.Principal)).toEqual(['events.amazonaws.com', 'events.amazonaws.com']);
    expectAsyncFailuresTo('schedule', dlq);
  });

  test.each([
    ['rate(1 minute)', undefined],
    ['rate(5 minutes)', undefined],
    ['rate(2 days)', undefined],
    ['cron(0/15 * ? * MON-FRI *)', undefined],
    ['rate(1 hours)', /write rate\(1 hour\)/],
    ['rate(5 minute)', /write rate\(5 minutes\)/],
    ['rate(0 minutes)', /at least 1/],
    ['cron(0 10 * * * *)', /\? in day-of-month or day-of-week/],
    ['cron(0 10 * * ?)', /expected rate/],
    ['every hour', /expected rate/],
  ])('%s', (expression, error) => {
    const message = scheduleExpressionError(expression);
    if (error === undefined) expect(message).toBeUndefined();
    else expect(message).toMatch(error);
  });

  test('an invalid expression fails the synth, naming function and expression', () => {
    expect(() => synth(serviceOf(kindFunction('schedule', { schedules: ['rate(1 hour)', 'cron(0 10 * * *)'] }))))
      .toThrow(/function 'scheduled': schedule 'cron\(0 10 \* \* \*\)' is not valid: expected rate/);
  });
});

describe('direct', () => {
  test('no trigger: no permission, no mapping; outputs WorkerFunctionName and WorkerFunctionArn', () => {
    const fn = functionLogicalId(stack, 'worker');
    expect(resourcesReferring(template, 'AWS::Lambda::Permission', fn)).toEqual([]);
    expect(resourcesReferring(template, 'AWS::Lambda::EventSourceMapping', fn)).toEqual([]);
    expect(template.toJSON().Outputs.WorkerFunctionName.Value).toEqual({ Ref: fn });
    expect(template.toJSON().Outputs.WorkerFunctionArn.Value).toEqual(arnOf(fn));
  });
});

describe('alarms on', () => {
  const { stack: s, template: t } = synth({ ...allKinds, alarms: true });
  const alarm = (name: string, what: string) => t.toJSON().Resources[logicalId(s, `${pascalCase(name)}${what}Alarm`)];

  test.each(['sqs', 'dynamodb-stream', 'kinesis', 'sns', 'eventbridge', 'schedule', 's3'] as FunctionKind[])(
    '%s: an alarm on its dead-letter queue',
    (kind) => {
      const name = KIND_DEFAULTS[kind].name;
      expect(alarm(name, 'DeadLetters').Properties).toMatchObject({
        AlarmName: `TestStack-${name}-dead-letters`,
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(s, `${pascalCase(name)}DeadLetterQueue`), 'QueueName'] } }],
        Threshold: 1,
      });
    },
  );

  test.each(['dynamodb-stream', 'kinesis'] as FunctionKind[])('%s: an iterator age alarm', (kind) => {
    const name = KIND_DEFAULTS[kind].name;
    expect(alarm(name, 'IteratorAge').Properties).toMatchObject({
      AlarmName: `TestStack-${name}-iterator-age`,
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: STREAM_ALARM_RULES.iteratorAge.threshold,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionLogicalId(s, name) } }],
    });
  });

  test('errors + throttles per function, 5xx rate + latency per HTTP function, failed items per batch function, a DLQ alarm per DLQ, an iterator age alarm per stream function', () => {
    t.resourceCountIs('AWS::CloudWatch::Alarm', 2 * FUNCTION_KINDS.length + 2 * 4 + 3 + 7 + 2);
    expect(expectedAlarmCount({ ...allKinds, alarms: true })).toBe(2 * FUNCTION_KINDS.length + 2 * 4 + 3 + 7 + 2);
  });
});

test('two functions of every kind coexist: ids and outputs are prefixed by the function name', () => {
  const { stack: s, template: t } = synth(everyKindTwice);
  t.resourceCountIs('AWS::ApiGatewayV2::Api', 2);
  t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 2);
  t.resourceCountIs('AWS::Lambda::Url', 2);
  t.resourceCountIs('AWS::Lambda::EventSourceMapping', 6);
  t.resourceCountIs('AWS::Kinesis::Stream', 2);
  t.resourceCountIs('AWS::SNS::Topic', 2);
  t.resourceCountIs('AWS::Events::Rule', 2 + 4);
  t.resourceCountIs('AWS::SQS::Queue', 2 * 8);
  expect(Object.keys(t.toJSON().Outputs)).toEqual(expect.arrayContaining([
    'HttpApiUrl', 'HttpApi2ApiUrl', 'AlbDnsName', 'Alb2AlbDnsName', 'UrlFunctionUrl', 'Url2FunctionUrl',
    'ProcessorQueueUrl', 'Processor2QueueUrl', 'WorkerFunctionArn', 'Worker2FunctionArn',
  ]));
  // One access logs bucket for both S3 kind buckets and both ALB log buckets, each under its own prefix.
  expect(s.node.tryFindChild('AccessLogsBucket')).toBeDefined();
  t.resourceCountIs('AWS::S3::Bucket', 1 + 2 + 2);
});

describe('configuration errors are reported at synth', () => {
  const cases: [string, ServiceConfig, RegExp][] = [
    ['HTTP kinds need a route', serviceOf(kindFunction('apigw-http', { routes: [] })), /function 'http-api': kind apigw-http needs at least one route/],
    ['ALB route paths are absolute', serviceOf(kindFunction('alb', { routes: [{ method: 'GET', path: 'hello' }] })), /route path 'hello' must start with '\/'/],
    ['ALB certificate ARN', serviceOf(kindFunction('alb', { https: { certificateArn: 'arn:aws:iam::123456789012:server-certificate/x' } })), /function 'alb': https.certificateArn must be an ACM certificate ARN/],
    ['function URL auth type', serviceOf(kindFunction('function-url', { authType: 'IAM' as 'NONE' })), /authType must be 'AWS_IAM' or 'NONE', got 'IAM'/],
    ['function URL origins', serviceOf(kindFunction('function-url', { corsAllowedOrigins: [] })), /corsAllowedOrigins must be a non-empty list/],
    ['S3 prefix', serviceOf(kindFunction('s3', { prefix: '/incoming/' })), /function 's3-processor': prefix must be a key prefix/],
    ['SQS receive count', serviceOf(kindFunction('sqs', { maxReceiveCount: 0 })), /maxReceiveCount must be an integer from 1 to 1000, got 0/],
    ['stream batch size', serviceOf(kindFunction('kinesis', { batchSize: 20000 })), /function 'kinesis-processor': batchSize must be an integer from 1 to 10000/],
    ['stream batching window', serviceOf(kindFunction('dynamodb-stream', { maxBatchingWindowSeconds: 301 })), /maxBatchingWindowSeconds must be an integer from 0 to 300/],
    ['event pattern', serviceOf(kindFunction('eventbridge', { eventPattern: { source: ['x'], detailType: [] } })), /eventPattern.detailType must be a non-empty list/],
    ['schedules', serviceOf(kindFunction('schedule', { schedules: [] })), /schedules must be a non-empty list/],
  ];
  test.each(cases)('%s', (_name, config, error) => {
    expect(() => synth(config)).toThrow(error);
  });

  test('an ALB certificate of another region than the stack\'s', () => {
    const https = { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' };
    expect(() => synth(serviceOf(kindFunction('alb', { https })), { region: 'us-east-1' }))
      .toThrow(/https.certificateArn is in eu-west-1, the stack in us-east-1: a load balancer takes certificates of its own region only/);
    expect(() => synth(serviceOf(kindFunction('alb', { https })), { region: 'eu-west-1' })).not.toThrow();
  });
});
