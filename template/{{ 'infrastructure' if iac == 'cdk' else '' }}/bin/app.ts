#!/usr/bin/env node
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { serviceConfig } from '../lib/service-config';
import { ServiceStack } from '../lib/service-stack';

const app = new App();

new ServiceStack(app, serviceConfig.projectName, {
  config: serviceConfig,
  // The Makefile builds each function to <project>/build/<name>/bootstrap.
  assetRoot: path.join(__dirname, '../../build'),
  // Account and region come from the CLI's AWS configuration when there is
  // one; with none (e.g. offline synth) the stack is environment-agnostic.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
