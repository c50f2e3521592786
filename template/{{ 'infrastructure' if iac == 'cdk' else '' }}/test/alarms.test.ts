import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  BATCH_ALARM_RULES,
  CLOUDWATCH_KEY_ACTIONS,
  FAILED_ITEMS_METRIC,
  FUNCTION_ALARM_RULES,
  HTTP_ALARM_RULES,
  QUEUE_ALARM_RULES,
  ServiceAlarms,
  defaultLatencyMilliseconds,
} from '../lib/alarms';
import type { FunctionKind, ServiceConfig } from '../lib/config-types';
import { pascalCase } from '../lib/naming';
import { ServiceStack } from '../lib/service-stack';
import {
  BATCH_KINDS,
  FUNCTION_KINDS,
  HTTP_KINDS,
  KIND_DEFAULTS,
  type Props,
  allKinds,
  allServices,
  cdkJsonContext,
  expectedAlarmCount,
  fakeAssetRoot,
  fakeProjectRoot,
  fixture,
  functionLogicalId,
  kindFunction,
  logicalId,
  resourcesOfType,
  serviceOf,
  splitServices,
  synth,
  withoutServices,
} from './helpers';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:team-alerts';

/** The alarms of a template, by logical id. */
function alarmsOf(template: Template): Record<string, Props> {
  return resourcesOfType(template, 'AWS::CloudWatch::Alarm');
}

/** The alarm `<Name><What>Alarm` of function `name`. */
function alarmOf(stack: ServiceStack, template: Template, name: string, what: string): Props {
  return template.toJSON().Resources[logicalId(stack, `${pascalCase(name)}${what}Alarm`)].Properties;
}

/** What CloudWatch may do with the alarm topic's key and the topic: alarms of this account and region only. */
const FROM_THIS_ACCOUNTS_ALARMS = {
  StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
  ArnLike: {
    'aws:SourceArn': {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']],
    },
  },
};

describe('alarms off (the default)', () => {
  test('no alarms, no alarm topic, no key', () => {
    const { stack, template } = synth(fixture);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(template.toJSON().Outputs).not.toHaveProperty('AlarmTopicArn');
    expect(stack.alarms).toBeUndefined();
  });
});

