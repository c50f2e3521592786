import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type { SqsFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { encryptedQueue } from '../services';
import { checkRange, deadLetterQueue } from './shared';
import type { KindContext } from './types';

/** The queue's visibility timeout, in function timeouts (AWS's advice for Lambda consumers). */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/**
 * A queue of the function's own (SQS-managed encryption, TLS only,
 * visibility timeout 6x the function timeout) read in batches with partial
 * batch responses: a message the handler reports as failed comes back, and
 * after `maxReceiveCount` receives moves to `<Name>DeadLetterQueue`.
 * Outputs: `<Name>QueueUrl`, `<Name>DeadLetterQueueUrl`.
 */
export function wireSqs(ctx: KindContext<SqsFunctionConfig>): void {
  const { stack, config, fn } = ctx;
  checkRange(config, 'maxBatchingWindowSeconds', config.maxBatchingWindowSeconds, 0, 300);
  // SQS allows more than 10 messages per batch only with a batching window.
  checkRange(config, 'batchSize', config.batchSize, 1, config.maxBatchingWindowSeconds > 0 ? 10000 : 10);
  checkRange(config, 'maxReceiveCount', config.maxReceiveCount, 1, 1000);

  const dlq = deadLetterQueue(ctx, `messages received ${config.maxReceiveCount} times without success`);
  const queue = encryptedQueue(stack, `${pascalCase(config.name)}Queue`, {
    visibilityTimeout: Duration.seconds(VISIBILITY_TIMEOUT_FACTOR * config.timeoutSeconds),
    deadLetterQueue: { queue: dlq, maxReceiveCount: config.maxReceiveCount },
  });
  fn.addEventSource(new sources.SqsEventSource(queue, {
    batchSize: config.batchSize,
    maxBatchingWindow: config.maxBatchingWindowSeconds > 0 ? Duration.seconds(config.maxBatchingWindowSeconds) : undefined,
    reportBatchItemFailures: true,
  }));
  ctx.alarms?.failedItems(config, fn);

  new CfnOutput(stack, exposedId(config.name, 'QueueUrl'), {
    description: `Queue of the ${config.name} function`,
    value: queue.queueUrl,
  });
}
