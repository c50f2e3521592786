import { CfnOutput } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type { DynamoDbStreamFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { KEYED_TABLE } from '../services';
import { streamSourceOptions } from './shared';
import type { KindContext } from './types';

/**
 * A table of the function's own (PK/SK strings, on demand, point-in-time
 * recovery, retained) whose stream (NEW_AND_OLD_IMAGES) the function reads
 * with the stream settings of lib/kinds/shared.ts. Outputs: `<Name>TableName`,
 * `<Name>DeadLetterQueueUrl`.
 */
export function wireDynamoDbStream(ctx: KindContext<DynamoDbStreamFunctionConfig>): void {
  const { stack, config, fn } = ctx;
  const table = new dynamodb.TableV2(stack, `${pascalCase(config.name)}Table`, {
    ...KEYED_TABLE,
    dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
  });
  fn.addEventSource(new sources.DynamoEventSource(table, streamSourceOptions(ctx)));

  new CfnOutput(stack, exposedId(config.name, 'TableName'), {
    description: `Table of the ${config.name} function: its changes trigger it`,
    value: table.tableName,
  });
}
