import { Validations } from 'aws-cdk-lib';
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
