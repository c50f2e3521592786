import { type CfnElement, CfnOutput, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type { S3FunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { privateBucket } from '../services';
import { acknowledge, asyncDeadLetterQueue, serviceResource } from './shared';
import type { KindContext } from './types';

/** What the function may do with the objects it is notified of: read them. */
export const NOTIFIED_OBJECT_ACTIONS = ['s3:GetObject'];

/**
 * A bucket notifies the function of every object created under `prefix`,
 * and the function may read the objects under `prefix`:
 * - `source: 'service'`: the `s3` service's bucket, which the functions
 *   listing `s3` store objects in (one `s3` function per bucket: S3 rejects
 *   overlapping notifications);
 * - `own`: a bucket of its own (S3-managed encryption, all public access
 *   blocked, TLS only, versioned, retained, server access logs in the
 *   stack's `AccessLogsBucket` under `<name>/`). Output: `<Name>BucketName`.
 * Failed invocations land in `<Name>DeadLetterQueue`.
 */
export function wireS3(ctx: KindContext<S3FunctionConfig>): void {
  const { stack, config, fn, target } = ctx;
  if (typeof config.prefix !== 'string' || config.prefix.startsWith('/')) {
    throw new Error(`function '${config.name}': prefix must be a key prefix such as 'incoming/' (no leading '/'), or ''`);
  }
  const bucket = config.source === 'service'
    ? serviceResource(ctx, 's3', ctx.resources.bucket, 'S3 rejects overlapping notifications')
    : ownBucket(ctx);

  asyncDeadLetterQueue(ctx, 'object notifications whose invocation failed after Lambda\'s retries');
  bucket.addEventNotification(
    s3.EventType.OBJECT_CREATED,
    new s3n.LambdaDestination(target),
    ...(config.prefix ? [{ prefix: config.prefix }] : []),
  );

  acknowledgeNotificationsHandler(stack);

  // Narrower than bucket.grantRead (s3:GetObject*, s3:GetBucket*, s3:List*).
  const objects = bucket.arnForObjects(`${config.prefix}*`);
  iam.Grant.addToPrincipal({ grantee: fn, actions: NOTIFIED_OBJECT_ACTIONS, resourceArns: [objects] });
  const bucketId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement);
  acknowledge(fn.role ?? fn, `IAM5[Resource::<${bucketId}.Arn>/${config.prefix}*]`,
    `s3:GetObject applies to object ARNs and the function reads the objects it is notified of, whose keys ` +
    `are only known at run time: "<bucket>/${config.prefix}*" is the narrowest resource, the objects under ` +
    'the notification prefix of this one bucket.');

}

function ownBucket(ctx: KindContext<S3FunctionConfig>): s3.Bucket {
  const { stack, service, config } = ctx;
  const bucket = privateBucket(stack, `${pascalCase(config.name)}Bucket`, service, `${config.name}/`);
  new CfnOutput(stack, exposedId(config.name, 'BucketName'), {
    description: `Bucket of the ${config.name} function: objects created under '${config.prefix}' trigger it`,
    value: bucket.bucketName,
  });
  return bucket;
}

/**
 * S3 notifications of a bucket created in the same stack are set by CDK's
 * BucketNotificationsHandler, one custom resource Lambda per stack (it breaks
 * the bucket -> permission -> bucket dependency cycle of a plain
 * NotificationConfiguration). Its role is CDK's, with the managed
 * AWSLambdaBasicExecutionRole.
 */
function acknowledgeNotificationsHandler(stack: Stack): void {
  const handler = stack.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
  const role = handler?.node.tryFindChild('Role') as IConstruct | undefined;
  if (role === undefined) return;
  acknowledge(role, 'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'The role of CDK\'s BucketNotificationsHandler, the custom resource that sets the S3 notifications ' +
    '(it runs at deploy time only). CDK gives it AWSLambdaBasicExecutionRole (logs to its own log ' +
    'groups) and no way to pass another role; its only other permission is s3:PutBucketNotification.');
}
