// The AWS services of ServiceConfig.services (lib/services.ts): one resource each, encrypted and
// TLS-only, and for every function exactly the environment variables and grants of the services
// it lists, none for the others.
import { Match } from 'aws-cdk-lib/assertions';
import { SERVICE_KEYS, type ServiceConfig, type ServiceKey } from '../lib/config-types';
import {
  BUCKET_ACTIONS,
  BUCKET_OBJECT_ACTIONS,
  EVENT_BUS_ACTIONS,
  MAX_RECEIVE_COUNT,
  PARAMETER_ACTIONS,
  PARAMETER_PLACEHOLDER,
  SERVICE_ENV,
  STREAM_ACTIONS,
} from '../lib/services';
import {
  type Props,
  SERVICE_RESOURCES,
  allServices,
  fixture,
  functionLogicalId,
  logicalId,
  roleLogicalId,
  splitServices,
  statementsForService,
  statementsOfRole,
  synth,
  withoutServices,
} from './helpers';

/** The statement CDK's enforceSSL adds to a bucket, queue or topic policy. */
const denyWithoutTls = (action: string, resource: unknown) =>
  Match.objectLike({
    Effect: 'Deny',
    Action: action,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    Resource: resource,
  });

/** Checks that hold for any configuration: env vars and grants follow each function's `services`. */
function checkEveryFunction(config: ServiceConfig) {
  const { stack, template } = synth(config);
  const resources = template.toJSON().Resources as Record<string, Props>;
  // What a service's environment variable holds: its resource's Ref, or an attribute of it.
  const ref = (key: ServiceKey) => {
    const { ids, envAttribute } = SERVICE_RESOURCES[key];
    const id = logicalId(stack, ids[0]);
    return envAttribute === undefined ? { Ref: id } : { 'Fn::GetAtt': [id, envAttribute] };
  };

  test.each(config.functions.map((f) => [f.name, f.services, f] as const))(
    '%s: exactly the environment variables of its services %j',
    (name, services, fn) => {
      const variables = resources[functionLogicalId(stack, name)].Properties.Environment.Variables;
      expect(variables).toEqual({
        ...fn.environment,
        LOG_LEVEL: 'INFO',
        METRICS_NAMESPACE: config.projectName,
        ...Object.fromEntries(services.map((key) => [SERVICE_ENV[key], ref(key)])),
      });
    },
  );

  const pairs = config.functions.flatMap((f) => SERVICE_KEYS.map((key) => [f.name, key, f.services.includes(key)] as const));
  test.each(pairs)('%s, %s: a grant exactly when listed (%s)', (name, key, listed) => {
    const statements = statementsForService(template, stack, roleLogicalId(stack, name), key);
    if (listed) {
      expect(statements.length).toBeGreaterThan(0);
    } else {
      expect(statements).toEqual([]);
    }
  });

  test('no "*" in any action; "*" resources: X-Ray\'s, and the bucket\'s objects', () => {
    for (const fn of config.functions) {
      const statements = statementsOfRole(template, roleLogicalId(stack, fn.name));
      expect(statements.flatMap((st) => [st.Action].flat()).filter((a: string) => a.includes('*'))).toEqual([]);
      const wildcard = statements.filter((st) => JSON.stringify(st.Resource).includes('*'));
      const expected = [
        { Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Effect: 'Allow', Resource: '*' },
        ...(fn.services.includes('s3')
          ? [{
              Action: [...BUCKET_OBJECT_ACTIONS].sort(),
              Effect: 'Allow',
              Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, 'Bucket'), 'Arn'] }, '/*']] },
            }]
          : []),
      ];
      expect(wildcard).toEqual(expected);
    }
  });

  return { stack, template, resources };
}

