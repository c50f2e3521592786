// Producers reach consumers: a consumer with `source: 'service'` takes its trigger from the very
// resource of the project's service that the producers' environment names and their grants
// cover, and creates none of its own. Also the FIFO queue of an sqs function, and the errors.
import type { FunctionConfig, ServiceConfig, ServiceKey } from '../lib/config-types';
import { FIFO_QUEUE } from '../lib/kinds/sqs';
import { SERVICE_ENV, VISIBILITY_TIMEOUT_FACTOR } from '../lib/services';
import {
  type Props,
  fixture,
  functionLogicalId,
  kindFunction,
  logicalId,
  resourcesOfType,
  restFunction,
  serviceOf,
  statementsOfRole,
  roleLogicalId,
  synth,
} from './helpers';

const PRODUCED: ServiceKey[] = ['dynamodb', 's3', 'sqs', 'sns', 'kinesis', 'eventbridge'];

/** `api` writes to the table, bucket, queue and topic; one consumer of each reads it. */
const connected: ServiceConfig = {
  ...fixture,
  services: PRODUCED,
  table: undefined,
  functions: [
    restFunction('api', PRODUCED),
    kindFunction('sqs', { source: 'service', timeoutSeconds: 40, maxReceiveCount: 5 }),
    kindFunction('dynamodb-stream', { source: 'service' }),
    kindFunction('sns', { source: 'service' }),
    kindFunction('s3', { source: 'service' }),
    kindFunction('kinesis', { source: 'service' }),
    kindFunction('eventbridge', { source: 'service' }),
  ],
};

const { stack, template } = synth(connected);
const resources = template.toJSON().Resources as Record<string, Props>;
const ref = (id: string) => ({ Ref: logicalId(stack, id) });
const arn = (id: string) => ({ 'Fn::GetAtt': [logicalId(stack, id), 'Arn'] });
const fnArn = (name: string) => ({ 'Fn::GetAtt': [functionLogicalId(stack, name), 'Arn'] });

/** What the producer's environment names, for a service. */
function producerEnv(key: ServiceKey): unknown {
  return resources[functionLogicalId(stack, 'api')].Properties.Environment.Variables[SERVICE_ENV[key]];
}

/** The event source mapping of a function. */
function mappingOf(name: string): Props {
  const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'))
    .filter((m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: functionLogicalId(stack, name) }));
  expect(mappings).toHaveLength(1);
  return mappings[0].Properties;
}

