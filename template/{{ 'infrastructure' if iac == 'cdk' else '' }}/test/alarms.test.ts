import { Match } from 'aws-cdk-lib/assertions';
import { FUNCTION_ALARM_RULES, QUEUE_ALARM_RULES } from '../lib/alarms';
import { allServices, fixture, functionLogicalId, logicalId, splitServices, synth, withoutServices } from './helpers';

describe('alarms off (the default)', () => {
  test('no alarms', () => {
    const { stack, template } = synth(fixture);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(stack.alarms).toBeUndefined();
  });
});

describe('alarms on', () => {
  const { stack, template } = synth({ ...fixture, alarms: true });

  test('errors and throttles per function, nothing else', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    expect(stack.alarms?.all).toHaveLength(4);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  test.each([
    ['api', 'Api'],
    ['hello', 'Hello'],
  ])('%s: Errors and Throttles, Sum over 5 minutes >= 1, missing data is not breaching', (name, pascal) => {
    for (const [metric, what] of [['Errors', 'errors'], ['Throttles', 'throttles']]) {
      const alarm = template.toJSON().Resources[logicalId(stack, `${pascal}${metric}Alarm`)];
      expect(alarm.Properties).toEqual({
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
        Tags: [{ Key: 'project', Value: 'fixture-service' }],
      });
      // No actions: routing alerts is the project's choice.
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
  });

  test('thresholds come from FUNCTION_ALARM_RULES', () => {
    expect(FUNCTION_ALARM_RULES.errors.threshold).toBe(1);
    expect(FUNCTION_ALARM_RULES.throttles.period.toSeconds()).toBe(300);
    template.allResourcesProperties('AWS::CloudWatch::Alarm', {
      Threshold: FUNCTION_ALARM_RULES.errors.threshold,
      TreatMissingData: 'notBreaching',
    });
  });

  test('several functions, tracing off: still two alarms each', () => {
    const names = ['orders-api', 'billing_worker', 'api'];
    const { template: t } = synth(withoutServices({
      ...fixture,
      alarms: true,
      tracing: false,
      functions: names.map((name) => ({ ...fixture.functions[1], name })),
    }));
    t.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    for (const name of names) {
      for (const what of ['errors', 'throttles']) {
        t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: `TestStack-${name}-${what}`, Threshold: 1 });
      }
    }
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('billing_worker') });
  });
});

describe('alarms on, with the SQS service', () => {
  test.each([
    ['every service', allServices],
    ['services split across functions', splitServices],
  ])('%s: one dead-letter queue alarm, besides errors and throttles per function', (_name, config) => {
    const { stack, template } = synth({ ...config, alarms: true });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2 * config.functions.length + 1);
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
      Tags: [{ Key: 'project', Value: 'fixture-service' }],
    });
  });

  test('alarms off: no dead-letter queue alarm', () => {
    synth(allServices).template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });
});
