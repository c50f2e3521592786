import { CfnOutput } from 'aws-cdk-lib';
import type { DirectFunctionConfig } from '../config-types';
import { exposedId } from '../naming';
import type { KindContext } from './types';

/**
 * No trigger: callers (Step Functions, other functions, SDK clients) invoke
 * the function (its live alias) with lambda:InvokeFunction (`target.grantInvoke(role)`).
 * Outputs: `<Name>FunctionName`, `<Name>FunctionArn`.
 */
export function wireDirect({ stack, config, target }: KindContext<DirectFunctionConfig>): void {
  new CfnOutput(stack, exposedId(config.name, 'FunctionName'), {
    description: `Name of the ${config.name} function (invoke it directly), with its live alias when it has one`,
    value: target.functionName,
  });
  new CfnOutput(stack, exposedId(config.name, 'FunctionArn'), {
    description: `ARN of the ${config.name} function (Step Functions tasks, IAM policies)`,
    value: target.functionArn,
  });
}
