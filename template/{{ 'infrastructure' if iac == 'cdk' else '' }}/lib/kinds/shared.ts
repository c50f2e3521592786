// What several kinds share: checks of their settings, the encrypted dead-letter queue of a
// trigger (with its output and alarm), and the settings of the stream sources.
import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import type { ApiThrottle, FunctionConfig, Route, ServiceConfig, ServiceKey, StreamSourceConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { DEAD_LETTER_RETENTION, encryptedQueue, readersOfService } from '../services';
import type { KindContext } from './types';

/**
 * Lambda's own retries of an asynchronous invocation (S3, SNS, EventBridge and
 * schedules invoke asynchronously) before the event goes to the dead-letter queue.
 */
export const ASYNC_RETRY_ATTEMPTS = 2;

/** EventBridge's retries of a delivery to the function (throttled, function missing) before its dead-letter queue. */
export const TARGET_RETRY_ATTEMPTS = 3;

/** Throws unless `value` is an integer from `min` to `max`. */
export function checkRange(config: FunctionConfig, setting: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`function '${config.name}': ${setting} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/** Throws unless `value` is a non-empty list of non-empty strings. */
export function checkStrings(config: FunctionConfig, setting: string, value: readonly string[]): void {
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string' || v.length === 0)) {
    throw new Error(`function '${config.name}': ${setting} must be a non-empty list of non-empty strings`);
  }
}

/** The routes of an HTTP kind: at least one, each path absolute. */
export function checkRoutes(config: FunctionConfig & { routes: Route[] }): void {
  if (config.routes.length === 0) {
    throw new Error(`function '${config.name}': kind ${config.kind} needs at least one route`);
  }
  for (const route of config.routes) {
    if (!route.path.startsWith('/')) {
      throw new Error(`function '${config.name}': route path '${route.path}' must start with '/'`);
    }
  }
}

/**
 * `ServiceConfig.apiThrottle`, checked (API Gateway takes a positive rate,
 * which may be fractional, and a whole burst); undefined without it: the
 * account's limits only.
 */
export function apiThrottle(service: ServiceConfig): ApiThrottle | undefined {
  const throttle = service.apiThrottle;
  if (throttle === undefined) return undefined;
  if (!(Number.isFinite(throttle.rateLimit) && throttle.rateLimit > 0)) {
    throw new Error(`apiThrottle.rateLimit must be a positive number of requests per second, got ${throttle.rateLimit}`);
  }
  if (!(Number.isInteger(throttle.burstLimit) && throttle.burstLimit > 0)) {
    throw new Error(`apiThrottle.burstLimit must be a positive whole number of requests, got ${throttle.burstLimit}`);
  }
  return throttle;
}

/**
 * The project's resource of service `key` that a `source: 'service'`
 * function reads; throws when `services` lacks it or when `oneReader` and
 * another function of the kind reads it too.
 */
export function serviceResource<T>(ctx: KindContext, key: ServiceKey, resource: T | undefined, oneReader?: string): T {
  const { config, service } = ctx;
  if (resource === undefined) {
    throw new Error(`function '${config.name}': source 'service' reads the ${key} service's resource, but services does not list '${key}'`);
  }
  const readers = readersOfService(service, config.kind).map((f) => f.name);
  if (oneReader !== undefined && readers.length > 1) {
    throw new Error(`functions ${readers.join(', ')} all read the ${key} service's resource (${oneReader}): give all but one source 'own'`);
  }
  return resource;
}

