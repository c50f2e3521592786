import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { SqsFunctionConfig } from '../config-types';
import { connectIdempotency } from '../idempotency';
import { exposedId, pascalCase } from '../naming';
import { VISIBILITY_TIMEOUT_FACTOR, encryptedQueue } from '../services';
import { checkRange, deadLetterQueue, serviceResource } from './shared';
import type { KindContext } from './types';

export { VISIBILITY_TIMEOUT_FACTOR };

/** FIFO queues: high throughput, each message group deduplicated and throttled on its own. */
export const FIFO_QUEUE: sqs.QueueProps = {
  fifo: true,
  contentBasedDeduplication: true,
  deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
  fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
};

/**
 * The function reads its queue in batches with partial batch responses: a
 * message the handler reports as failed comes back, and after
 * `maxReceiveCount` receives moves to the dead-letter queue.
 * - `source: 'service'`: the `sqs` service's queue (lib/services.ts sizes its
 *   visibility timeout and redrive for this function), which the functions
 *   listing `sqs` send to.
 * - `own`: a queue of its own (SQS-managed encryption, TLS only, visibility
 *   timeout 6x the function timeout) and `<Name>DeadLetterQueue`, both FIFO
 *   with `fifo`. Outputs: `<Name>QueueUrl`, `<Name>DeadLetterQueueUrl`.
 */
export function wireSqs(ctx: KindContext<SqsFunctionConfig>): void {
  const { config, fn } = ctx;
  checkRange(config, 'maxBatchingWindowSeconds', config.maxBatchingWindowSeconds, 0, config.fifo ? 0 : 300);
  // SQS allows more than 10 messages per batch only with a batching window (never for FIFO).
  checkRange(config, 'batchSize', config.batchSize, 1, config.maxBatchingWindowSeconds > 0 ? 10000 : 10);
  checkRange(config, 'maxReceiveCount', config.maxReceiveCount, 1, 1000);
  if (config.fifo && config.source === 'service') {
    throw new Error(`function '${config.name}': fifo needs a queue of its own (source 'own'); the sqs service's queue is a standard queue`);
  }

  const queue = config.source === 'service'
    ? serviceResource(ctx, 'sqs', ctx.resources.queue, 'its readers would compete for its messages')
    : ownQueue(ctx);
  if (config.maxConcurrency !== undefined) {
    checkRange(config, 'maxConcurrency', config.maxConcurrency, 2, 1000);
  }
  ctx.target.addEventSource(new sources.SqsEventSource(queue, {
    batchSize: config.batchSize,
    maxConcurrency: config.maxConcurrency,
    maxBatchingWindow: config.maxBatchingWindowSeconds > 0 ? Duration.seconds(config.maxBatchingWindowSeconds) : undefined,
    reportBatchItemFailures: true,
  }));
  ctx.alarms?.failedItems(config, fn);
  if (config.idempotency) {
    connectIdempotency(ctx.stack, fn);
  }
}

/** The function's own queue and dead-letter queue, with their outputs. */
function ownQueue(ctx: KindContext<SqsFunctionConfig>): sqs.Queue {
  const { stack, config } = ctx;
  const fifo = config.fifo ? FIFO_QUEUE : {};
  const dlq = deadLetterQueue(ctx, `messages received ${config.maxReceiveCount} times without success`, fifo);
  const queue = encryptedQueue(stack, `${pascalCase(config.name)}Queue`, {
    ...fifo,
    visibilityTimeout: Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * config.timeoutSeconds),
    deadLetterQueue: { queue: dlq, maxReceiveCount: config.maxReceiveCount },
  });
  new CfnOutput(stack, exposedId(config.name, 'QueueUrl'), {
    description: `Queue of the ${config.name} function`,
    value: queue.queueUrl,
  });
  return queue;
}
