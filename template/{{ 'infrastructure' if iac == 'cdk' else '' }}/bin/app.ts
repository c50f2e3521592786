#!/usr/bin/env node
import * as path from 'node:path';
import { App, Tags } from 'aws-cdk-lib';
import { addApiGatewayCloudWatchRole } from '../lib/api-logs';
import { addComplianceChecks } from '../lib/checks';
import { serviceConfig } from '../lib/service-config';
import { ServiceStack } from '../lib/service-stack';
import { stageStacks } from '../lib/stages';

const app = new App();
// cdk-nag (AwsSolutions): synth fails on any finding that is not acknowledged.
addComplianceChecks(app);

// Account and region come from the CLI's AWS configuration when there is
// one; with none (e.g. offline synth) the stacks are environment-agnostic.
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

// One stack per stage (<project>-<stage>), or only the stage the context names
// (`make synth|diff|deploy STAGE=<stage>` passes `-c stage=<stage>`); without
// stages in lib/service-config.ts, one stack named after the project.
for (const { stackName, stage, config } of stageStacks(serviceConfig, app.node.tryGetContext('stage'))) {
  const service = new ServiceStack(app, stackName, {
    config,
    stage,
    // bundling 'prebuilt': the Makefile builds each function to <project>/build/<name>/bootstrap.
    assetRoot: path.join(__dirname, '../../build'),
    // bundling 'go-function': GoFunction compiles <project>/cmd/<name> of the module <project>/go.mod.
    projectRoot: path.join(__dirname, '../..'),
    env,
  });
  if (stage) {
    Tags.of(service).add('stage', stage.name);
  }
  // apiGatewayCloudWatchRole 'stack': the account's API Gateway CloudWatch Logs role, deployed first.
  addApiGatewayCloudWatchRole(app, service, config, { env });
}