describe('alarms on: the alarm topic', () => {
  const { stack, template } = synth({ ...fixture, alarms: true, alarmNotify: { emails: [] } });
  const topicId = logicalId(stack, 'AlarmTopic');
  const keyId = logicalId(stack, 'AlarmTopicKey');

  test('every alarm notifies the topic when it goes off and when it clears', () => {
    const alarms = Object.values(alarmsOf(template));
    expect(alarms).toHaveLength(expectedAlarmCount({ ...fixture, alarms: true }));
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.InsufficientDataActions).toBeUndefined();
    }
    expect(stack.alarms?.all).toHaveLength(alarms.length);
  });

  test('encrypted with a customer managed key with rotation, not alias/aws/sns', () => {
    const topic = template.toJSON().Resources[topicId];
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    const key = template.toJSON().Resources[keyId];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    template.resourceCountIs('AWS::KMS::Key', 1);
  });

  test('key policy: CloudWatch may only encrypt for alarms of this account and region', () => {
    const statements: Props[] = template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement;
    const forServices = statements.filter((st) => st.Principal?.Service !== undefined);
    expect(forServices).toEqual([
      {
        Sid: 'CloudWatchAlarmsEncryptForTheAlarmTopic',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: CLOUDWATCH_KEY_ACTIONS,
        Resource: '*',
        Condition: FROM_THIS_ACCOUNTS_ALARMS,
      },
    ]);
    expect(CLOUDWATCH_KEY_ACTIONS).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    // The rest is CDK's default: the account administers its key.
    expect(statements.filter((st) => st.Principal?.Service === undefined).map((st) => st.Principal)).toEqual([
      { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
    ]);
  });

  test('topic policy: TLS only, and CloudWatch may publish for alarms of this account and region', () => {
    const policies = Object.values(resourcesOfType(template, 'AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.Topics).toEqual([{ Ref: topicId }]);
    const statements: Props[] = policies[0].Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(statements[1]).toEqual({
      Sid: 'CloudWatchAlarmsPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: topicId },
      Condition: FROM_THIS_ACCOUNTS_ALARMS,
    });
  });

  test('no subscription without an address; the topic ARN is an output', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(template.toJSON().Outputs.AlarmTopicArn.Value).toEqual({ Ref: topicId });
  });

  test('without alarmNotify: the same topic, no subscription', () => {
    const { stack: s, template: t } = synth({ ...fixture, alarms: true });
    expect(t.toJSON().Outputs.AlarmTopicArn.Value).toEqual({ Ref: logicalId(s, 'AlarmTopic') });
    t.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

test('new ServiceAlarms(stack), as before this option existed: the alarm topic, without subscribers', () => {
  const stack = new Stack(new App(), 'OwnStack');
  const alarms = new ServiceAlarms(stack);
  alarms.failedItems(kindFunction('sqs'), lambda.Function.fromFunctionName(stack, 'Fn', 'own-fn'));
  const template = Template.fromStack(stack);
  const topic = { Ref: logicalId(stack as ServiceStack, 'AlarmTopic') };
  expect(Object.values(alarmsOf(template)).map((a) => a.Properties)).toEqual([
    expect.objectContaining({ Namespace: 'OwnStack', AlarmActions: [topic], OKActions: [topic] }),
  ]);
  template.resourceCountIs('AWS::SNS::Subscription', 0);
});

describe('alarms on: email addresses', () => {
  const emails = ['oncall@example.com', "o'brien@example.org"];
  const { stack, template } = synth({ ...fixture, alarms: true, alarmNotify: { emails } });

  test('each address is subscribed to the alarm topic', () => {
    const subscriptions = Object.values(resourcesOfType(template, 'AWS::SNS::Subscription')).map((r) => r.Properties);
    expect(subscriptions).toEqual(emails.map((email) => ({
      Protocol: 'email',
      Endpoint: email,
      TopicArn: { Ref: logicalId(stack, 'AlarmTopic') },
    })));
  });
});

describe('alarms on: an existing topic', () => {
  const config: ServiceConfig = { ...fixture, alarms: true, alarmNotify: { topicArn: TOPIC_ARN } };
  const { template } = synth(config);

  test('every alarm notifies it, and the stack creates no topic or key', () => {
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
    const alarms = Object.values(alarmsOf(template));
    expect(alarms).toHaveLength(expectedAlarmCount(config));
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([TOPIC_ARN]);
      expect(alarm.Properties.OKActions).toEqual([TOPIC_ARN]);
    }
    expect(template.toJSON().Outputs.AlarmTopicArn.Value).toBe(TOPIC_ARN);
  });

  /** The stack of `config` in a given region, as `cdk synth` makes it with a region configured. */
  const inRegion = (region: string, notify: ServiceConfig['alarmNotify']) => () =>
    new ServiceStack(new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } }), 'TestStack', {
      config: { ...config, alarmNotify: notify },
      assetRoot: fakeAssetRoot(['api', 'hello']),
      projectRoot: fakeProjectRoot(['api', 'hello']),
      env: { region },
    });

  test('alarms notify topics of their own region only', () => {
    expect(inRegion('eu-west-1', { topicArn: TOPIC_ARN })).not.toThrow();
    expect(inRegion('us-east-1', { topicArn: TOPIC_ARN })).toThrow(/topicArn is in eu-west-1, the stack in us-east-1/);
  });

  test.each([
    ['arn:aws:sns:eu-west-1:123456789012:alerts.fifo', /standard SNS topic/],
    ['arn:aws:sqs:eu-west-1:123456789012:alerts', /standard SNS topic/],
  ])('%s is refused', (topicArn, error) => {
    expect(() => synth({ ...config, alarmNotify: { topicArn } })).toThrow(error);
  });
});

