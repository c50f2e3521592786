import { CfnResource, Validations } from 'aws-cdk-lib';
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
