import { Aspects, CfnResource, type IAspect, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag's AwsSolutions rules, as a CDK policy validation plugin: every synth
 * reports each finding that is not acknowledged, and fails on errors. The
 * report is also written to `cdk.out/validation-report.json`.
 *
 * Accept a finding next to the construct it is about, one rule per call, with
 * the id the report prints and a reason a reviewer can check:
 *
 *   Validations.of(construct).acknowledge({ id: 'AwsSolutions::AwsSolutions-APIG3', reason: '...' });
 *
 * The acknowledged findings stay in the report (`suppressedViolations`, with
 * their reasons).
 */
export function addComplianceChecks(app: IConstruct): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Accepts a finding of checkov (an independent scanner: `checkov -d cdk.out
 * --framework cloudformation`) on the CloudFormation resource of `construct`,
 * with a reason a reviewer can check. The reason travels with the resource,
 * in its `Metadata.checkov.skip`, and checkov's report shows it. Metadata is
 * added, never replaced, so CDK's `aws:cdk:path` stays.
 */
export function skipCheckov(construct: IConstruct, id: string, reason: string): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`skipCheckov(${id}): ${construct.node.path} has no CloudFormation resource of its own`);
  }
  const skips = (resource.getMetadata('checkov') as { skip: { id: string; comment: string }[] } | undefined)?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...skips.filter((s) => s.id !== id), { id, comment: reason }] });
}

/**
 * The checkov findings that every resource of a type shares, whoever created
 * it (this app, or CDK for its own deploy-time handlers), each skipped with
 * its reason by `skipCheckov`. Findings of one resource are skipped where it
 * is created.
 */
export function explainCheckovFindings(scope: IConstruct): void {
  Aspects.of(scope).add(new CheckovReasons());
}

class CheckovReasons implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof sqs.CfnQueue && node.sqsManagedSseEnabled === true && node.kmsMasterKeyId === undefined) {
      skipCheckov(node, 'CKV_AWS_27',
        'Encrypted at rest with SQS managed keys (SqsManagedSseEnabled: true), which this checkov rule does ' +
        'not read: it only looks for KmsMasterKeyId. Use encryption: QueueEncryption.KMS where policy asks ' +
        'for a customer managed key.');
    } else if (node instanceof logs.CfnLogGroup && node.kmsKeyId === undefined) {
      skipCheckov(node, 'CKV_AWS_158',
        'CloudWatch Logs encrypts log data at rest by default, and nothing here logs personal data or ' +
        'secrets; associate a KMS key (encryptionKey) where policy asks for a customer managed one.');
    } else if (node instanceof lambda.CfnPermission && node.principal === 'elasticloadbalancing.amazonaws.com' &&
      node.sourceArn === undefined) {
      skipCheckov(node, 'CKV_AWS_364',
        'A load balancer\'s target group (CDK\'s LambdaTarget): a SourceArn naming the target group would ' +
        'make the two depend on each other, a cycle CloudFormation refuses, since the target group needs ' +
        'the permission before it registers the function. ELB invokes a function only for the target ' +
        'groups that register it, which this stack alone creates.');
    } else if (node instanceof CfnResource && !(node instanceof lambda.CfnFunction) &&
      node.cfnResourceType === 'AWS::Lambda::Function') {
      // CDK's own handlers (custom resource providers, the bucket notifications handler): plain
      // CfnResources, unlike the app's functions. CloudFormation alone invokes them, at deploy.
      const deployTime = 'A handler of CDK itself that only CloudFormation invokes, while deploying';
      skipCheckov(node, 'CKV_AWS_115', `${deployTime}: one run at a time, so no concurrency to reserve.`);
      skipCheckov(node, 'CKV_AWS_116', `${deployTime}: CloudFormation reports its failures, no DLQ would see them.`);
      skipCheckov(node, 'CKV_AWS_117', `${deployTime}: it calls AWS APIs only, which need no VPC.`);
    }
  }
}
