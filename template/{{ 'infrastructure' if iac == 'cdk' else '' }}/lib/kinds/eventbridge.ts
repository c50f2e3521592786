import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { EventBridgeFunctionConfig } from '../config-types';
import { connectIdempotency } from '../idempotency';
import { pascalCase } from '../naming';
import { TARGET_RETRY_ATTEMPTS, asyncDeadLetterQueue, checkStrings, serviceResource } from './shared';
import type { KindContext } from './types';

/**
 * A rule matching `eventPattern` (source and detail-type), targeting the
 * function, on an event bus:
 * - `source: 'service'`: the `eventbridge` service's bus, which the functions
 *   listing `eventbridge` put events on;
 * - `own`: the account's default bus (AWS services' events arrive there).
 * Events EventBridge cannot deliver after TARGET_RETRY_ATTEMPTS retries, and
 * those whose invocation fails after Lambda's retries, land in
 * `<Name>DeadLetterQueue`.
 */
export function wireEventBridge(ctx: KindContext<EventBridgeFunctionConfig>): void {
  const { stack, service, config, fn, target } = ctx;
  checkStrings(config, 'eventPattern.source', config.eventPattern?.source);
  checkStrings(config, 'eventPattern.detailType', config.eventPattern?.detailType);

  const dlq = asyncDeadLetterQueue(ctx, 'events EventBridge could not deliver or whose invocation failed');
  const eventBus = config.source === 'service' ? serviceResource(ctx, 'eventbridge', ctx.resources.eventBus) : undefined;
  new events.Rule(stack, `${pascalCase(config.name)}Rule`, {
    description: `${service.projectName}: ${config.name} function`,
    eventBus,
    eventPattern: { source: config.eventPattern.source, detailType: config.eventPattern.detailType },
    targets: [new targets.LambdaFunction(target, { deadLetterQueue: dlq, retryAttempts: TARGET_RETRY_ATTEMPTS })],
  });
  if (config.idempotency) {
    connectIdempotency(stack, fn);
  }
}