/** Accepts one cdk-nag AwsSolutions finding on `construct`. */
export function acknowledge(construct: IConstruct, rule: string, reason: string): void {
  Validations.of(construct).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule}`, reason });
}

/**
 * The dead-letter queue of a function's trigger, `<Name>DeadLetterQueue`:
 * SQS-managed encryption, TLS only, messages kept 14 days. Output
 * `<Name>DeadLetterQueueUrl`; with alarms on, `<Name>DeadLettersAlarm` fires
 * on its first message. `holds` completes "Dead-letter queue of <fn>: ...";
 * `props` add to the queue's (a FIFO queue's needs a FIFO one).
 */
export function deadLetterQueue(ctx: KindContext, holds: string, props: sqs.QueueProps = {}): sqs.Queue {
  const { stack, config } = ctx;
  const queue = encryptedQueue(stack, `${pascalCase(config.name)}DeadLetterQueue`, { retentionPeriod: DEAD_LETTER_RETENTION, ...props });
  new CfnOutput(stack, exposedId(config.name, 'DeadLetterQueueUrl'), {
    description: `Dead-letter queue of the ${config.name} function: ${holds}`,
    value: queue.queueUrl,
  });
  ctx.alarms?.deadLetterQueue(config.name, queue);
  return queue;
}

/**
 * AwsSolutions-SQS3 asks every queue to have a dead-letter queue unless it is
 * one; it only recognizes a queue as one through another queue's redrive
 * policy, not as the destination of a Lambda, SNS or EventBridge failure.
 */
export function acknowledgeNotRedriveTarget(queue: sqs.Queue, usedBy: string): void {
  acknowledge(queue, 'SQS3',
    `This queue is itself a dead-letter queue: ${usedBy}. cdk-nag only recognizes a dead-letter queue ` +
    'through another queue\'s redrive policy; a dead-letter queue of its own would only move the problem.');
}

/**
 * A dead-letter queue for the events of an asynchronously invoked function
 * (S3, SNS, EventBridge, schedules): after Lambda's ASYNC_RETRY_ATTEMPTS
 * retries a failed invocation's event lands here (on-failure destination, with
 * the error), and the trigger can send what it fails to deliver here too.
 */
export function asyncDeadLetterQueue(ctx: KindContext, holds: string): sqs.Queue {
  const queue = deadLetterQueue(ctx, holds);
  ctx.target.configureAsyncInvoke({
    retryAttempts: ASYNC_RETRY_ATTEMPTS,
    onFailure: new destinations.SqsDestination(queue),
  });
  acknowledgeNotRedriveTarget(queue, `the on-failure destination of the ${ctx.config.name} function's asynchronous invocations`);
  return queue;
}

/** The settings a stream source checks: batch size, batching window, retries. */
export function checkStreamSource(config: FunctionConfig & StreamSourceConfig): void {
  checkRange(config, 'batchSize', config.batchSize, 1, 10000);
  checkRange(config, 'maxBatchingWindowSeconds', config.maxBatchingWindowSeconds, 0, 300);
  checkRange(config, 'retryAttempts', config.retryAttempts, 0, 10000);
}

/**
 * The options of a stream event source (DynamoDB stream, Kinesis): read from
 * the newest record, report failed records (the Go handler's
 * batchItemFailures), bisect a failing batch, retry `retryAttempts` times,
 * then send the batch's description (shard, sequence numbers; not the records)
 * to an encrypted dead-letter queue. With alarms on: iterator age and failed items.
 */
export function streamSourceOptions(ctx: KindContext<FunctionConfig & StreamSourceConfig>): sources.StreamEventSourceProps {
  const { config } = ctx;
  checkStreamSource(config);
  const dlq = deadLetterQueue(ctx, `descriptions of the batches that failed ${config.retryAttempts} retries`);
  acknowledgeNotRedriveTarget(dlq, `the on-failure destination of the ${config.name} function's stream event source mapping`);
  ctx.alarms?.iteratorAge(config.name, ctx.fn);
  ctx.alarms?.failedItems(config, ctx.fn);
  return {
    startingPosition: lambda.StartingPosition.LATEST,
    batchSize: config.batchSize,
    maxBatchingWindow: Duration.seconds(config.maxBatchingWindowSeconds),
    retryAttempts: config.retryAttempts,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    onFailure: new sources.SqsDlq(dlq),
  };
}
