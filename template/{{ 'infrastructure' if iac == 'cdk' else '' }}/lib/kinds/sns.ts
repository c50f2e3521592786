import { CfnOutput } from 'aws-cdk-lib';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { SnsFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { encryptedTopic } from '../services';
import { asyncDeadLetterQueue } from './shared';
import type { KindContext } from './types';

/**
 * A topic of the function's own (TLS only, encrypted with the AWS managed key
 * alias/aws/sns, as the `sns` service's topic) with the function subscribed.
 * What SNS cannot deliver, and what fails after Lambda's retries, lands in
 * `<Name>DeadLetterQueue`. Outputs: `<Name>TopicArn`, `<Name>DeadLetterQueueUrl`.
 */
export function wireSns(ctx: KindContext<SnsFunctionConfig>): void {
  const { stack, service, config, fn } = ctx;
  const topic = encryptedTopic(stack, `${pascalCase(config.name)}Topic`, `${service.projectName} ${config.name}`);

  const dlq = asyncDeadLetterQueue(ctx, 'notifications SNS could not deliver or whose invocation failed');
  topic.addSubscription(new subscriptions.LambdaSubscription(fn, { deadLetterQueue: dlq }));

  new CfnOutput(stack, exposedId(config.name, 'TopicArn'), {
    description: `Topic of the ${config.name} function: its notifications trigger it`,
    value: topic.topicArn,
  });
}
