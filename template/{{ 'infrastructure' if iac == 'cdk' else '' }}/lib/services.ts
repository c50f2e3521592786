// The AWS services of `ServiceConfig.services`: one resource each, created directly in the stack
// with a stable id (`Table`, `Bucket`, `Queue`, `Topic`, `Secret`, `Parameter`, `Stream`,
// `EventBus`), and for each
// function that lists a service the environment variable naming its resource and a
// least-privilege grant on it. A function that does not list a service gets neither.
import { type CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { skipCheckov } from './checks';
import type { FunctionConfig, ServiceConfig, ServiceKey } from './config-types';

/** The environment variable naming each service's resource, as the Go packages read it. Never a secret value. */
export const SERVICE_ENV = {
  dynamodb: 'TABLE_NAME',
  s3: 'BUCKET_NAME',
  sqs: 'QUEUE_URL',
  sns: 'TOPIC_ARN',
  secretsmanager: 'SECRET_ID',
  ssm: 'PARAMETER_NAME',
  kinesis: 'STREAM_ARN',
  eventbridge: 'EVENT_BUS_NAME',
} as const satisfies Record<ServiceKey, string>;

/** The environment variable holding `ServiceConfig.outboundBaseUrl`, as internal/outbound reads it. */
export const OUTBOUND_ENV = 'OUTBOUND_BASE_URL';

/** The table's global secondary indexes; grants name them instead of `index/*`. */
export const TABLE_INDEXES = ['GSI1'];

/**
 * What `dynamodb` grants: item reads and writes, queries and scans, on the
 * table and its indexes. Transactions need no action of their own
 * (TransactWriteItems is authorized per item as PutItem, UpdateItem,
 * DeleteItem or ConditionCheckItem).
 */
export const TABLE_DATA_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/**
 * What `s3` grants on the bucket's objects: what internal/objects calls.
 * PutObject also authorizes CreateMultipartUpload, UploadPart and
 * CompleteMultipartUpload; a presigned GET carries the function's own
 * GetObject right. Narrower than bucket.grantReadWrite (no s3:DeleteObject*,
 * no s3:GetBucket*, no s3:List* on objects).
 */
export const BUCKET_OBJECT_ACTIONS = ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'];

/** ...and on the bucket itself: with ListBucket S3 answers a missing key with 404 (NoSuchKey) instead of 403. */
export const BUCKET_ACTIONS = ['s3:ListBucket'];

/** The bucket's lifecycle: unfinished multipart uploads and overwritten or deleted versions do not pile up. */
export const BUCKET_LIFECYCLE = {
  abortIncompleteMultipartUploadAfter: Duration.days(7),
  noncurrentVersionExpiration: Duration.days(90),
};

/**
 * How long a dead-letter queue keeps a message: the longest SQS allows. A
 * message keeps its original enqueue time when it moves there, so this must
 * outlast the source queue's retention.
 */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/** Receives of a message before SQS moves it to the dead-letter queue, unless an `sqs` function reading the queue sets its own. */
export const MAX_RECEIVE_COUNT = 3;

/** A consumer's queue hides a received message for this many function timeouts (AWS's advice for Lambda consumers). */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** The service whose resource each consumer kind can take its trigger from (`source: 'service'`). */
export const TRIGGER_SERVICES = {
  's3': 's3',
  'sqs': 'sqs',
  'dynamodb-stream': 'dynamodb',
  'sns': 'sns',
  'kinesis': 'kinesis',
  'eventbridge': 'eventbridge',
} as const satisfies Partial<Record<FunctionConfig['kind'], ServiceKey>>;

/** The service whose resource triggers `fn`, when its `source` is `service`. */
export function triggerService(fn: FunctionConfig): ServiceKey | undefined {
  return 'source' in fn && fn.source === 'service' ? TRIGGER_SERVICES[fn.kind as keyof typeof TRIGGER_SERVICES] : undefined;
}

/** The functions of `kind` that take their trigger from the project's resource (`source: 'service'`). */
export function readersOfService<K extends FunctionConfig['kind']>(
  config: ServiceConfig,
  kind: K,
): Extract<FunctionConfig, { kind: K }>[] {
  return config.functions.filter(
    (f): f is Extract<FunctionConfig, { kind: K }> => f.kind === kind && triggerService(f) !== undefined,
  );
}

/** What `ssm` grants on the parameter: the one call internal/params makes. */
export const PARAMETER_ACTIONS = ['ssm:GetParameter'];

/**
 * What `kinesis` grants on the stream: the one call internal/stream makes.
 * PutRecords, naming the stream by its ARN, needs nothing else: no
 * kinesis:DescribeStream or ListShards, and no KMS permission for the AWS
 * managed key alias/aws/kinesis.
 */
export const STREAM_ACTIONS = ['kinesis:PutRecords'];

/** What `eventbridge` grants on the event bus: the one call internal/bus makes. */
export const EVENT_BUS_ACTIONS = ['events:PutEvents'];

/**
 * The value the stack gives the parameter. CloudFormation only creates String
 * and StringList parameters; the real value is set out of band (README).
 */
export const PARAMETER_PLACEHOLDER = 'placeholder: set the real value out of band (see infrastructure/README.md)';

/** The resources of the services; each is present when `ServiceConfig.services` lists its service. */
export interface ServiceResources {
  readonly table?: dynamodb.TableV2;
  readonly bucket?: s3.Bucket;
  /** Where the bucket's server access logs go. */
  readonly accessLogsBucket?: s3.Bucket;
  readonly queue?: sqs.Queue;
  readonly deadLetterQueue?: sqs.Queue;
  readonly topic?: sns.Topic;
  readonly secret?: secretsmanager.Secret;
  /** An interface, so that an imported SecureString parameter can take the created one's place. */
  readonly parameter?: ssm.IStringParameter;
  readonly stream?: kinesis.Stream;
  readonly eventBus?: events.EventBus;
}

/** One resource (and its CfnOutput) per service in `config.services`, none for the others. */
export function createServiceResources(stack: Stack, config: ServiceConfig): ServiceResources {
  const uses = (key: ServiceKey) => config.services.includes(key);
  return {
    ...(uses('dynamodb') ? { table: createTable(stack, config) } : {}),
    ...(uses('s3') ? createBucket(stack, config) : {}),
    ...(uses('sqs') ? createQueue(stack, config) : {}),
    ...(uses('sns') ? { topic: createTopic(stack, config) } : {}),
    ...(uses('secretsmanager') ? { secret: createSecret(stack, config) } : {}),
    ...(uses('ssm') ? { parameter: createParameter(stack, config) } : {}),
    ...(uses('kinesis') ? { stream: createStream(stack) } : {}),
    ...(uses('eventbridge') ? { eventBus: createEventBus(stack, config) } : {}),
  };
}

/**
 * Gives `fn` the services it lists: for each, the environment variable naming
 * the resource and a least-privilege grant on that resource only.
 */
export function connectServices(resources: ServiceResources, fn: lambda.Function, services: readonly ServiceKey[]): void {
  for (const key of services) {
    fn.addEnvironment(SERVICE_ENV[key], CONNECT[key](resources, fn));
  }
}

/** Grants `fn` one service and returns the value of its environment variable; a mapped type, so a new key must be wired. */
const CONNECT: { [K in ServiceKey]: (resources: ServiceResources, fn: lambda.Function) => string } = {
  dynamodb: ({ table }, fn) => {
    const t = present(table, 'dynamodb');
    // Like table.grantReadWriteData(fn), but on the named indexes instead of
    // `<table>/index/*`, and without stream and DescribeTable actions.
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: TABLE_DATA_ACTIONS,
      resourceArns: [t.tableArn, ...TABLE_INDEXES.map((index) => `${t.tableArn}/index/${index}`)],
    });
    return t.tableName;
  },
  s3: ({ bucket }, fn) => {
    const b = present(bucket, 's3');
    iam.Grant.addToPrincipal({ grantee: fn, actions: BUCKET_OBJECT_ACTIONS, resourceArns: [b.arnForObjects('*')] });
    iam.Grant.addToPrincipal({ grantee: fn, actions: BUCKET_ACTIONS, resourceArns: [b.bucketArn] });
    const bucketId = Stack.of(b).getLogicalId(b.node.defaultChild as CfnElement);
    Validations.of(fn.role ?? fn).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      reason:
        'Object actions (s3:PutObject, s3:GetObject, s3:AbortMultipartUpload) apply to object ARNs, and the ' +
        'function stores objects under keys its callers choose, so "<bucket>/*" is their narrowest resource: ' +
        'the objects of this one bucket. No s3:* action and no other bucket; narrow it to a key prefix ' +
        '(bucket.arnForObjects(\'uploads/*\')) if the function only writes there.',
    });
    return b.bucketName;
  },
  sqs: ({ queue }, fn) => {
    const q = present(queue, 'sqs');
    q.grantSendMessages(fn); // sqs:SendMessage, GetQueueAttributes, GetQueueUrl on this queue
    return q.queueUrl;
  },
  sns: ({ topic }, fn) => {
    const t = present(topic, 'sns');
    // sns:Publish on this topic. The AWS managed key alias/aws/sns lets every
    // principal of the account that may publish use it through SNS: no KMS grant.
    t.grantPublish(fn);
    return t.topicArn;
  },
  secretsmanager: ({ secret }, fn) => {
    const s = present(secret, 'secretsmanager');
    s.grantRead(fn); // secretsmanager:GetSecretValue and DescribeSecret on this secret
    return s.secretArn; // the ARN, never the value
  },
  ssm: ({ parameter }, fn) => {
    const p = present(parameter, 'ssm');
    // Narrower than parameter.grantRead (which adds GetParameters,
    // GetParameterHistory and DescribeParameters): internal/params only calls GetParameter.
    iam.Grant.addToPrincipal({ grantee: fn, actions: PARAMETER_ACTIONS, resourceArns: [p.parameterArn] });
    return p.parameterName;
  },
  kinesis: ({ stream }, fn) => {
    const s = present(stream, 'kinesis');
    // Narrower than stream.grantWrite (which adds kinesis:PutRecord and
    // kinesis:ListShards): internal/stream only calls PutRecords.
    iam.Grant.addToPrincipal({ grantee: fn, actions: STREAM_ACTIONS, resourceArns: [s.streamArn] });
    return s.streamArn; // PutRecords names the stream by its ARN, as Kinesis recommends
  },
  eventbridge: ({ eventBus }, fn) => {
    const b = present(eventBus, 'eventbridge');
    iam.Grant.addToPrincipal({ grantee: fn, actions: EVENT_BUS_ACTIONS, resourceArns: [b.eventBusArn] });
    return b.eventBusName;
  },
};