describe('alarms on: errors and throttles of every function', () => {
  const { stack, template } = synth({ ...fixture, alarms: true });
  const topic = { Ref: logicalId(stack, 'AlarmTopic') };

  test.each([
    ['api', 'Api'],
    ['hello', 'Hello'],
  ])('%s: Errors and Throttles, Sum over 5 minutes >= 1, missing data is not breaching', (name, pascal) => {
    for (const [metric, what] of [['Errors', 'errors'], ['Throttles', 'throttles']]) {
      expect(alarmOf(stack, template, name, metric)).toEqual({
        AlarmName: `TestStack-${name}-${what}`,
        AlarmDescription: expect.stringMatching(new RegExp(`^TestStack ${name}: .*, at least 1 in 5 minutes$`)),
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionLogicalId(stack, name) } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
        OKActions: [topic],
        Tags: [{ Key: 'project', Value: 'fixture-service' }],
      });
    }
  });

  test('thresholds come from FUNCTION_ALARM_RULES', () => {
    expect(FUNCTION_ALARM_RULES.errors.threshold).toBe(1);
    expect(FUNCTION_ALARM_RULES.throttles.period.toSeconds()).toBe(300);
    for (const name of ['api', 'hello']) {
      expect(alarmOf(stack, template, name, 'Errors').Threshold).toBe(FUNCTION_ALARM_RULES.errors.threshold);
      expect(alarmOf(stack, template, name, 'Throttles').Threshold).toBe(FUNCTION_ALARM_RULES.throttles.threshold);
    }
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { TreatMissingData: 'notBreaching' });
  });

  test('several functions, tracing off: errors and throttles for each', () => {
    const names = ['orders-api', 'billing_worker', 'api'];
    const config = withoutServices({
      ...fixture,
      alarms: true,
      tracing: false,
      functions: names.map((name) => ({ ...fixture.functions[1], name })),
    });
    const { template: t } = synth(config);
    t.resourceCountIs('AWS::CloudWatch::Alarm', expectedAlarmCount(config));
    for (const name of names) {
      for (const what of ['errors', 'throttles', 'server-error-rate', 'latency-p99']) {
        t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: `TestStack-${name}-${what}` });
      }
    }
  });
});

