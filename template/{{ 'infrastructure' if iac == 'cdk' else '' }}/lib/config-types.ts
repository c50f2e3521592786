/**
 * Types describing a generated service. Static: the values live in
 * `service-config.ts`, which is the only file that depends on the project's
 * answers.
 *
 * To add a trigger kind: add its config interface below, add it to the
 * `FunctionConfig` union, write `lib/kinds/<kind>.ts` and register it in
 * `lib/kinds/index.ts` (the compiler insists on the last step).
 */

export type Architecture = 'arm64' | 'x86_64';

export type Runtime = 'provided.al2023' | 'provided.al2';

/**
 * Where each function's `bootstrap` comes from:
 * - `prebuilt`: the Makefile builds `build/<name>/bootstrap` (`make build`); synth needs no Go.
 * - `go-function`: `GoFunction` (@aws-cdk/aws-lambda-go-alpha, experimental) compiles
 *   `cmd/<name>` with the local Go toolchain at synth, with the Makefile's flags.
 */
export type Bundling = 'prebuilt' | 'go-function';

/** Levels both Go's log/slog (LOG_LEVEL) and Lambda's JSON log filtering understand. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** The retention periods CloudWatch Logs accepts (logs.RetentionDays values). */
export type LogRetentionDays =
  | 1 | 3 | 5 | 7 | 14 | 30 | 60 | 90 | 120 | 150 | 180
  | 365 | 400 | 545 | 731 | 1096 | 1827 | 2192 | 2557 | 2922 | 3288 | 3653;

/**
 * The AWS services a function can use, in the order of go-lambda-template's catalogue
 * (extensions/services.py). Each one is a resource of the stack (lib/services.ts), an
 * environment variable naming it and a least-privilege grant, for the functions that list it.
 */
export const SERVICE_KEYS = ['dynamodb', 's3', 'sqs', 'sns', 'secretsmanager', 'ssm'] as const;

export type ServiceKey = (typeof SERVICE_KEYS)[number];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ANY';

export interface Route {
  method: HttpMethod;
  /** Absolute path, e.g. `/users/{userId}`; `/` is the API root. */
  path: string;
}

/** What every function has, whatever triggers it. */
export interface BaseFunctionConfig {
  /**
   * Function name as used by the Go project: `cmd/<name>`, built to
   * `build/<name>/bootstrap`. Lower case, digits, `-` and `_`. Construct ids
   * and output names are derived from it in PascalCase.
   */
  name: string;
  memorySize: number;
  timeoutSeconds: number;
  /**
   * Extra environment variables. LOG_LEVEL and the variables of the services
   * (TABLE_NAME, BUCKET_NAME, ...) are set by the stack.
   */
  environment?: Record<string, string>;
  /**
   * The services this function uses, each one also in `ServiceConfig.services`:
   * the function gets the environment variable naming the service's resource
   * and a least-privilege grant on it (lib/services.ts); none for the others.
   */
  services: ServiceKey[];
  /** Overrides `ServiceConfig.logLevel` for this function. */
  logLevel?: LogLevel;
}

/** A function behind its own API Gateway REST API (proxy integration). */
export interface ApiGwRestFunctionConfig extends BaseFunctionConfig {
  kind: 'apigw-rest';
  routes: Route[];
}

/** Union of all function kinds; discriminated by `kind`. */
export type FunctionConfig = ApiGwRestFunctionConfig;

export type FunctionKind = FunctionConfig['kind'];

/** The single-table design: PK/SK plus GSI1 (GSI1PK/GSI1SK), all strings. */
export interface TableConfig {
  deletionProtection: boolean;
}

export interface ServiceConfig {
  /** Project name; also the CloudFormation stack name. */
  projectName: string;
  architecture: Architecture;
  runtime: Runtime;
  bundling: Bundling;
  /** X-Ray active tracing for functions and API stages. */
  tracing: boolean;
  /**
   * CloudWatch alarms (lib/alarms.ts): errors and throttles of every function,
   * and messages in the queue's dead-letter queue (with `sqs` in `services`).
   * No alarm actions: add an SNS topic or other action where you route alerts.
   */
  alarms: boolean;
  logLevel: LogLevel;
  logRetentionDays: LogRetentionDays;
  /**
   * Access logs for API Gateway REST stages. Off by default: API Gateway only
   * accepts a stage with access logging once the account/region has a
   * CloudWatch Logs role set (API Gateway > Settings), which a fresh account
   * has not, and this stack deliberately does not manage that
   * account-wide singleton.
   */
  apiAccessLogging?: boolean;
  /**
   * ERROR-level execution logs for every method of the REST API stages.
   * Off by default, for the same reason as `apiAccessLogging`: API Gateway
   * needs the account's CloudWatch Logs role for them too.
   */
  apiExecutionLogging?: boolean;
  /**
   * The services some function uses: the stack creates one resource for each
   * (a table, a bucket, a queue with its dead-letter queue, a topic, a
   * secret, a parameter; see lib/services.ts) and none for the others.
   */
  services: ServiceKey[];
  /** Options of the DynamoDB table; only with `dynamodb` in `services` (defaults when absent). */
  table?: TableConfig;
  functions: FunctionConfig[];
}
