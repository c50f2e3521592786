// The idempotency table (lib/idempotency.ts): created once for the functions with
// `idempotency: true`, which get its name and the three item actions internal/idempotency
// calls, on it only; absent otherwise.
import { IDEMPOTENCY_ACTIONS, IDEMPOTENCY_ENV } from '../lib/idempotency';
import {
  functionLogicalId,
  kindFunction,
  logicalId,
  resourcesOfType,
  roleLogicalId,
  serviceOf,
  statementsOfRole,
  synth,
} from './helpers';

describe('idempotent consumers', () => {
  const { stack, template } = synth(serviceOf(
    kindFunction('sqs', { idempotency: true }),
    kindFunction('eventbridge', { idempotency: true }),
    kindFunction('sqs', { name: 'plain' }),
  ));
  const tableId = logicalId(stack, 'IdempotencyTable');
  const resources = template.toJSON().Resources;

  test('one table: key id, TTL on expiration, on demand, point-in-time recovery, destroyed with the stack', () => {
    expect(Object.keys(resourcesOfType(template, 'AWS::DynamoDB::GlobalTable'))).toEqual([tableId]);
    expect(resources[tableId]).toMatchObject({
      DeletionPolicy: 'Delete',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        Replicas: [expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      },
    });
    expect(template.toJSON().Outputs.IdempotencyTableName.Value).toEqual({ Ref: tableId });
  });

  test.each(['processor', 'event-handler'])('%s: the table name and its item actions on the table only', (name) => {
    const env = resources[functionLogicalId(stack, name)].Properties.Environment.Variables;
    expect(env[IDEMPOTENCY_ENV]).toEqual({ Ref: tableId });
    const onTable = statementsOfRole(template, roleLogicalId(stack, name))
      .filter((st) => JSON.stringify(st.Resource).includes(tableId));
    expect(onTable).toEqual([expect.objectContaining({
      Effect: 'Allow',
      Action: [...IDEMPOTENCY_ACTIONS].sort(),
      Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
    })]);
  });

  test('a function without idempotency gets neither', () => {
    const env = resources[functionLogicalId(stack, 'plain')].Properties.Environment.Variables;
    expect(env).not.toHaveProperty(IDEMPOTENCY_ENV);
    expect(JSON.stringify(statementsOfRole(template, roleLogicalId(stack, 'plain')))).not.toContain(tableId);
  });
});

test('no idempotent function, no table', () => {
  const { template } = synth(serviceOf(kindFunction('sqs'), kindFunction('eventbridge')));
  expect(Object.keys(template.toJSON().Resources).filter((id) => id.startsWith('IdempotencyTable'))).toEqual([]);
  expect(template.toJSON().Outputs).not.toHaveProperty('IdempotencyTableName');
  expect(Object.keys(resourcesOfType(template, 'AWS::DynamoDB::GlobalTable'))).toEqual([]);
});
