import { CfnOutput } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { SnsFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { encryptedTopic } from '../services';
import { asyncDeadLetterQueue, serviceResource } from './shared';
import type { KindContext } from './types';

/**
 * The function is subscribed to a topic (TLS only, encrypted with the AWS
 * managed key alias/aws/sns):
 * - `source: 'service'`: the `sns` service's topic, which the functions
 *   listing `sns` publish to;
 * - `own`: a topic of its own. Output: `<Name>TopicArn`.
 * What SNS cannot deliver, and what fails after Lambda's retries, lands in
 * `<Name>DeadLetterQueue`. Output: `<Name>DeadLetterQueueUrl`.
 */
export function wireSns(ctx: KindContext<SnsFunctionConfig>): void {
  const { config, target } = ctx;
  const topic = config.source === 'service' ? serviceResource(ctx, 'sns', ctx.resources.topic) : ownTopic(ctx);
  const dlq = asyncDeadLetterQueue(ctx, 'notifications SNS could not deliver or whose invocation failed');
  topic.addSubscription(new subscriptions.LambdaSubscription(target, { deadLetterQueue: dlq }));
}

function ownTopic(ctx: KindContext<SnsFunctionConfig>): sns.Topic {
  const { stack, service, config } = ctx;
  const topic = encryptedTopic(stack, `${pascalCase(config.name)}Topic`, `${service.projectName} ${config.name}`);
  new CfnOutput(stack, exposedId(config.name, 'TopicArn'), {
    description: `Topic of the ${config.name} function: its notifications trigger it`,
    value: topic.topicArn,
  });
  return topic;
}