function present<T>(resource: T | undefined, key: ServiceKey): T {
  if (resource === undefined) {
    throw new Error(`service '${key}' is used by a function but is not in ServiceConfig.services`);
  }
  return resource;
}

/** What every table of the stack has: PK/SK strings, on demand, point-in-time recovery, retained. */
export const KEYED_TABLE = {
  partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
  sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
  billing: dynamodb.Billing.onDemand(),
  pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  removalPolicy: RemovalPolicy.RETAIN,
} as const satisfies dynamodb.TablePropsV2;

/**
 * The single-table design: KEYED_TABLE plus GSI1 (GSI1PK/GSI1SK, strings),
 * with a stream (NEW_AND_OLD_IMAGES) when a `dynamodb-stream` function reads it.
 */
function createTable(stack: Stack, config: ServiceConfig): dynamodb.TableV2 {
  const streamed = readersOfService(config, 'dynamodb-stream').length > 0;
  const table = new dynamodb.TableV2(stack, 'Table', {
    ...KEYED_TABLE,
    ...(streamed ? { dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES } : {}),
    globalSecondaryIndexes: TABLE_INDEXES.map((indexName) => ({
      indexName,
      partitionKey: { name: `${indexName}PK`, type: dynamodb.AttributeType.STRING },
      sortKey: { name: `${indexName}SK`, type: dynamodb.AttributeType.STRING },
    })),
    deletionProtection: config.table?.deletionProtection ?? false,
  });
  new CfnOutput(stack, 'TableName', { description: `DynamoDB table (${SERVICE_ENV.dynamodb})`, value: table.tableName });
  return table;
}

