import { RemovalPolicies, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type { ServiceConfig, StageConfig, StageRemovalPolicy } from './config-types';

/** A stage name: lowercase letters and digits, starting with a letter (part of the stack name). */
const STAGE_NAME = /^[a-z][a-z0-9]*$/;

/** The resources a stage's `removalPolicy` decides about: its data and its logs. */
export const STAGE_DATA_TYPES = [
  'AWS::DynamoDB::GlobalTable',
  'AWS::DynamoDB::Table',
  'AWS::Cognito::UserPool',
  'AWS::Logs::LogGroup',
];

/** One stack of the app: its name, its stage (none without stages) and the settings it is built with. */
export interface StageStack {
  stackName: string;
  stage?: StageConfig;
  config: ServiceConfig;
}

/**
 * The service stacks to build: one per stage (`<projectName>-<stage>`), or
 * only `only`'s (the CDK context `stage`, which the Makefile's STAGE sets);
 * without stages, one stack named `projectName`, as before stages existed.
 */
export function stageStacks(config: ServiceConfig, only?: string): StageStack[] {
  const stages = config.stages ?? [];
  checkStages(stages);
  if (stages.length === 0) {
    if (only !== undefined && only !== '') {
      throw new Error(`stage '${only}' asked for, but this project has no stages (stages in lib/service-config.ts)`);
    }
    return [{ stackName: config.projectName, config }];
  }
  const chosen = only === undefined || only === '' ? stages : stages.filter((s) => s.name === only);
  if (chosen.length === 0) {
    throw new Error(`unknown stage '${only}'; the stages are ${stages.map((s) => s.name).join(', ')}`);
  }
  return chosen.map((stage) => ({
    stackName: `${config.projectName}-${stage.name}`,
    stage,
    config: configForStage(config, stage),
  }));
}

/** The service's settings with a stage's in their place. */
export function configForStage(config: ServiceConfig, stage: StageConfig): ServiceConfig {
  return {
    ...config,
    alarms: stage.alarms ?? config.alarms,
    logRetentionDays: stage.logRetentionDays ?? config.logRetentionDays,
    logLevel: stage.logLevel ?? config.logLevel,
    deployment: stage.deployment ?? config.deployment,
    functions: config.functions.map((fn) => ({
      ...fn,
      memorySize: stage.memorySize ?? fn.memorySize,
      provisionedConcurrency: stage.provisionedConcurrency ?? fn.provisionedConcurrency,
    })),
  };
}

/** Retains or destroys the stack's tables, user pool and log groups when the stack is deleted. */
export function applyStageRemovalPolicy(stack: Stack, policy: StageRemovalPolicy): void {
  const removal: Record<StageRemovalPolicy, RemovalPolicy> = { retain: RemovalPolicy.RETAIN, destroy: RemovalPolicy.DESTROY };
  if (!(policy in removal)) {
    throw new Error(`stage removalPolicy '${String(policy)}' must be 'retain' or 'destroy'`);
  }
  RemovalPolicies.of(stack).apply(removal[policy], { applyToResourceTypes: STAGE_DATA_TYPES });
}

function checkStages(stages: readonly StageConfig[]): void {
  const seen = new Set<string>();
  for (const stage of stages) {
    if (!STAGE_NAME.test(stage.name)) {
      throw new Error(`stage name '${stage.name}' must be lowercase letters and digits, starting with a letter`);
    }
    if (seen.has(stage.name)) {
      throw new Error(`stage '${stage.name}' is listed twice`);
    }
    seen.add(stage.name);
  }
}
