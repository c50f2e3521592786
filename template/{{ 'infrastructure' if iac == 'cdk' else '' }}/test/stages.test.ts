// Stages (lib/stages.ts) and gradual deploys (lib/deploys.ts): a stack per stage with its own
// settings, and every trigger on the live alias that CodeDeploy shifts.
import { Template } from 'aws-cdk-lib/assertions';
import type { ServiceConfig, StageConfig } from '../lib/config-types';
import { ServiceStack } from '../lib/service-stack';
import { serviceConfig } from '../lib/service-config';
import { STAGE_DATA_TYPES, stageStacks } from '../lib/stages';
import {
  type Props,
  fakeAssetRoot,
  fakeProjectRoot,
  fixture,
  kindFunction,
  newApp,
  resourcesOfType,
} from './helpers';

const STAGES: StageConfig[] = [
  { name: 'dev', removalPolicy: 'destroy', logRetentionDays: 7, memorySize: 128, deployment: { strategy: 'all-at-once' } },
  { name: 'prod', removalPolicy: 'retain', provisionedConcurrency: 2 },
];

/** The fixture's REST functions and a queue consumer, with every scaling setting. */
const staged: ServiceConfig = {
  ...fixture,
  stages: STAGES,
  deployment: { strategy: 'canary' },
  functions: [
    ...fixture.functions,
    kindFunction('sqs', { maxConcurrency: 5, reservedConcurrency: 20 }),
  ],
};

/** The templates of `config`'s stacks (only `stage`'s, when given), by stack name. */
function synthStages(config: ServiceConfig, stage?: string): Record<string, Template> {
  const app = newApp();
  const names = config.functions.map((f) => f.name);
  const stacks = stageStacks(config, stage).map(({ stackName, stage: stageConfig, config: stackConfig }) =>
    new ServiceStack(app, stackName, {
      config: stackConfig, stage: stageConfig, assetRoot: fakeAssetRoot(names), projectRoot: fakeProjectRoot(names),
    }));
  return Object.fromEntries(stacks.map((stack) => [stack.stackName, Template.fromStack(stack)]));
}

const { 'fixture-service-dev': dev, 'fixture-service-prod': prod } = synthStages(staged);

const ofType = (template: Template, type: string): Props[] => Object.values(resourcesOfType(template, type));

describe('stages', () => {
  test('one stack per stage, <project>-<stage>; the context picks one; none without stages', () => {
    expect(stageStacks(staged).map((s) => s.stackName)).toEqual(['fixture-service-dev', 'fixture-service-prod']);
    expect(stageStacks(staged, 'prod').map((s) => s.stackName)).toEqual(['fixture-service-prod']);
    expect(() => stageStacks(staged, 'qa')).toThrow("unknown stage 'qa'; the stages are dev, prod");
    expect(stageStacks(fixture).map((s) => [s.stackName, s.stage])).toEqual([['fixture-service', undefined]]);
    expect(() => stageStacks(fixture, 'dev')).toThrow('this project has no stages');
    expect(() => stageStacks({ ...fixture, stages: [STAGES[0], STAGES[0]] })).toThrow("stage 'dev' is listed twice");
    expect(() => stageStacks({ ...fixture, stages: [{ ...STAGES[0], name: 'Dev' }] })).toThrow('lowercase letters and digits');
  });

  test('dev throws its data and logs away with its stack, prod keeps them', () => {
    for (const [template, policy] of [[dev, 'Delete'], [prod, 'Retain']] as const) {
      const kept = STAGE_DATA_TYPES.flatMap((type) => ofType(template, type));
      expect(kept.length).toBeGreaterThan(3);
      expect(new Set(kept.map((r) => r.DeletionPolicy))).toEqual(new Set([policy]));
    }
  });

  test("each stage's log retention, memory and provisioned concurrency", () => {
    const retention = (t: Template) => new Set(ofType(t, 'AWS::Logs::LogGroup').map((g) => g.Properties.RetentionInDays));
    expect([retention(dev), retention(prod)]).toEqual([new Set([7]), new Set([30])]);
    const memory = (t: Template) => ofType(t, 'AWS::Lambda::Function').map((f) => f.Properties.MemorySize).sort();
    expect(memory(dev)).toEqual([128, 128, 128]);
    expect(memory(prod)).toEqual([128, 256, 256]);
    const warm = (t: Template) => ofType(t, 'AWS::Lambda::Alias').map((a) => a.Properties.ProvisionedConcurrencyConfig);
    expect(warm(dev)).toEqual([undefined, undefined, undefined]);
    expect(warm(prod)).toEqual(Array(3).fill({ ProvisionedConcurrentExecutions: 2 }));
  });

  test('the generated config names its stages in promotion order, the last one retained', () => {
    const stages = serviceConfig.stages ?? [];
    if (stages.length === 0) return; // a project without stages (answer stages empty)
    expect(stages[stages.length - 1].removalPolicy).toBe('retain');
    expect(stageStacks(serviceConfig).map((s) => s.stackName)).toEqual(stages.map((s) => `${serviceConfig.projectName}-${s.name}`));
  });
});

