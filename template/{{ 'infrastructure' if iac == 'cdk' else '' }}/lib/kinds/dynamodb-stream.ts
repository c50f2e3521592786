import { CfnOutput } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type { DynamoDbStreamFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { KEYED_TABLE } from '../services';
import { serviceResource, streamSourceOptions } from './shared';
import type { KindContext } from './types';

/**
 * The function reads a table's stream (NEW_AND_OLD_IMAGES) with the stream
 * settings of lib/kinds/shared.ts:
 * - `source: 'service'`: the `dynamodb` service's table, which the functions
 *   listing `dynamodb` write to (lib/services.ts gives it the stream);
 * - `own`: a table of its own (PK/SK strings, on demand, point-in-time
 *   recovery, retained). Output: `<Name>TableName`.
 * Output: `<Name>DeadLetterQueueUrl`.
 */
export function wireDynamoDbStream(ctx: KindContext<DynamoDbStreamFunctionConfig>): void {
  const { config, target } = ctx;
  const table = config.source === 'service' ? serviceResource(ctx, 'dynamodb', ctx.resources.table) : ownTable(ctx);
  target.addEventSource(new sources.DynamoEventSource(table, streamSourceOptions(ctx)));
}

function ownTable(ctx: KindContext<DynamoDbStreamFunctionConfig>): dynamodb.TableV2 {
  const { stack, config } = ctx;
  const table = new dynamodb.TableV2(stack, `${pascalCase(config.name)}Table`, {
    ...KEYED_TABLE,
    dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
  });
  new CfnOutput(stack, exposedId(config.name, 'TableName'), {
    description: `Table of the ${config.name} function: its changes trigger it`,
    value: table.tableName,
  });
  return table;
}