describe('every service: api uses all of them, uploader S3 only, plain none', () => {
  const { stack, template, resources } = checkEveryFunction(allServices);
  const id = (child: string) => logicalId(stack, child);
  const apiRole = roleLogicalId(stack, 'api');

  test('one resource per service, with stable, readable ids', () => {
    for (const key of SERVICE_KEYS) {
      const { ids, type } = SERVICE_RESOURCES[key];
      template.resourceCountIs(type, ids.length);
      for (const child of ids) expect(resources[id(child)].Type).toBe(type);
    }
    expect(stack.resources.bucket).toBeDefined();
    expect(stack.table).toBe(stack.resources.table);
  });

  test('bucket: S3-managed encryption, no public access, TLS only, versioned, retained, access logs', () => {
    const bucket = resources[id('Bucket')];
    expect(bucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: id('AccessLogsBucket') }, LogFilePrefix: 'bucket/' },
      LifecycleConfiguration: {
        Rules: [{ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' }],
      },
    });
    const arn = { 'Fn::GetAtt': [id('Bucket'), 'Arn'] };
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id('Bucket') },
      PolicyDocument: { Statement: [denyWithoutTls('s3:*', [arn, { 'Fn::Join': ['', [arn, '/*']] }])] },
    });
  });

  test('access log bucket: private, TLS only, retained, only S3 logging writes to it, expires with the logs', () => {
    const logs = resources[id('AccessLogsBucket')];
    expect(logs).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(logs.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: allServices.logRetentionDays, Status: 'Enabled' }] },
    });
    expect(logs.Properties.LoggingConfiguration).toBeUndefined();
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: id('AccessLogsBucket') } } }));
    expect(policy).toHaveLength(1);
    const statements = policy[0].Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(2);
    expect(statements[1]).toMatchObject({
      Effect: 'Allow',
      Action: 's3:PutObject',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [id('Bucket'), 'Arn'] } } },
    });
  });

  test(`queue: SQS-managed encryption, TLS only, dead-letter queue after ${MAX_RECEIVE_COUNT} receives`, () => {
    expect(resources[id('Queue')].Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [id('DeadLetterQueue'), 'Arn'] }, maxReceiveCount: 3 },
    });
    expect(resources[id('DeadLetterQueue')].Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    expect(resources[id('DeadLetterQueue')].Properties.RedrivePolicy).toBeUndefined();
    for (const queue of ['Queue', 'DeadLetterQueue']) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id(queue) }],
        PolicyDocument: { Statement: [denyWithoutTls('sqs:*', { 'Fn::GetAtt': [id(queue), 'Arn'] })] },
      });
    }
  });

  test('topic: encrypted with the AWS managed key alias/aws/sns, publish over TLS only', () => {
    expect(resources[id('Topic')].Properties).toMatchObject({ KmsMasterKeyId: 'alias/aws/sns' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: id('Topic') }],
      PolicyDocument: { Statement: [denyWithoutTls('sns:Publish', { Ref: id('Topic') })] },
    });
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('secret: a generated value, never one in the template', () => {
    const props = resources[id('Secret')].Properties;
    expect(props.GenerateSecretString).toEqual({ ExcludePunctuation: true, PasswordLength: 32 });
    expect(props.SecretString).toBeUndefined();
  });

  test('parameter: a String one (CloudFormation cannot create SecureString) named /<project>/parameter', () => {
    expect(resources[id('Parameter')].Properties).toMatchObject({
      Type: 'String',
      Name: '/fixture-service/parameter',
      Value: PARAMETER_PLACEHOLDER,
      Tier: 'Standard',
    });
  });

  test('stream: one provisioned shard, records kept 24 hours, encrypted with the AWS managed key alias/aws/kinesis', () => {
    expect(resources[id('Stream')].Properties).toEqual({
      ShardCount: 1,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 24,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      Tags: [{ Key: 'project', Value: 'fixture-service' }],
    });
    template.resourceCountIs('AWS::Kinesis::StreamConsumer', 0);
  });

  test('event bus: a custom bus of the stack, named by CDK, with no resource policy', () => {
    const props = resources[id('EventBus')].Properties;
    expect(props.Name).toMatch(/^TestStackEventBus/);
    expect(props.Description).toBe('fixture-service: events the functions put through EVENT_BUS_NAME');
    expect(props.Policy).toBeUndefined();
    template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    template.resourceCountIs('AWS::Events::Rule', 0);
  });

  test('outputs name every resource, the secret by its ARN', () => {
    const outputs = template.toJSON().Outputs as Record<string, Props>;
    expect(Object.fromEntries(Object.entries(outputs).filter(([name]) => !name.endsWith('ApiUrl')).map(([name, o]) => [name, o.Value]))).toEqual({
      TableName: { Ref: id('Table') },
      BucketName: { Ref: id('Bucket') },
      QueueUrl: { Ref: id('Queue') },
      DeadLetterQueueUrl: { Ref: id('DeadLetterQueue') },
      TopicArn: { Ref: id('Topic') },
      SecretArn: { Ref: id('Secret') },
      ParameterName: { Ref: id('Parameter') },
      StreamArn: { 'Fn::GetAtt': [id('Stream'), 'Arn'] },
      EventBusName: { Ref: id('EventBus') },
    });
  });

  test('S3 grant: the three object actions on <bucket>/* and ListBucket on the bucket, no s3:*', () => {
    const arn = { 'Fn::GetAtt': [id('Bucket'), 'Arn'] };
    for (const name of ['api', 'uploader']) {
      expect(statementsForService(template, stack, roleLogicalId(stack, name), 's3')).toEqual([
        { Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: { 'Fn::Join': ['', [arn, '/*']] } },
        { Action: 's3:ListBucket', Effect: 'Allow', Resource: arn },
      ]);
    }
    expect([...BUCKET_OBJECT_ACTIONS, ...BUCKET_ACTIONS].filter((a) => a.includes('*') || /Delete|Acl|Policy/.test(a))).toEqual([]);
  });

  test('SQS grant: send to the queue only, nothing on the dead-letter queue', () => {
    expect(statementsForService(template, stack, apiRole, 'sqs')).toEqual([{
      Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [id('Queue'), 'Arn'] },
    }]);
  });

  test('SNS grant: publish to the topic, no KMS permission (AWS managed key)', () => {
    expect(statementsForService(template, stack, apiRole, 'sns')).toEqual([
      { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: id('Topic') } },
    ]);
    const kms = statementsOfRole(template, apiRole).filter((st) => JSON.stringify(st.Action).includes('kms:'));
    expect(kms).toEqual([]);
  });

  test('Secrets Manager grant: read this secret only', () => {
    expect(statementsForService(template, stack, apiRole, 'secretsmanager')).toEqual([{
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      Effect: 'Allow',
      Resource: { Ref: id('Secret') },
    }]);
  });

  test('SSM grant: GetParameter on this parameter only', () => {
    const statements = statementsForService(template, stack, apiRole, 'ssm');
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Action: 'ssm:GetParameter', Effect: 'Allow' });
    expect(PARAMETER_ACTIONS).toEqual(['ssm:GetParameter']);
    // arn:<partition>:ssm:<region>:<account>:parameter/fixture-service/parameter
    const resource = JSON.stringify(statements[0].Resource);
    expect(resource).toContain('":parameter",');
    expect(resource).toContain(JSON.stringify({ Ref: id('Parameter') }));
    expect(resource).not.toContain('*');
  });

  test('Kinesis grant: PutRecords on the stream only, no KMS permission (AWS managed key)', () => {
    expect(STREAM_ACTIONS).toEqual(['kinesis:PutRecords']);
    expect(statementsForService(template, stack, apiRole, 'kinesis')).toEqual([
      { Action: 'kinesis:PutRecords', Effect: 'Allow', Resource: { 'Fn::GetAtt': [id('Stream'), 'Arn'] } },
    ]);
    const kms = statementsOfRole(template, apiRole).filter((st) => JSON.stringify(st.Action).includes('kms:'));
    expect(kms).toEqual([]);
  });

  test('EventBridge grant: PutEvents on the bus only', () => {
    expect(EVENT_BUS_ACTIONS).toEqual(['events:PutEvents']);
    expect(statementsForService(template, stack, apiRole, 'eventbridge')).toEqual([
      { Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [id('EventBus'), 'Arn'] } },
    ]);
  });

  test('plain: only its log group and X-Ray', () => {
    const actions = statementsOfRole(template, roleLogicalId(stack, 'plain')).flatMap((st) => [st.Action].flat());
    expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });
});

describe('services split across functions: each service granted to one function', () => {
  const { stack } = checkEveryFunction(splitServices);

  test('each service is listed by exactly one function', () => {
    for (const key of SERVICE_KEYS) {
      expect(splitServices.functions.filter((f) => f.services.includes(key))).toHaveLength(1);
    }
    expect(stack.functions.size).toBe(4);
  });
});

describe('a service no function lists still gets its resource, granted to nobody', () => {
  checkEveryFunction({ ...withoutServices(fixture), services: [...SERVICE_KEYS] });
});