describe('gradual deploys', () => {
  test('every trigger invokes the live alias of the version the deploy publishes', () => {
    const aliases = resourcesOfType(prod, 'AWS::Lambda::Alias');
    expect(Object.values(aliases).map((a) => a.Properties.Name)).toEqual(['live', 'live', 'live']);
    expect(ofType(prod, 'AWS::Lambda::Version')).toHaveLength(3);
    const permissions = ofType(prod, 'AWS::Lambda::Permission');
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) {
      expect(Object.keys(aliases)).toContain(permission.Properties.FunctionName.Ref);
    }
    const [mapping] = ofType(prod, 'AWS::Lambda::EventSourceMapping');
    expect(JSON.stringify(mapping.Properties.FunctionName)).toMatch(/LiveAlias.*:live/);
    expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 5 });
    const reserved = ofType(prod, 'AWS::Lambda::Function').map((f) => f.Properties.ReservedConcurrentExecutions);
    expect(reserved.sort()).toEqual([20, undefined, undefined]);
  });

  test('prod shifts by canary and rolls back on the alarms; dev all at once', () => {
    expect(ofType(dev, 'AWS::CodeDeploy::DeploymentGroup')).toEqual([]);
    expect(ofType(dev, 'AWS::Lambda::Alias').map((a) => a.UpdatePolicy)).toEqual([undefined, undefined, undefined]);
    const groups = ofType(prod, 'AWS::CodeDeploy::DeploymentGroup');
    expect(groups).toHaveLength(3);
    const alarms = resourcesOfType(prod, 'AWS::CloudWatch::Alarm');
    for (const group of groups) {
      expect(group.Properties.DeploymentConfigName).toBe('CodeDeployDefault.LambdaCanary10Percent5Minutes');
      expect(group.Properties.AutoRollbackConfiguration.Events.sort()).toEqual(
        ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST']);
      const watched = group.Properties.AlarmConfiguration.Alarms.map((a: Props) => alarms[a.Name.Ref].Properties.MetricName);
      expect(watched).toContain('Errors');
    }
    // Errors for all three, p99 duration for the two REST functions, each on its alias.
    const metrics = Object.values(alarms).map((a) => a.Properties.MetricName).sort();
    expect(metrics).toEqual(['Duration', 'Duration', 'Errors', 'Errors', 'Errors']);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.Dimensions).toContainEqual(expect.objectContaining({ Name: 'Resource' }));
    }
  });

  test('linear with its own steps; none keeps the triggers on the function, without alias or version', () => {
    const linear = synthStages({ ...staged, stages: [], deployment: { strategy: 'linear', percentage: 20, intervalMinutes: 2 } });
    const [config] = ofType(linear['fixture-service'], 'AWS::CodeDeploy::DeploymentConfig');
    expect(config.Properties.TrafficRoutingConfig).toEqual({
      Type: 'TimeBasedLinear', TimeBasedLinear: { LinearInterval: 2, LinearPercentage: 20 },
    });
    const none = synthStages({ ...fixture, functions: [kindFunction('sqs')] })['fixture-service'];
    expect(ofType(none, 'AWS::Lambda::Alias')).toEqual([]);
    expect(ofType(none, 'AWS::Lambda::Version')).toEqual([]);
    const [mapping] = ofType(none, 'AWS::Lambda::EventSourceMapping');
    expect(Object.keys(mapping.Properties.FunctionName)).toEqual(['Ref']);
    expect(() => synthStages({ ...fixture, functions: [kindFunction('sqs', { provisionedConcurrency: 1 })] }))
      .toThrow("provisionedConcurrency needs the live alias");
  });
});
