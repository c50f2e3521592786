import { Arn, ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { AlarmNotify, AlarmThresholds, FunctionConfig, ServiceConfig } from './config-types';
import { metricsNamespace, pascalCase } from './naming';

/** What the alarms take from the service's configuration. */
export type AlarmSettings = Pick<ServiceConfig, 'projectName' | 'alarmNotify' | 'alarmThresholds'>;

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
 * The HTTP kinds (apigw-rest, apigw-http, alb, function-url), measured where
 * the requests arrive, so they include what the function never sees.
 *
 * 5xx rate: the handlers answer a failing dependency with a 500 or a 503, which
 * the Errors alarm cannot see (the invocation succeeded). A share, not a count,
 * so that the threshold means the same at 1 and at 1000 requests a minute; 5%
 * in two 5-minute periods in a row, so that one failed request of a quiet
 * period, or a blip that retries absorb, does not page anybody.
 *
 * p99 latency: the slowest 1% of requests, for 15 minutes in a row (a cold
 * start or two lands in the p99 of a quiet period; a slow dependency stays
 * there). The threshold is 3 seconds, a budget for an interactive API that Go
 * cold starts stay far below, or half the function's timeout
 * (LATENCY_TIMEOUT_SHARE) if that is less: the alarm then always speaks before
 * the requests time out, which the Errors alarm only reports once they do. Set
 * `alarmThresholds.latencyP99Milliseconds` where a function is slower by design.
 */
export const HTTP_ALARM_RULES = {
  serverErrorRate: {
    threshold: 0.05,
    period: Duration.minutes(5),
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    description: 'share of requests answered with a 5xx status (0 to 1)',
  },
  latencyP99: {
    threshold: 3000,
    period: Duration.minutes(5),
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    description: 'p99 latency in milliseconds',
  },
} as const satisfies Record<string, AlarmRule>;

/** The p99 latency alarm's threshold is at most this share of the function's timeout. */
export const LATENCY_TIMEOUT_SHARE = 0.5;

/**
 * Batch kinds (sqs, dynamodb-stream, kinesis): internal/batch writes the
 * number of items each batch reports as failed (`FailedItems`, embedded metric
 * format, dimension `FunctionName`). A failed item is retried (an SQS message
 * comes back after its visibility timeout, up to maxReceiveCount receives; a
 * stream batch retryAttempts times), and retries of a passing failure (a
 * throttle, a slow dependency) mostly succeed; the items that never do reach
 * a dead-letter queue, whose alarm fires on the first. So this alarm is for
 * failures that keep coming: 10 or more in each of two 5-minute periods in a
 * row, e.g. a dependency down or a bad deploy, before the dead-letter queue
 * fills.
 */
export const BATCH_ALARM_RULES = {
  failedItems: {
    threshold: 10,
    period: Duration.minutes(5),
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    description: 'batch items reported as failed (FailedItems; retried, then dead-lettered)',
  },
} as const satisfies Record<string, AlarmRule>;

/** The metric internal/batch writes on every batch, in the namespace of METRICS_NAMESPACE. */
export const FAILED_ITEMS_METRIC = 'FailedItems';

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
 * What CloudWatch needs of the alarm topic's key to publish to the topic: a
 * data key to encrypt the message with (and to decrypt one SNS cached).
 */
export const CLOUDWATCH_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey*'];

/**
 * How an HTTP kind's front door (API stage, load balancer, function URL)
 * measures its requests, for `ServiceAlarms.forHttpFunction`.
 */
export interface HttpMetrics {
  /** The share of requests answered with a 5xx status, 0 to 1, per `period` (see `errorRate`). */
  serverErrorRate(period: Duration): cloudwatch.IMetric;
  /** The requests' latency with `options` (the rule's period, the p99 statistic). */
  latency(options: cloudwatch.MetricOptions): cloudwatch.IMetric;
  /** The unit of `latency`: an ALB's TargetResponseTime is in seconds, the others in milliseconds. */
  latencyUnit: 'milliseconds' | 'seconds';
}

/**
 * `errors / requests` per `period`, both summed. A period with requests and no
 * error is 0; one without requests has no value, which the alarms treat as
 * healthy.
 */
export function errorRate(errors: cloudwatch.Metric, requests: cloudwatch.Metric, period: Duration): cloudwatch.MathExpression {
  const sum = { period, statistic: cloudwatch.Stats.SUM };
  return new cloudwatch.MathExpression({
    expression: 'FILL(errors, 0) / requests',
    usingMetrics: { errors: errors.with(sum), requests: requests.with(sum) },
    period,
    label: 'share of requests answered with a 5xx status',
  });
}

/**
 * The service's CloudWatch alarms; present when `ServiceConfig.alarms` is on.
 * Alarms are created directly in the stack with ids prefixed by the function's
 * PascalCase name (`ApiErrorsAlarm`) and named `<stack>-<function>-<what>`.
 *
 * Every alarm notifies `topic` when it goes off and when it clears (OK): whoever
 * is told of a problem is also told it is over, and incident tools that read
 * the topic (PagerDuty, Opsgenie, AWS Chatbot) close their incident on the OK
 * message. The topic is `ServiceConfig.alarmNotify`'s (see `AlarmNotify`); the
 * stack outputs its ARN as `AlarmTopicArn`.
 *
 * The stack adds `forFunction` for every function and `deadLetterQueue('queue',
 * dlq)` for the SQS service's dead-letter queue. Kinds add their own here:
 * `forHttpFunction` (5xx rate, p99 latency), `failedItems` (batch kinds),
 * `deadLetterQueue(name, queue)` for the dead-letter queue of a trigger
 * (lib/kinds/shared.ts) and `iteratorAge(name, fn)` on a stream function's
 * `IteratorAge`.
 */
export class ServiceAlarms {
  /** The topic every alarm notifies. */
  readonly topic: sns.ITopic;
  private readonly created: cloudwatch.Alarm[] = [];
  private readonly action: actions.SnsAction;

  /** `service` defaults to the stack's name as project name, the alarm topic without subscribers and the default thresholds. */
  constructor(
    private readonly stack: Stack,
    private readonly service: AlarmSettings = { projectName: stack.stackName },
  ) {
    checkThresholds('alarmThresholds', service.alarmThresholds);
    this.topic = alarmTopic(stack, service.alarmNotify ?? { emails: [] });
    this.action = new actions.SnsAction(this.topic);
    new CfnOutput(stack, 'AlarmTopicArn', {
      description: `SNS topic the ${service.projectName} alarms notify (ALARM and OK)`,
      value: this.topic.topicArn,
    });
  }

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

  /**
   * 5xx rate (`<Name>ServerErrorRateAlarm`, `<stack>-<name>-server-error-rate`)
   * and p99 latency (`<Name>LatencyP99Alarm`, `<stack>-<name>-latency-p99`) of
   * an HTTP function, as its front door measures them.
   */
  forHttpFunction(config: FunctionConfig, metrics: HttpMetrics): cloudwatch.Alarm[] {
    const { serverErrorRate, latencyP99 } = HTTP_ALARM_RULES;
    const thresholds = this.thresholds(config);
    const latencyMs = thresholds.latencyP99Milliseconds ?? defaultLatencyMilliseconds(config);
    const inSeconds = metrics.latencyUnit === 'seconds';
    const latencyRule = inSeconds ? { ...latencyP99, description: 'p99 latency in seconds' } : latencyP99;
    const latency = metrics.latency({ period: latencyP99.period, statistic: cloudwatch.Stats.p(99) });
    return [
      this.alarm(config.name, 'server-error-rate', metrics.serverErrorRate(serverErrorRate.period), serverErrorRate,
        thresholds.serverErrorRate ?? serverErrorRate.threshold),
      this.alarm(config.name, 'latency-p99', latency, latencyRule, inSeconds ? latencyMs / 1000 : latencyMs),
    ];
  }

  /** Sum of internal/batch's FailedItems of a batch function (`<Name>FailedItemsAlarm`, `<stack>-<name>-failed-items`). */
  failedItems(config: FunctionConfig, fn: lambda.IFunction): cloudwatch.Alarm {
    const { failedItems } = BATCH_ALARM_RULES;
    const metric = new cloudwatch.Metric({
      namespace: metricsNamespace(this.service),
      metricName: FAILED_ITEMS_METRIC,
      dimensionsMap: { FunctionName: fn.functionName },
      period: failedItems.period,
      statistic: cloudwatch.Stats.SUM,
    });
    return this.alarm(config.name, 'failed-items', metric, failedItems, this.thresholds(config).failedItems ?? failedItems.threshold);
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

  /** The service's thresholds, then the function's own on top. */
  private thresholds(config: FunctionConfig): AlarmThresholds {
    checkThresholds(`function '${config.name}': alarmThresholds`, config.alarmThresholds);
    return { ...this.service.alarmThresholds, ...config.alarmThresholds };
  }

  private alarm(name: string, what: string, metric: cloudwatch.IMetric, rule: AlarmRule, threshold = rule.threshold): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this.stack, `${pascalCase(name)}${pascalCase(what)}Alarm`, {
      alarmName: `${this.stack.stackName}-${name}-${what}`,
      alarmDescription: `${this.stack.stackName} ${name}: ${rule.description}, ${when(rule, threshold)}`,
      metric,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: rule.evaluationPeriods,
      datapointsToAlarm: rule.datapointsToAlarm,
      // No invocations means no datapoints, which is healthy.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.created.push(alarm);
    return alarm;
  }
}

/** "at least 1 in 5 minutes", "at least 0.05 in each of 2 consecutive 5-minute periods". */
function when(rule: AlarmRule, threshold: number): string {
  const minutes = rule.period.toMinutes();
  if (rule.evaluationPeriods === 1) {
    return `at least ${threshold} in ${minutes} minutes`;
  }
  const periods = `${rule.evaluationPeriods} consecutive ${minutes}-minute periods`;
  return rule.datapointsToAlarm === rule.evaluationPeriods
    ? `at least ${threshold} in each of ${periods}`
    : `at least ${threshold} in ${rule.datapointsToAlarm} of ${periods}`;
}

/** The default p99 latency threshold of a function: the budget, or half its timeout if that is less. */
export function defaultLatencyMilliseconds(config: FunctionConfig): number {
  return Math.min(HTTP_ALARM_RULES.latencyP99.threshold, LATENCY_TIMEOUT_SHARE * config.timeoutSeconds * 1000);
}

/** Throws unless every threshold given is in its range (service-config.ts is edited by hand). */
function checkThresholds(where: string, thresholds: AlarmThresholds | undefined): void {
  const { serverErrorRate, latencyP99Milliseconds, failedItems } = thresholds ?? {};
  if (serverErrorRate !== undefined && !(serverErrorRate > 0 && serverErrorRate <= 1)) {
    throw new Error(`${where}.serverErrorRate must be a share of requests above 0 and at most 1 (0.05 = 5%), got ${serverErrorRate}`);
  }
  if (latencyP99Milliseconds !== undefined && !(latencyP99Milliseconds > 0)) {
    throw new Error(`${where}.latencyP99Milliseconds must be above 0, got ${latencyP99Milliseconds}`);
  }
  if (failedItems !== undefined && !(Number.isInteger(failedItems) && failedItems >= 1)) {
    throw new Error(`${where}.failedItems must be a whole number of items, at least 1, got ${failedItems}`);
  }
}

/** The topic of `notify`: an existing one, or the stack's own (`AlarmTopic`). */
function alarmTopic(stack: Stack, notify: AlarmNotify): sns.ITopic {
  if ('topicArn' in notify) {
    return existingTopic(stack, notify.topicArn);
  }
  return createAlarmTopic(stack, notify.emails);
}

/** An existing topic; CloudWatch alarms only publish to a topic of their own region. */
function existingTopic(stack: Stack, topicArn: string): sns.ITopic {
  // arn:<partition>:sns:<region>:<account>:<topic name>: the name is the ARN's resource.
  const { service, region, resource } = Arn.split(topicArn, ArnFormat.NO_RESOURCE_NAME);
  if (service !== 'sns' || !resource || resource.endsWith('.fifo')) {
    throw new Error(`alarmNotify.topicArn must be the ARN of a standard SNS topic, got '${topicArn}'`);
  }
  if (!Token.isUnresolved(stack.region) && region !== stack.region) {
    throw new Error(`alarmNotify.topicArn is in ${region}, the stack in ${stack.region}: alarms only notify topics of their own region`);
  }
  return sns.Topic.fromTopicArn(stack, 'AlarmTopic', topicArn);
}

/**
 * `AlarmTopic`: TLS only, encrypted with `AlarmTopicKey`, a customer managed
 * key with rotation. Not the AWS managed alias/aws/sns key: its key policy
 * cannot be changed to let CloudWatch use it, and CloudWatch cannot publish to
 * a topic whose key it may not use. The key and the topic let CloudWatch in
 * for alarms of this account and region only, and for nothing but publishing.
 * Each address in `emails` is subscribed (and must confirm).
 */
function createAlarmTopic(stack: Stack, emails: readonly string[]): sns.Topic {
  const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  const fromThisAccountsAlarms = {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: {
      'aws:SourceArn': stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: '*',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    },
  };
  const key = new kms.Key(stack, 'AlarmTopicKey', {
    description: `${stack.stackName}: encrypts the messages of the alarm topic`,
    enableKeyRotation: true,
    // It protects only messages in transit through the topic: nothing kept needs it once the stack is gone.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarmsEncryptForTheAlarmTopic',
    principals: [cloudWatch],
    actions: CLOUDWATCH_KEY_ACTIONS,
    resources: ['*'], // in a key policy, "*" is this key
    conditions: fromThisAccountsAlarms,
  }));
  const topic = new sns.Topic(stack, 'AlarmTopic', {
    displayName: `${stack.stackName} alarms`,
    masterKey: key,
    enforceSSL: true,
  });
  // The topic policy enforceSSL creates replaces SNS's default one, which let
  // the account's services (CloudWatch among them) publish.
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarmsPublish',
    principals: [cloudWatch],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: fromThisAccountsAlarms,
  }));
  for (const email of emails) {
    topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
  return topic;
}