/** The `s3` service's bucket (`Bucket`), logging under `bucket/`. */
function createBucket(stack: Stack, config: ServiceConfig): Pick<ServiceResources, 'bucket' | 'accessLogsBucket'> {
  const bucket = privateBucket(stack, 'Bucket', config, 'bucket/');
  new CfnOutput(stack, 'BucketName', { description: `S3 bucket (${SERVICE_ENV.s3})`, value: bucket.bucketName });
  return { bucket, accessLogsBucket: accessLogsBucketOf(stack, config) };
}

/**
 * A private, versioned, retained bucket with S3-managed encryption and
 * TLS-only access, logging its requests to the stack's `AccessLogsBucket`
 * under `logPrefix`: the `s3` service's bucket and those of the `s3` kind.
 */
export function privateBucket(stack: Stack, id: string, config: ServiceConfig, logPrefix: string): s3.Bucket {
  return new s3.Bucket(stack, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: accessLogsBucketOf(stack, config),
    serverAccessLogsPrefix: logPrefix,
    lifecycleRules: [BUCKET_LIFECYCLE],
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/**
 * The stack's bucket for server access logs (`AccessLogsBucket`), created by
 * the first caller: the `s3` service's bucket, the buckets of the `s3` kind
 * and the `alb` kind's access log buckets log there, each under its own prefix.
 */
export function accessLogsBucketOf(stack: Stack, config: ServiceConfig): s3.Bucket {
  const existing = stack.node.tryFindChild('AccessLogsBucket');
  if (existing !== undefined) return existing as s3.Bucket;
  // No access logs of its own: logging it into itself would add records for
  // the log deliveries themselves, which S3 advises against. cdk-nag
  // (AwsSolutions-S1) accepts a bucket that is another one's log target.
  const bucket = new s3.Bucket(stack, 'AccessLogsBucket', {
    // A server access log target supports S3-managed encryption only, not SSE-KMS.
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // Kept as long as the functions' logs (ServiceConfig.logRetentionDays).
    lifecycleRules: [{ expiration: Duration.days(config.logRetentionDays) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  skipCheckov(bucket, 'CKV_AWS_18',
    'The access log bucket itself: logging it into itself would log the log deliveries, which S3 advises ' +
    'against, and another bucket would only move the question.');
  skipLogBucketVersioning(bucket);
  return bucket;
}

/** A log bucket is written once per object by a log service; versions would keep only expired logs. */
export function skipLogBucketVersioning(bucket: s3.Bucket): void {
  skipCheckov(bucket, 'CKV_AWS_21',
    'A log bucket: each object is written once by the log delivery service and expires after ' +
    'logRetentionDays; versioning would only keep the expired logs, at a cost. Object Lock is the tool ' +
    'where logs must be tamper-proof.');
}

/**
 * A standard queue to send to, with a dead-letter queue after
 * MAX_RECEIVE_COUNT receives; both SQS-encrypted and TLS-only. When an `sqs`
 * function reads it, the queue takes that function's `maxReceiveCount`, and
 * hides a received message for VISIBILITY_TIMEOUT_FACTOR times its timeout
 * (Lambda rejects a queue whose visibility timeout is shorter than the function's).
 */
function createQueue(stack: Stack, config: ServiceConfig): Pick<ServiceResources, 'queue' | 'deadLetterQueue'> {
  const [reader] = readersOfService(config, 'sqs');
  const maxReceiveCount = reader?.maxReceiveCount ?? MAX_RECEIVE_COUNT;
  const deadLetterQueue = encryptedQueue(stack, 'DeadLetterQueue', { retentionPeriod: DEAD_LETTER_RETENTION });
  const queue = encryptedQueue(stack, 'Queue', {
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount },
    ...(reader ? { visibilityTimeout: Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * reader.timeoutSeconds) } : {}),
  });
  new CfnOutput(stack, 'QueueUrl', { description: `SQS queue (${SERVICE_ENV.sqs})`, value: queue.queueUrl });
  new CfnOutput(stack, 'DeadLetterQueueUrl', {
    description: `Dead-letter queue of the SQS queue (after ${maxReceiveCount} receives)`,
    value: deadLetterQueue.queueUrl,
  });
  return { queue, deadLetterQueue };
}

/** A standard queue with SQS-managed encryption and TLS-only access; `props` add to that. */
export function encryptedQueue(stack: Stack, id: string, props: sqs.QueueProps = {}): sqs.Queue {
  return new sqs.Queue(stack, id, { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, ...props });
}

/**
 * A standard topic to publish to, TLS-only, encrypted with the AWS managed
 * key alias/aws/sns. That key's policy cannot be changed, so AWS services
 * (CloudWatch alarms, EventBridge, S3 notifications) cannot publish to this
 * topic: give it a customer managed key (kms.Key with enableKeyRotation) for
 * them.
 */
function createTopic(stack: Stack, config: ServiceConfig): sns.Topic {
  const topic = encryptedTopic(stack, 'Topic', `${config.projectName} topic`);
  new CfnOutput(stack, 'TopicArn', { description: `SNS topic (${SERVICE_ENV.sns})`, value: topic.topicArn });
  return topic;
}

/** A TLS-only topic encrypted with the AWS managed key alias/aws/sns: the `sns` service's and the `sns` kind's. */
export function encryptedTopic(stack: Stack, id: string, displayName: string): sns.Topic {
  const topic = new sns.Topic(stack, id, { displayName, enforceSSL: true });
  // Set on the CloudFormation resource rather than as `masterKey`: an
  // imported alias would make grantPublish add kms actions on `key/*`,
  // which an AWS managed key does not need.
  (topic.node.defaultChild as sns.CfnTopic).kmsMasterKeyId = 'alias/aws/sns';
  return topic;
}

/** A secret with a generated value: the value is never in code, the template or an environment variable. */
function createSecret(stack: Stack, config: ServiceConfig): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(stack, 'Secret', {
    description: `${config.projectName}: read by the functions through ${SERVICE_ENV.secretsmanager}; generated, replace with put-secret-value`,
    generateSecretString: { passwordLength: 32, excludePunctuation: true },
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'No automatic rotation: rotating needs a rotation Lambda that knows what the secret is for (a database ' +
      'user, a third-party API key...) and how to change it there, which only the project knows. The value ' +
      'is generated at deploy time and only the functions that list secretsmanager may read it; add ' +
      'secret.addRotationSchedule with a rotation function once the secret has its real use.',
  });
  new CfnOutput(stack, 'SecretArn', {
    description: `Secrets Manager secret (${SERVICE_ENV.secretsmanager}); its ARN, not its value`,
    value: secret.secretArn,
  });
  return secret;
}

/**
 * A String parameter named `/<project>/parameter`. CloudFormation cannot
 * create a SecureString parameter (AWS::SSM::Parameter takes String and
 * StringList only), so the stack creates a String one with a placeholder and
 * the real value is set out of band (`aws ssm put-parameter --overwrite`),
 * which later deploys keep unless this resource changes. Keep secrets in the
 * Secrets Manager secret; the Go side reads a SecureString parameter too
 * (WithDecryption), see README.
 */
function createParameter(stack: Stack, config: ServiceConfig): ssm.IStringParameter {
  const parameter = new ssm.StringParameter(stack, 'Parameter', {
    parameterName: `/${config.projectName}/parameter`,
    description: `${config.projectName}: read by the functions through ${SERVICE_ENV.ssm}; value set out of band`,
    stringValue: PARAMETER_PLACEHOLDER,
    tier: ssm.ParameterTier.STANDARD,
  });
  new CfnOutput(stack, 'ParameterName', { description: `SSM parameter (${SERVICE_ENV.ssm})`, value: parameter.parameterName });
  return parameter;
}

/**
 * The `kinesis` service's stream (`Stream`) to put records on: one
 * provisioned shard, as the `kinesis` kind's stream, which takes 1 MB/s or
 * 1000 records/s and costs less than an on-demand stream's hourly charge at
 * low volume. Beyond that Kinesis throttles; internal/stream retries the
 * throttled records, then reports ErrThrottled (a 503 from an HTTP
 * function). For traffic you cannot size, switch to
 * `streamMode: kinesis.StreamMode.ON_DEMAND` (without `shardCount`), which
 * scales by itself and bills per GB. Records are kept 24 hours, encrypted
 * with the AWS managed key alias/aws/kinesis, which producers in the account
 * use without a KMS grant.
 */
function createStream(stack: Stack): kinesis.Stream {
  const stream = new kinesis.Stream(stack, 'Stream', {
    streamMode: kinesis.StreamMode.PROVISIONED,
    shardCount: 1,
    retentionPeriod: Duration.hours(24),
    encryption: kinesis.StreamEncryption.MANAGED,
  });
  new CfnOutput(stack, 'StreamArn', { description: `Kinesis stream (${SERVICE_ENV.kinesis})`, value: stream.streamArn });
  return stream;
}

/**
 * The `eventbridge` service's custom event bus (`EventBus`) to put events
 * on, named by CDK so that two stages of the stack can share an account.
 * EventBridge encrypts events at rest with a key it owns. Rules on the bus
 * (here or in other stacks, by its name or ARN) decide where events go:
 * an `eventbridge` function with `source: 'service'` has its rule here.
 */
function createEventBus(stack: Stack, config: ServiceConfig): events.EventBus {
  const bus = new events.EventBus(stack, 'EventBus', {
    description: `${config.projectName}: events the functions put through ${SERVICE_ENV.eventbridge}`,
  });
  new CfnOutput(stack, 'EventBusName', { description: `EventBridge event bus (${SERVICE_ENV.eventbridge})`, value: bus.eventBusName });
  return bus;
}