describe('consumers read the resources the producers write to', () => {
  test('sqs: the mapping reads the queue whose URL the producer sends to', () => {
    expect(producerEnv('sqs')).toEqual(ref('Queue'));
    expect(mappingOf('processor')).toMatchObject({ EventSourceArn: arn('Queue'), FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(stack.node.tryFindChild('ProcessorQueue')).toBeUndefined();
    expect(stack.node.tryFindChild('ProcessorDeadLetterQueue')).toBeUndefined();
    // The queue takes the consumer's visibility timeout and redrive.
    expect(resources[logicalId(stack, 'Queue')].Properties).toMatchObject({
      VisibilityTimeout: VISIBILITY_TIMEOUT_FACTOR * 40,
      RedrivePolicy: { deadLetterTargetArn: arn('DeadLetterQueue'), maxReceiveCount: 5 },
    });
  });

  test('dynamodb-stream: the mapping reads the stream of the table the producer writes to', () => {
    expect(producerEnv('dynamodb')).toEqual(ref('Table'));
    expect(resources[logicalId(stack, 'Table')].Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(mappingOf('stream-processor').EventSourceArn).toEqual({ 'Fn::GetAtt': [logicalId(stack, 'Table'), 'StreamArn'] });
    expect(stack.node.tryFindChild('StreamProcessorTable')).toBeUndefined();
  });

  test('sns: the function is subscribed to the topic the producer publishes to', () => {
    expect(producerEnv('sns')).toEqual(ref('Topic'));
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', TopicArn: ref('Topic'), Endpoint: fnArn('notifier') });
    expect(stack.node.tryFindChild('NotifierTopic')).toBeUndefined();
  });

  test('s3: the bucket the producer stores in notifies the function, which may read under the prefix', () => {
    expect(producerEnv('s3')).toEqual(ref('Bucket'));
    const notifications = Object.values(resourcesOfType(template, 'Custom::S3BucketNotifications'));
    expect(notifications).toHaveLength(1);
    expect(notifications[0].Properties).toMatchObject({
      BucketName: ref('Bucket'),
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [{
          Events: ['s3:ObjectCreated:*'],
          LambdaFunctionArn: fnArn('s3-processor'),
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
        }],
      },
    });
    const reads = statementsOfRole(template, roleLogicalId(stack, 's3-processor')).filter((s) => s.Action === 's3:GetObject');
    expect(reads.map((s) => s.Resource)).toEqual([{ 'Fn::Join': ['', [arn('Bucket'), '/incoming/*']] }]);
    expect(stack.node.tryFindChild('S3ProcessorBucket')).toBeUndefined();
  });

  test('kinesis: the mapping reads the stream the producer puts records on', () => {
    expect(producerEnv('kinesis')).toEqual(arn('Stream'));
    expect(mappingOf('kinesis-processor').EventSourceArn).toEqual(arn('Stream'));
    expect(stack.node.tryFindChild('KinesisProcessorStream')).toBeUndefined();
  });

  test('eventbridge: the rule listens on the bus the producer puts events on', () => {
    expect(producerEnv('eventbridge')).toEqual(ref('EventBus'));
    const rule = resources[logicalId(stack, 'EventHandlerRule')].Properties;
    expect(rule.EventBusName).toEqual(ref('EventBus'));
    expect(rule.Targets[0].Arn).toEqual(fnArn('event-handler'));
  });

  test('a consumer gets no producer grant or variable it does not list', () => {
    const env = resources[functionLogicalId(stack, 'processor')].Properties.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(['LOG_LEVEL', 'METRICS_NAMESPACE']);
    const actions = statementsOfRole(template, roleLogicalId(stack, 'processor')).flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('sqs:SendMessage');
  });
});

test('the table has no stream while no function reads it', () => {
  const { stack: s, template: t } = synth({ ...connected, functions: [restFunction('api', PRODUCED)] });
  expect(t.toJSON().Resources[logicalId(s, 'Table')].Properties.StreamSpecification).toBeUndefined();
});

describe('fifo', () => {
  const fifo = kindFunction('sqs', { fifo: true, maxBatchingWindowSeconds: 0 });
  const { stack: s, template: t } = synth(serviceOf(fifo));
  const props = (id: string) => t.toJSON().Resources[logicalId(s, id)].Properties;

  test('its own FIFO queue: content-based deduplication, high throughput, a FIFO dead-letter queue', () => {
    expect(FIFO_QUEUE).toMatchObject({ fifo: true, contentBasedDeduplication: true });
    expect(props('ProcessorQueue')).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: true,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(s, 'ProcessorDeadLetterQueue'), 'Arn'] } },
    });
    expect(props('ProcessorDeadLetterQueue')).toMatchObject({ FifoQueue: true, SqsManagedSseEnabled: true });
  });

  test('no batching window on its mapping', () => {
    const mapping = Object.values(resourcesOfType(t, 'AWS::Lambda::EventSourceMapping'))[0].Properties;
    expect(mapping.MaximumBatchingWindowInSeconds).toBeUndefined();
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });
});

describe('connections that cannot work fail the synth', () => {
  const withServices = (services: ServiceKey[], ...functions: FunctionConfig[]): ServiceConfig =>
    ({ ...serviceOf(...functions), services });
  const cases: [string, ServiceConfig, RegExp][] = [
    ['source service without the service', serviceOf(kindFunction('sqs', { source: 'service' })),
      /function 'processor': source 'service' reads the sqs service's resource, but services does not list 'sqs'/],
    ['two readers of the queue', withServices(['sqs'], kindFunction('sqs', { source: 'service' }),
      kindFunction('sqs', { name: 'other', source: 'service' })), /functions processor, other all read the sqs service's resource/],
    ['two readers of the bucket', withServices(['s3'], kindFunction('s3', { source: 'service' }),
      kindFunction('s3', { name: 'other', source: 'service' })), /S3 rejects overlapping notifications/],
    ['fifo on the service queue', withServices(['sqs'], kindFunction('sqs', { source: 'service', fifo: true, maxBatchingWindowSeconds: 0 })),
      /fifo needs a queue of its own/],
    ['fifo with a batching window', serviceOf(kindFunction('sqs', { fifo: true })),
      /maxBatchingWindowSeconds must be an integer from 0 to 0, got 5/],
  ];
  test.each(cases)('%s', (_name, config, error) => {
    expect(() => synth(config)).toThrow(error);
  });
});
