// The idempotency table: where the `sqs` and `eventbridge` functions with `idempotency: true`
// record the message and event ids they processed (internal/idempotency), so that a repeat
// delivery is skipped. One table for the stack, created by the first such function.
import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/** The environment variable naming the table, as internal/idempotency reads it. */
export const IDEMPOTENCY_ENV = 'IDEMPOTENCY_TABLE_NAME';

/** The record's key and TTL attributes, as internal/idempotency (and Powertools) name them. */
export const IDEMPOTENCY_KEY = 'id';
export const IDEMPOTENCY_TTL = 'expiration';

/**
 * What internal/idempotency calls: a conditional PutItem to claim an id (a
 * failed claim returns the record, so no GetItem), UpdateItem to store the
 * result, DeleteItem to release the claim when processing fails.
 */
export const IDEMPOTENCY_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/**
 * The stack's idempotency table (`IdempotencyTable`): key `id`, TTL on
 * `expiration`, on demand, point-in-time recovery like the stack's other
 * tables. Destroyed with the stack: its records only matter for the hour
 * after a delivery.
 */
export function idempotencyTableOf(stack: Stack): dynamodb.TableV2 {
  const existing = stack.node.tryFindChild('IdempotencyTable');
  if (existing !== undefined) return existing as dynamodb.TableV2;
  const table = new dynamodb.TableV2(stack, 'IdempotencyTable', {
    partitionKey: { name: IDEMPOTENCY_KEY, type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: IDEMPOTENCY_TTL,
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  new CfnOutput(stack, 'IdempotencyTableName', { description: `Idempotency records (${IDEMPOTENCY_ENV})`, value: table.tableName });
  return table;
}

/** Gives `fn` the idempotency table: its name in IDEMPOTENCY_TABLE_NAME and IDEMPOTENCY_ACTIONS on it only. */
export function connectIdempotency(stack: Stack, fn: lambda.Function): void {
  const table = idempotencyTableOf(stack);
  iam.Grant.addToPrincipal({ grantee: fn, actions: IDEMPOTENCY_ACTIONS, resourceArns: [table.tableArn] });
  fn.addEnvironment(IDEMPOTENCY_ENV, table.tableName);
}