describe('alarms on: the HTTP kinds, measured where the requests arrive', () => {
  const config = { ...allKinds, alarms: true };
  const { stack, template } = synth(config);
  const name = (kind: FunctionKind) => KIND_DEFAULTS[kind].name;
  const rate = (kind: FunctionKind) => alarmOf(stack, template, name(kind), 'ServerErrorRate');
  const latency = (kind: FunctionKind) => alarmOf(stack, template, name(kind), 'LatencyP99');
  const { serverErrorRate, latencyP99 } = HTTP_ALARM_RULES;

  test.each(HTTP_KINDS)('%s: 5xx share >= 0.05 in 2 of 2 periods of 5 minutes; p99 latency in 3 of 3', (kind) => {
    expect(rate(kind)).toMatchObject({
      AlarmName: `TestStack-${name(kind)}-server-error-rate`,
      AlarmDescription: `TestStack ${name(kind)}: ${serverErrorRate.description}, at least 0.05 in each of 2 consecutive 5-minute periods`,
      Threshold: 0.05,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(latency(kind)).toMatchObject({
      AlarmName: `TestStack-${name(kind)}-latency-p99`,
      ExtendedStatistic: 'p99',
      Period: latencyP99.period.toSeconds(),
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });

  test('apigw-rest: 5XXError of the stage, averaged (a 0 or 1 per request), and its Latency', () => {
    const dimensions = [
      { Name: 'ApiName', Value: 'fixture-service-api' },
      { Name: 'Stage', Value: { Ref: Match.stringLikeRegexp('^ApiRestApiDeploymentStageprod') } },
    ];
    expect(rate('apigw-rest')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Statistic: 'Average', Period: 300 });
    expect(latency('apigw-rest')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: 'Latency', Threshold: 3000 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack-api-server-error-rate', Dimensions: dimensions });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack-api-latency-p99', Dimensions: dimensions });
  });

  /** The metrics of a math alarm, by id, and its expression. */
  const math = (alarm: Props) => {
    const queries: Props[] = alarm.Metrics;
    const expression = queries.find((q) => q.Expression !== undefined);
    const metrics = Object.fromEntries(queries.filter((q) => q.MetricStat).map((q) => [q.Id, q.MetricStat]));
    return { expression, metrics };
  };

  test.each([
    ['apigw-http', 'AWS/ApiGateway', '5xx', 'Count', ['ApiId']],
    ['alb', 'AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'RequestCount', ['LoadBalancer', 'TargetGroup']],
    ['function-url', 'AWS/Lambda', 'Url5xxCount', 'UrlRequestCount', ['FunctionName']],
  ] as const)('%s: 5xx share = %s %s / %s, both summed over 5 minutes', (kind, namespace, errors, requests, dimensions) => {
    const alarm = rate(kind);
    expect(alarm.MetricName).toBeUndefined();
    const { expression, metrics } = math(alarm);
    expect(expression).toMatchObject({ Expression: 'FILL(errors, 0) / requests', ReturnData: true });
    for (const [id, metricName] of [['errors', errors], ['requests', requests]]) {
      expect(metrics[id]).toMatchObject({ Metric: { Namespace: namespace, MetricName: metricName }, Period: 300, Stat: 'Sum' });
      expect(metrics[id].Metric.Dimensions.map((d: Props) => d.Name).sort()).toEqual([...dimensions]);
    }
  });

  test('apigw-http: the API\'s Latency; function-url: UrlRequestLatency; both in milliseconds', () => {
    expect(latency('apigw-http')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: 'Latency', Threshold: 3000 });
    expect(latency('apigw-http').Dimensions).toEqual([{ Name: 'ApiId', Value: { Ref: logicalId(stack, 'HttpApiHttpApi') } }]);
    expect(latency('function-url')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'UrlRequestLatency',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionLogicalId(stack, 'url') } }],
      Threshold: 3000,
    });
  });

  test('alb: TargetResponseTime is in seconds, so the threshold is too', () => {
    expect(latency('alb')).toMatchObject({ Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Threshold: 3 });
    expect(latency('alb').AlarmDescription).toMatch(/p99 latency in seconds, at least 3 in each of 3 consecutive 5-minute periods$/);
  });

  test('no 5xx or latency alarm for the other kinds', () => {
    const names = Object.values(alarmsOf(template)).map((a) => a.Properties.AlarmName as string);
    const withRate = names.filter((n) => n.endsWith('-server-error-rate')).sort();
    const withLatency = names.filter((n) => n.endsWith('-latency-p99')).sort();
    expect(withRate).toEqual(HTTP_KINDS.map((k) => `TestStack-${name(k)}-server-error-rate`).sort());
    expect(withLatency).toEqual(HTTP_KINDS.map((k) => `TestStack-${name(k)}-latency-p99`).sort());
  });

  test('latency threshold: 3000 ms, or half the timeout if that is less', () => {
    const fn = (timeoutSeconds: number) => kindFunction('apigw-rest', { timeoutSeconds });
    expect(defaultLatencyMilliseconds(fn(30))).toBe(3000);
    expect(defaultLatencyMilliseconds(fn(6))).toBe(3000);
    expect(defaultLatencyMilliseconds(fn(5))).toBe(2500);
    expect(defaultLatencyMilliseconds(fn(1))).toBe(500);
    const { stack: s, template: t } = synth({ ...fixture, alarms: true });
    expect(alarmOf(s, t, 'api', 'LatencyP99').Threshold).toBe(3000); // timeout 10 s
    expect(alarmOf(s, t, 'hello', 'LatencyP99').Threshold).toBe(2500); // timeout 5 s
  });
});

