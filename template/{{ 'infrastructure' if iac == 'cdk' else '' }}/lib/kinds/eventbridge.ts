import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { EventBridgeFunctionConfig } from '../config-types';
import { pascalCase } from '../naming';
import { TARGET_RETRY_ATTEMPTS, asyncDeadLetterQueue, checkStrings } from './shared';
import type { KindContext } from './types';

/**
 * A rule on the account's default event bus matching `eventPattern` (source
 * and detail-type), targeting the function. Events EventBridge cannot deliver
 * after TARGET_RETRY_ATTEMPTS retries, and those whose invocation fails after
 * Lambda's retries, land in `<Name>DeadLetterQueue`.
 */
export function wireEventBridge(ctx: KindContext<EventBridgeFunctionConfig>): void {
  const { stack, service, config, fn } = ctx;
  checkStrings(config, 'eventPattern.source', config.eventPattern?.source);
  checkStrings(config, 'eventPattern.detailType', config.eventPattern?.detailType);

  const dlq = asyncDeadLetterQueue(ctx, 'events EventBridge could not deliver or whose invocation failed');
  new events.Rule(stack, `${pascalCase(config.name)}Rule`, {
    description: `${service.projectName}: ${config.name} function`,
    eventPattern: { source: config.eventPattern.source, detailType: config.eventPattern.detailType },
    targets: [new targets.LambdaFunction(fn, { deadLetterQueue: dlq, retryAttempts: TARGET_RETRY_ATTEMPTS })],
  });
}
