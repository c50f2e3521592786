import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { errorRate } from '../alarms';
import type { FunctionUrlFunctionConfig } from '../config-types';
import { exposedId } from '../naming';
import { checkRoutes, checkStrings } from './shared';
import type { KindContext } from './types';

/** The request headers a browser may send: JSON bodies and SigV4 signing (AWS_IAM). */
export const FUNCTION_URL_CORS_HEADERS = [
  'content-type',
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
];

/**
 * A function URL (buffered responses) with the configured auth type and CORS
 * (the methods of its routes, from `corsAllowedOrigins`). With `AWS_IAM`, callers need
 * lambda:InvokeFunctionUrl and lambda:InvokeFunction on the function
 * (`fn.grantInvokeUrl(role)`) and sign their requests. Output: `<Name>FunctionUrl`.
 */
export function wireFunctionUrl({ stack, config, fn, target, alarms }: KindContext<FunctionUrlFunctionConfig>): void {
  if (config.authType !== 'AWS_IAM' && config.authType !== 'NONE') {
    throw new Error(`function '${config.name}': authType must be 'AWS_IAM' or 'NONE', got '${String(config.authType)}'`);
  }
  checkStrings(config, 'corsAllowedOrigins', config.corsAllowedOrigins);
  checkRoutes(config);
  const methods = [...new Set(config.routes.map((route) => route.method))];
  const url = target.addFunctionUrl({
    authType: lambda.FunctionUrlAuthType[config.authType],
    cors: {
      allowedOrigins: config.corsAllowedOrigins,
      allowedMethods: methods.map((method) => (method === 'ANY' ? lambda.HttpMethod.ALL : lambda.HttpMethod[method])),
      allowedHeaders: FUNCTION_URL_CORS_HEADERS,
      maxAge: Duration.hours(1),
    },
  });
  // Alarms on Lambda's function URL metrics (dimension FunctionName): Url5xxCount counts the
  // handler's 5xx answers and failed invocations; UrlRequestLatency is what callers wait.
  alarms?.forHttpFunction(config, {
    serverErrorRate: (period) => errorRate(fn.metric('Url5xxCount'), fn.metric('UrlRequestCount'), period),
    latency: (options) => fn.metric('UrlRequestLatency', options),
    latencyUnit: 'milliseconds',
  });

  new CfnOutput(stack, exposedId(config.name, 'FunctionUrl'), {
    description: `URL of the ${config.name} function (auth ${config.authType})`,
    value: url.url,
  });
}
