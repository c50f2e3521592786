import { Duration, type Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { defaultLatencyMilliseconds } from './alarms';
import type { DeploymentConfig, FunctionConfig, FunctionKind, ServiceConfig } from './config-types';
import { pascalCase } from './naming';

/** The alias every trigger invokes, unless the deployment strategy is `none`. */
export const LIVE_ALIAS = 'live';

/** The steps of canary and linear deployments without their own. */
export const DEFAULT_STEPS = {
  canary: { percentage: 10, intervalMinutes: 5 },
  linear: { percentage: 10, intervalMinutes: 1 },
} as const;

/** The kinds whose callers wait for the answer: a slower new version rolls back too. */
const LATENCY_KINDS: readonly FunctionKind[] = ['apigw-rest', 'apigw-http', 'alb', 'function-url'];

/** CodeDeploy's predefined configurations, by strategy, percentage and minutes: no resource of our own. */
const PREDEFINED: Record<string, codedeploy.ILambdaDeploymentConfig> = {
  'canary/10/5': codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  'canary/10/10': codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_10MINUTES,
  'canary/10/15': codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_15MINUTES,
  'canary/10/30': codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_30MINUTES,
  'linear/10/1': codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  'linear/10/2': codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_2MINUTES,
  'linear/10/3': codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_3MINUTES,
  'linear/10/10': codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_10MINUTES,
};

/** `ServiceConfig.deployment`, checked; absent: `none` (no alias). */
export function deploymentOf(service: ServiceConfig): DeploymentConfig {
  const deployment = service.deployment ?? { strategy: 'none' };
  const strategies: readonly string[] = ['none', 'all-at-once', 'canary', 'linear'];
  if (!strategies.includes(deployment.strategy)) {
    throw new Error(`deployment strategy '${deployment.strategy}' must be one of ${strategies.join(', ')}`);
  }
  const { percentage, intervalMinutes } = deployment;
  if (percentage !== undefined && !(Number.isInteger(percentage) && percentage >= 1 && percentage <= 99)) {
    throw new Error(`deployment percentage must be a whole number from 1 to 99, got ${percentage}`);
  }
  if (intervalMinutes !== undefined && !(Number.isInteger(intervalMinutes) && intervalMinutes >= 1 && intervalMinutes <= 2880)) {
    throw new Error(`deployment intervalMinutes must be a whole number from 1 to 2880, got ${intervalMinutes}`);
  }
  return deployment;
}

/**
 * What the function's triggers invoke: its `live` alias on the version this
 * deploy publishes (with `provisionedConcurrency` environments kept warm), or
 * the function itself with strategy `none`.
 */
export function liveTarget(stack: Stack, service: ServiceConfig, config: FunctionConfig, fn: lambda.Function): lambda.IFunction {
  const provisioned = config.provisionedConcurrency ?? 0;
  if (!(Number.isInteger(provisioned) && provisioned >= 0)) {
    throw new Error(`function '${config.name}': provisionedConcurrency must be a whole number, got ${provisioned}`);
  }
  if (deploymentOf(service).strategy === 'none') {
    if (provisioned > 0) {
      throw new Error(`function '${config.name}': provisionedConcurrency needs the live alias; set deployment to a strategy other than 'none'`);
    }
    return fn;
  }
  return new lambda.Alias(stack, `${pascalCase(config.name)}LiveAlias`, {
    aliasName: LIVE_ALIAS,
    version: fn.currentVersion,
    description: `What every trigger of ${config.name} invokes`,
    provisionedConcurrentExecutions: provisioned > 0 ? provisioned : undefined,
  });
}

/**
 * Canary and linear strategies: the CodeDeploy deployment group that shifts
 * the alias to each new version step by step (`<Name>Deployment`), rolled back
 * when the deploy fails or is stopped, or when one of the function's rollback
 * alarms goes off meanwhile, measured on the alias each minute:
 * - `<Name>DeploymentErrorsAlarm`: any failed invocation;
 * - `<Name>DeploymentLatencyAlarm` (HTTP kinds): p99 duration over the
 *   function's latency threshold (`alarmThresholds.latencyP99Milliseconds`,
 *   else lib/alarms.ts's default) in 2 of 3 minutes.
 * Not the API's or load balancer's own alarms: they watch a stage that
 * depends on the alias, whose update would then wait on them (a cycle).
 * With `notify` (the alarm topic, when alarms are on), both tell it too, so
 * that a rollback does not go unnoticed. Undefined for the other strategies.
 */
export function gradualDeployment(
  stack: Stack, service: ServiceConfig, config: FunctionConfig, target: lambda.IFunction, notify?: cloudwatch.IAlarmAction,
): codedeploy.LambdaDeploymentGroup | undefined {
  const deployment = deploymentOf(service);
  if (deployment.strategy !== 'canary' && deployment.strategy !== 'linear') {
    return undefined;
  }
  if (!(target instanceof lambda.Alias)) {
    throw new Error(`function '${config.name}': a ${deployment.strategy} deployment needs the live alias`);
  }
  const id = pascalCase(config.name);
  const errors = new cloudwatch.Alarm(stack, `${id}DeploymentErrorsAlarm`, {
    alarmName: `${stack.stackName}-${config.name}-deployment-errors`,
    alarmDescription: `${stack.stackName} ${config.name}: failed invocations of the live alias; rolls a deployment back`,
    metric: target.metricErrors({ period: Duration.minutes(1), statistic: cloudwatch.Stats.SUM }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const alarms: cloudwatch.Alarm[] = [errors];
  if (LATENCY_KINDS.includes(config.kind)) {
    const thresholds = { ...service.alarmThresholds, ...config.alarmThresholds };
    alarms.push(new cloudwatch.Alarm(stack, `${id}DeploymentLatencyAlarm`, {
      alarmName: `${stack.stackName}-${config.name}-deployment-latency`,
      alarmDescription: `${stack.stackName} ${config.name}: p99 duration of the live alias; rolls a deployment back`,
      metric: target.metricDuration({ period: Duration.minutes(1), statistic: cloudwatch.Stats.p(99) }),
      threshold: thresholds.latencyP99Milliseconds ?? defaultLatencyMilliseconds(config),
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
  }
  if (notify !== undefined) {
    for (const alarm of alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }
  const group = new codedeploy.LambdaDeploymentGroup(stack, `${id}Deployment`, {
    alias: target,
    deploymentConfig: deploymentConfig(stack, deployment.strategy, deployment),
    alarms,
    autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
  });
  Validations.of(group.role).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
    reason: 'AWS\'s managed policy for CodeDeploy\'s Lambda deployments, which CodeDeploy\'s documentation ' +
      'gives this role: it may update the aliases and invoke the hooks of this account\'s functions, and ' +
      'AWS keeps it in step with what CodeDeploy needs.',
  });
  return group;
}

function deploymentConfig(
  stack: Stack, strategy: 'canary' | 'linear', deployment: DeploymentConfig,
): codedeploy.ILambdaDeploymentConfig {
  const percentage = deployment.percentage ?? DEFAULT_STEPS[strategy].percentage;
  const minutes = deployment.intervalMinutes ?? DEFAULT_STEPS[strategy].intervalMinutes;
  const predefined = PREDEFINED[`${strategy}/${percentage}/${minutes}`];
  if (predefined !== undefined) {
    return predefined;
  }
  const id = `${pascalCase(strategy)}${percentage}PercentEvery${minutes}MinutesDeploymentConfig`;
  const existing = stack.node.tryFindChild(id) as codedeploy.LambdaDeploymentConfig | undefined;
  if (existing !== undefined) {
    return existing;
  }
  const props = { interval: Duration.minutes(minutes), percentage };
  return new codedeploy.LambdaDeploymentConfig(stack, id, {
    trafficRouting: strategy === 'canary'
      ? codedeploy.TrafficRouting.timeBasedCanary(props)
      : codedeploy.TrafficRouting.timeBasedLinear(props),
  });
}
