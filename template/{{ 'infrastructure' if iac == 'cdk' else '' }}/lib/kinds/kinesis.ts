import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type { KinesisFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { streamSourceOptions } from './shared';
import type { KindContext } from './types';

/**
 * A Kinesis data stream of the function's own: one provisioned shard
 * (1 MB/s or 1000 records/s in; cheaper than on-demand at low volume),
 * records kept 24 hours, encrypted with the AWS managed key alias/aws/kinesis.
 * The function reads it with the stream settings of lib/kinds/shared.ts.
 * Outputs: `<Name>StreamName`, `<Name>DeadLetterQueueUrl`.
 */
export function wireKinesis(ctx: KindContext<KinesisFunctionConfig>): void {
  const { stack, config, fn } = ctx;
  const stream = new kinesis.Stream(stack, `${pascalCase(config.name)}Stream`, {
    streamMode: kinesis.StreamMode.PROVISIONED,
    shardCount: 1,
    retentionPeriod: Duration.hours(24),
    encryption: kinesis.StreamEncryption.MANAGED,
  });
  fn.addEventSource(new sources.KinesisEventSource(stream, streamSourceOptions(ctx)));

  new CfnOutput(stack, exposedId(config.name, 'StreamName'), {
    description: `Kinesis stream of the ${config.name} function: its records trigger it`,
    value: stream.streamName,
  });
}