describe('alarms on: failed items of the batch kinds', () => {
  const { stack, template } = synth({ ...allKinds, alarms: true });
  const { failedItems } = BATCH_ALARM_RULES;

  test.each(BATCH_KINDS)('%s: Sum of internal/batch\'s FailedItems >= 10 in each of 2 periods of 5 minutes', (kind) => {
    const name = KIND_DEFAULTS[kind].name;
    expect(alarmOf(stack, template, name, 'FailedItems')).toMatchObject({
      AlarmName: `TestStack-${name}-failed-items`,
      // The namespace the stack gives every function in METRICS_NAMESPACE.
      Namespace: 'fixture-service',
      MetricName: FAILED_ITEMS_METRIC,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionLogicalId(stack, name) } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: failedItems.threshold,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    expect(failedItems.threshold).toBe(10);
    const variables = template.toJSON().Resources[functionLogicalId(stack, name)].Properties.Environment.Variables;
    expect(variables.METRICS_NAMESPACE).toBe('fixture-service');
  });

  test('no failed items alarm for the other kinds', () => {
    const names = Object.values(alarmsOf(template)).map((a) => a.Properties.AlarmName as string);
    expect(names.filter((n) => n.endsWith('-failed-items')).sort()).toEqual(
      BATCH_KINDS.map((k) => `TestStack-${KIND_DEFAULTS[k].name}-failed-items`).sort(),
    );
  });

  test('every kind: exactly the expected alarms, each notifying the topic', () => {
    const alarms = Object.values(alarmsOf(template));
    expect(alarms).toHaveLength(expectedAlarmCount({ ...allKinds, alarms: true }));
    expect(alarms).toHaveLength(2 * FUNCTION_KINDS.length + 2 * HTTP_KINDS.length + BATCH_KINDS.length + 7 + 2);
    const topic = { Ref: logicalId(stack, 'AlarmTopic') };
    for (const alarm of alarms) {
      expect([alarm.Properties.AlarmName, alarm.Properties.AlarmActions]).toEqual([alarm.Properties.AlarmName, [topic]]);
    }
  });
});

describe('alarm thresholds from the config', () => {
  test('service-wide, then per function', () => {
    const config: ServiceConfig = {
      ...serviceOf(
        kindFunction('apigw-http'),
        kindFunction('sqs', { alarmThresholds: { failedItems: 50 } }),
        kindFunction('alb', { alarmThresholds: { latencyP99Milliseconds: 20_000 } }),
      ),
      alarms: true,
      alarmThresholds: { serverErrorRate: 0.01, latencyP99Milliseconds: 1500, failedItems: 3 },
    };
    const { stack, template } = synth(config);
    expect(alarmOf(stack, template, 'http-api', 'ServerErrorRate').Threshold).toBe(0.01);
    expect(alarmOf(stack, template, 'http-api', 'LatencyP99').Threshold).toBe(1500);
    expect(alarmOf(stack, template, 'processor', 'FailedItems').Threshold).toBe(50);
    expect(alarmOf(stack, template, 'alb', 'LatencyP99').Threshold).toBe(20);
    expect(alarmOf(stack, template, 'alb', 'ServerErrorRate').Threshold).toBe(0.01);
  });

  test.each([
    [{ serverErrorRate: 5 }, /serverErrorRate must be a share of requests above 0 and at most 1/],
    [{ serverErrorRate: 0 }, /serverErrorRate must be a share/],
    [{ latencyP99Milliseconds: -1 }, /latencyP99Milliseconds must be above 0/],
    [{ failedItems: 0.5 }, /failedItems must be a whole number/],
  ])('%j is refused at synth', (thresholds, error) => {
    expect(() => synth({ ...fixture, alarms: true, alarmThresholds: thresholds })).toThrow(new RegExp(`^alarmThresholds\\.${error.source}`));
    const functions = [{ ...fixture.functions[0], alarmThresholds: thresholds }];
    expect(() => synth({ ...fixture, functions, alarms: true })).toThrow(new RegExp(`^function 'api': alarmThresholds\\.${error.source}`));
  });
});

describe('alarms on, with the SQS service', () => {
  test.each([
    ['every service', allServices],
    ['services split across functions', splitServices],
  ])('%s: one dead-letter queue alarm, besides those of every function', (_name, config) => {
    const { stack, template } = synth({ ...config, alarms: true });
    template.resourceCountIs('AWS::CloudWatch::Alarm', expectedAlarmCount({ ...config, alarms: true }));
    const topic = { Ref: logicalId(stack, 'AlarmTopic') };
    const alarm = template.toJSON().Resources[logicalId(stack, 'QueueDeadLettersAlarm')];
    expect(alarm.Properties).toEqual({
      AlarmName: 'TestStack-queue-dead-letters',
      AlarmDescription: expect.stringMatching(/^TestStack queue: messages in the dead-letter queue .*, at least 1 in 5 minutes$/),
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, 'DeadLetterQueue'), 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: QUEUE_ALARM_RULES.deadLetters.threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      OKActions: [topic],
      Tags: [{ Key: 'project', Value: 'fixture-service' }],
    });
  });

  test('the alarm topic is a topic of its own, not the SNS service\'s', () => {
    const { stack, template } = synth({ ...allServices, alarms: true });
    template.resourceCountIs('AWS::SNS::Topic', 2);
    expect(logicalId(stack, 'AlarmTopic')).not.toEqual(logicalId(stack, 'Topic'));
  });

  test('alarms off: no dead-letter queue alarm', () => {
    synth(allServices).template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });
});
