import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { pascalCase } from './naming';

/** One alarm rule: `statistic` of a metric over `period`, compared with `threshold`. */
export interface AlarmRule {
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly description: string;
}

/**
 * The thresholds, in one place. For a Lambda proxy API, `Errors` counts only
 * invocations that failed (timeout, out of memory, init failure, a panic the
 * middleware did not recover): the handlers answer bad requests and downstream
 * failures with 4xx/5xx responses, which are successful invocations. So any
 * error is worth a look, as is any throttle (callers then get a 5xx).
 */
export const FUNCTION_ALARM_RULES = {
  errors: {
    threshold: 1,
    period: Duration.minutes(5),
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    description: 'failed invocations (timeout, out of memory, init failure, unrecovered panic)',
  },
  throttles: {
    threshold: 1,
    period: Duration.minutes(5),
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    description: 'throttled invocations (account or reserved concurrency exhausted)',
  },
} as const satisfies Record<string, AlarmRule>;

/**
 * A message in a dead-letter queue is one that was received MAX_RECEIVE_COUNT
 * times and never deleted: each one is a failure to look at (and to redrive).
 * SQS publishes queue metrics every 5 minutes, and keeps doing so while the
 * queue holds messages, so a non-empty dead-letter queue keeps the alarm on.
 */
export const QUEUE_ALARM_RULES = {
  deadLetters: {
    threshold: 1,
    period: Duration.minutes(5),
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    description: 'messages in the dead-letter queue (received too often without being deleted)',
  },
} as const satisfies Record<string, AlarmRule>;

/**
 * A stream function whose oldest record is a minute old has fallen behind its
 * stream (it is failing, throttled or too slow for the write rate); past the
 * stream's retention (24 hours) records are lost. Lambda publishes IteratorAge
 * in milliseconds.
 */
export const STREAM_ALARM_RULES = {
  iteratorAge: {
    threshold: 60_000,
    period: Duration.minutes(5),
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    description: 'age in milliseconds of the last record read (the function falls behind its stream)',
  },
} as const satisfies Record<string, AlarmRule>;

/**
 * The service's CloudWatch alarms; present when `ServiceConfig.alarms` is on.
 * Alarms are created directly in the stack with ids prefixed by the function's
 * PascalCase name (`ApiErrorsAlarm`) and named `<stack>-<function>-<what>`.
 *
 * No actions: alarms change state and show in the CloudWatch console. Route
 * them where you want (`alarm.addAlarmAction(new SnsAction(topic))`, with a
 * KMS-encrypted topic) through `all`.
 *
 * The stack adds `deadLetterQueue('queue', dlq)` for the SQS service's
 * dead-letter queue. Kinds add their own here: `deadLetterQueue(name, queue)`
 * for the dead-letter queue of a trigger (lib/kinds/shared.ts), and
 * `iteratorAge(name, fn)` on a stream function's `IteratorAge`.
 */
export class ServiceAlarms {
  private readonly created: cloudwatch.Alarm[] = [];

  constructor(private readonly stack: Stack) {}

  /** Every alarm created so far. */
  get all(): readonly cloudwatch.Alarm[] {
    return this.created;
  }

  /** Errors and Throttles of one function. */
  forFunction(name: string, fn: lambda.IFunction): cloudwatch.Alarm[] {
    const { errors, throttles } = FUNCTION_ALARM_RULES;
    return [
      this.alarm(name, 'errors', fn.metricErrors({ period: errors.period, statistic: cloudwatch.Stats.SUM }), errors),
      this.alarm(name, 'throttles', fn.metricThrottles({ period: throttles.period, statistic: cloudwatch.Stats.SUM }), throttles),
    ];
  }

  /** Messages visible in a dead-letter queue (`<Name>DeadLettersAlarm`, `<stack>-<name>-dead-letters`). */
  deadLetterQueue(name: string, queue: sqs.IQueue): cloudwatch.Alarm {
    const { deadLetters } = QUEUE_ALARM_RULES;
    const metric = queue.metricApproximateNumberOfMessagesVisible({
      period: deadLetters.period,
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    return this.alarm(name, 'dead-letters', metric, deadLetters);
  }

  /** Maximum IteratorAge of a stream function (`<Name>IteratorAgeAlarm`, `<stack>-<name>-iterator-age`). */
  iteratorAge(name: string, fn: lambda.IFunction): cloudwatch.Alarm {
    const { iteratorAge } = STREAM_ALARM_RULES;
    const metric = fn.metric('IteratorAge', { period: iteratorAge.period, statistic: cloudwatch.Stats.MAXIMUM });
    return this.alarm(name, 'iterator-age', metric, iteratorAge);
  }

  private alarm(name: string, what: string, metric: cloudwatch.IMetric, rule: AlarmRule): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this.stack, `${pascalCase(name)}${pascalCase(what)}Alarm`, {
      alarmName: `${this.stack.stackName}-${name}-${what}`,
      alarmDescription: `${this.stack.stackName} ${name}: ${rule.description}, at least ${rule.threshold} in ${rule.period.toMinutes()} minutes`,
      metric,
      threshold: rule.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: rule.evaluationPeriods,
      datapointsToAlarm: rule.datapointsToAlarm,
      // No invocations means no datapoints, which is healthy.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.created.push(alarm);
    return alarm;
  }
}
