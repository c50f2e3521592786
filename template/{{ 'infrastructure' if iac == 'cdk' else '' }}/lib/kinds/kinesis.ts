import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type { KinesisFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { serviceResource, streamSourceOptions } from './shared';
import type { KindContext } from './types';

/**
 * The function reads a Kinesis data stream with the stream settings of
 * lib/kinds/shared.ts:
 * - `source: 'service'`: the `kinesis` service's stream, which the functions
 *   listing `kinesis` put records on;
 * - `own`: a stream of its own: one provisioned shard (1 MB/s or 1000
 *   records/s in; cheaper than on-demand at low volume), records kept 24
 *   hours, encrypted with the AWS managed key alias/aws/kinesis. Output:
 *   `<Name>StreamName`.
 * Output: `<Name>DeadLetterQueueUrl`.
 */
export function wireKinesis(ctx: KindContext<KinesisFunctionConfig>): void {
  const { config, target } = ctx;
  const stream = config.source === 'service' ? serviceResource(ctx, 'kinesis', ctx.resources.stream) : ownStream(ctx);
  target.addEventSource(new sources.KinesisEventSource(stream, streamSourceOptions(ctx)));
}

function ownStream(ctx: KindContext<KinesisFunctionConfig>): kinesis.Stream {
  const { stack, config } = ctx;
  const stream = new kinesis.Stream(stack, `${pascalCase(config.name)}Stream`, {
    streamMode: kinesis.StreamMode.PROVISIONED,
    shardCount: 1,
    retentionPeriod: Duration.hours(24),
    encryption: kinesis.StreamEncryption.MANAGED,
  });
  new CfnOutput(stack, exposedId(config.name, 'StreamName'), {
    description: `Kinesis stream of the ${config.name} function: its records trigger it`,
    value: stream.streamName,
  });
  return stream;
}
