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
export const SERVICE_KEYS = ['dynamodb', 's3', 'sqs', 'sns', 'secretsmanager', 'ssm', 'kinesis', 'eventbridge'] as const;

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
  /** Overrides `ServiceConfig.alarmThresholds` for this function's alarms. */
  alarmThresholds?: AlarmThresholds;
  /**
   * Executions reserved for this function (all its versions), which is also
   * its ceiling. Absent: none reserved, it shares the account's pool. Lambda
   * keeps 100 of the account's executions unreserved, so a deploy fails when
   * reserving would leave fewer (new accounts have a small pool).
   */
  reservedConcurrency?: number;
  /**
   * Execution environments kept initialized for the `live` alias (no cold
   * starts up to this many concurrent requests), billed while deployed. Needs
   * a `deployment` other than `'none'`. Absent or 0: none.
   */
  provisionedConcurrency?: number;
}

/**
 * Who may call every route of an API (lib/auth.ts):
 * - `cognito`: users of the stack's Cognito user pool (`ServiceConfig.userPool`),
 *   with an ID token of its app client (an access token too, behind an HTTP API);
 * - `iam`: IAM principals allowed `execute-api:Invoke`, whose requests are
 *   signed (SigV4);
 * - `jwt`: bearer JWTs of `ServiceConfig.jwt`'s issuer for its audience (HTTP
 *   APIs only: REST APIs have no JWT authorizer);
 * - `lambda`: the authorizer function named by `authorizer` decides;
 * - `none`: anyone.
 */
export const API_AUTHS = ['cognito', 'iam', 'jwt', 'lambda', 'none'] as const;

export type ApiAuth = (typeof API_AUTHS)[number];

/** What a function behind an API may set about its callers. */
export interface ApiAuthConfig<A extends ApiAuth = ApiAuth> {
  /** Who may call its routes; absent: `none` (as before auth existed). */
  auth?: A;
  /** With `auth: 'lambda'`: the name of its `authorizer` function. */
  authorizer?: string;
}

/**
 * A function behind its own API Gateway REST API (proxy integration, stage
 * `prod`). Output: `<Name>ApiUrl`.
 */
export interface ApiGwRestFunctionConfig extends BaseFunctionConfig, ApiAuthConfig<Exclude<ApiAuth, 'jwt'>> {
  kind: 'apigw-rest';
  routes: Route[];
}

/**
 * A function behind its own API Gateway HTTP API (payload format 2.0, stage
 * `$default`, access logs in a log group of its own). Output: `<Name>ApiUrl`.
 */
export interface ApiGwHttpFunctionConfig extends BaseFunctionConfig, ApiAuthConfig {
  kind: 'apigw-http';
  routes: Route[];
}

/**
 * The certificate of an ALB function's HTTPS listener:
 * - `{ certificateArn }`: an existing ACM certificate of the stack's region,
 *   covering the names clients use (point their DNS records at `<Name>AlbDnsName`);
 * - `{ domainName, hostedZoneId }`: the stack issues an ACM certificate for
 *   `domainName`, validated through the DNS records CloudFormation adds to
 *   the Route 53 public hosted zone `hostedZoneId` (which must hold
 *   `domainName`), and points `domainName` at the load balancer (alias A record).
 */
export type AlbCertificate = { certificateArn: string } | { domainName: string; hostedZoneId: string };

/**
 * A function as the target of its own internet-facing Application Load
 * Balancer (own VPC: 2 AZs, public subnets only, no NAT gateway, flow logs;
 * access logs in an S3 bucket of its own). One forwarding rule per route
 * path, fixed 404 otherwise (methods are checked by the Go handler).
 * Output: `<Name>AlbDnsName` (and `<Name>AlbUrl`).
 */
export interface AlbFunctionConfig extends BaseFunctionConfig {
  kind: 'alb';
  routes: Route[];
  /**
   * HTTPS on port 443 with this certificate and a TLS 1.2+ policy
   * (`ELBSecurityPolicy-TLS13-1-2-PQ-2025-09`), port 80 answering every
   * request with a redirect to it (301). Absent: plain HTTP on port 80,
   * unencrypted, and every synth warns (the `alb_certificate` answer
   * `http-only`, and projects generated before HTTPS existed).
   */
  https?: AlbCertificate;
}

/** Who may call a function URL: SigV4-signed callers with lambda:InvokeFunctionUrl, or anyone. */
export type FunctionUrlAuthType = 'AWS_IAM' | 'NONE';

/** A function with its own function URL (buffered responses). Output: `<Name>FunctionUrl`. */
export interface FunctionUrlFunctionConfig extends BaseFunctionConfig {
  kind: 'function-url';
  /** `AWS_IAM` (the default answer): callers sign requests; `NONE`: public, authenticate in the handler. */
  authType: FunctionUrlAuthType;
  /** CORS origins allowed to call the URL from a browser (the routes' methods); `['*']` for any. */
  corsAllowedOrigins: string[];
  /** The routes the Go handler serves; the URL passes every path to it, and CORS allows their methods. */
  routes: Route[];
}

/**
 * A function notified of every object created under `prefix` in its own
 * bucket (S3-managed encryption, TLS only, versioned, server access logs);
 * it may read that bucket's objects. Output: `<Name>BucketName`.
 */
/**
 * Where a consumer's trigger comes from:
 * - `service`: the project's resource of the matching service (lib/services.ts:
 *   the `s3` bucket, the `sqs` queue, the `sns` topic, the `dynamodb` table's
 *   stream, the `kinesis` stream, the `eventbridge` bus), which the functions
 *   that list that service write to, so that producers reach consumers;
 * - `own` (the default): a resource of the function's own, as described by
 *   its kind below.
 */
export type TriggerSource = 'service' | 'own';

export interface S3FunctionConfig extends BaseFunctionConfig {
  kind: 's3';
  /** `service`: the `s3` service's bucket (one `s3` function per bucket); `own` by default. */
  source?: TriggerSource;
  /** Key prefix of the notification filter, e.g. `incoming/`; `''` for every object. */
  prefix: string;
}

/**
 * A function consuming its own queue (SQS-managed encryption, TLS only,
 * visibility timeout 6x the function timeout) with partial batch responses;
 * a message received `maxReceiveCount` times moves to the queue's
 * dead-letter queue (kept 14 days). Outputs: `<Name>QueueUrl`, `<Name>DeadLetterQueueUrl`.
 */
export interface SqsFunctionConfig extends BaseFunctionConfig {
  kind: 'sqs';
  /**
   * `service`: the `sqs` service's queue (one `sqs` function reads it; the
   * queue then takes this function's visibility timeout and
   * `maxReceiveCount`); `own` by default.
   */
  source?: TriggerSource;
  /**
   * A FIFO queue of the function's own (and a FIFO dead-letter queue):
   * content-based deduplication, high throughput (deduplication and
   * throughput per message group). Needs `source` `own`, a batch of at most
   * 10 and no batching window.
   */
  fifo?: boolean;
  /** Messages per invocation: 1-10, or up to 10000 with a batching window. */
  batchSize: number;
  /** Seconds to gather a batch (0-300). */
  maxBatchingWindowSeconds: number;
  /** Receives before a message moves to the dead-letter queue (1-1000). */
  maxReceiveCount: number;
  /** Skip messages processed already, by message id, through the stack's idempotency table (lib/idempotency.ts). */
  idempotency?: boolean;
  /**
   * At most this many concurrent invocations from the queue (2-1000; the
   * event source mapping's ScalingConfig.MaximumConcurrency), so that one
   * busy queue cannot take the account's concurrency. Absent: as many as
   * Lambda scales to.
   */
  maxConcurrency?: number;
}

/**
 * Settings of a stream source (DynamoDB stream, Kinesis): records are read
 * from the newest (LATEST) with partial batch responses; a failing batch is
 * bisected and retried `retryAttempts` times, then its description goes to an
 * encrypted dead-letter queue.
 */
export interface StreamSourceConfig {
  /** Records per invocation (1-10000). */
  batchSize: number;
  /** Seconds to gather a batch (0-300). */
  maxBatchingWindowSeconds: number;
  /** Retries of a failing batch before it goes to the dead-letter queue (0-10000). */
  retryAttempts: number;
}

/**
 * A function reading the stream (NEW_AND_OLD_IMAGES) of its own table (PK/SK
 * strings, on demand, point-in-time recovery, retained). Outputs: `<Name>TableName`,
 * `<Name>DeadLetterQueueUrl`.
 */
export interface DynamoDbStreamFunctionConfig extends BaseFunctionConfig, StreamSourceConfig {
  kind: 'dynamodb-stream';
  /** `service`: the stream of the `dynamodb` service's table (which then has one); `own` by default. */
  source?: TriggerSource;
}

/**
 * A function reading its own Kinesis data stream (1 shard, encrypted with the
 * AWS managed key alias/aws/kinesis). Outputs: `<Name>StreamName`, `<Name>DeadLetterQueueUrl`.
 */
export interface KinesisFunctionConfig extends BaseFunctionConfig, StreamSourceConfig {
  kind: 'kinesis';
  /** `service`: the `kinesis` service's stream; `own` by default. */
  source?: TriggerSource;
}

/**
 * A function subscribed to its own topic (encrypted with the AWS managed key
 * alias/aws/sns, TLS only). Undeliverable notifications and failed
 * invocations go to an encrypted dead-letter queue. Outputs: `<Name>TopicArn`,
 * `<Name>DeadLetterQueueUrl`.
 */
export interface SnsFunctionConfig extends BaseFunctionConfig {
  kind: 'sns';
  /** `service`: a subscription to the `sns` service's topic; `own` by default. */
  source?: TriggerSource;
}

/** The part of an EventBridge event pattern the template sets; both lists non-empty. */
export interface EventPatternConfig {
  /** Event sources, e.g. `['com.example.orders']`. */
  source: string[];
  /** Detail types, e.g. `['Order Placed']`. */
  detailType: string[];
}

/**
 * A function targeted by a rule on the account's default event bus.
 * Undeliverable events and failed invocations go to an encrypted dead-letter
 * queue. Output: `<Name>DeadLetterQueueUrl`.
 */
export interface EventBridgeFunctionConfig extends BaseFunctionConfig {
  kind: 'eventbridge';
  /** `service`: a rule on the `eventbridge` service's bus; `own` (the default): on the account's default bus. */
  source?: TriggerSource;
  eventPattern: EventPatternConfig;
  /** Skip events processed already, by event id, through the stack's idempotency table (lib/idempotency.ts). */
  idempotency?: boolean;
}

/**
 * A function run by one EventBridge rule per schedule expression (UTC), with
 * an encrypted dead-letter queue as for `eventbridge`.
 */
export interface ScheduleFunctionConfig extends BaseFunctionConfig {
  kind: 'schedule';
  /**
   * `rate(<n> minute|minutes|hour|hours|day|days)` or
   * `cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)`,
   * e.g. `rate(1 hour)`, `cron(0 10 * * ? *)`; checked at synth.
   */
  schedules: string[];
}

/**
 * A function without a trigger, invoked by Step Functions, other functions or
 * SDK callers (lambda:InvokeFunction). Outputs: `<Name>FunctionName`, `<Name>FunctionArn`.
 */
export interface DirectFunctionConfig extends BaseFunctionConfig {
  kind: 'direct';
}

/**
 * A Lambda authorizer of the APIs whose functions have `auth: 'lambda'` and
 * name it: the REST APIs call it as a REQUEST authorizer, the HTTP APIs with
 * simple responses, both with the Authorization header as identity source and
 * a 5-minute cache. It verifies bearer JWTs (environment JWT_ISSUER,
 * JWT_AUDIENCE) of `issuer`: `user-pool`, the stack's user pool (its app
 * client is the audience); `jwt`, `ServiceConfig.jwt`'s issuer.
 */
export interface AuthorizerFunctionConfig extends BaseFunctionConfig {
  kind: 'authorizer';
  issuer: 'user-pool' | 'jwt';
}

/** Union of all function kinds; discriminated by `kind`. */
export type FunctionConfig =
  | ApiGwRestFunctionConfig
  | ApiGwHttpFunctionConfig
  | AlbFunctionConfig
  | FunctionUrlFunctionConfig
  | S3FunctionConfig
  | SqsFunctionConfig
  | DynamoDbStreamFunctionConfig
  | SnsFunctionConfig
  | EventBridgeFunctionConfig
  | KinesisFunctionConfig
  | ScheduleFunctionConfig
  | DirectFunctionConfig
  | AuthorizerFunctionConfig;

export type FunctionKind = FunctionConfig['kind'];

/**
 * Who is told when an alarm goes off (`ALARM`) and when it clears (`OK`):
 * - `{ emails: [...] }`: the stack creates the alarm topic (encrypted with a
 *   customer managed KMS key with rotation that CloudWatch may use, TLS only)
 *   and subscribes each address; each confirms from the email SNS sends.
 *   `{ emails: [] }` creates the topic without subscribers: subscribe later.
 * - `{ topicArn: '...' }`: alarms publish to this existing standard topic of
 *   the stack's region instead, and the stack creates none. If it is
 *   encrypted, its key policy must let `cloudwatch.amazonaws.com` use the key
 *   (kms:GenerateDataKey*, kms:Decrypt).
 * Output: `AlarmTopicArn`.
 */
export type AlarmNotify = { emails: string[] } | { topicArn: string };

/**
 * Thresholds that replace the defaults of lib/alarms.ts (service-wide in
 * `ServiceConfig.alarmThresholds`, per function in its `alarmThresholds`).
 */
export interface AlarmThresholds {
  /**
   * HTTP kinds: the share of requests answered with a 5xx status, from 0 to 1,
   * that sets the alarm off (default 0.05, i.e. 5%).
   */
  serverErrorRate?: number;
  /**
   * HTTP kinds: the p99 latency, in milliseconds, that sets the alarm off
   * (default: half the function's timeout, at most 3000).
   */
  latencyP99Milliseconds?: number;
  /**
   * Batch kinds (sqs, dynamodb-stream, kinesis): failed items in 5 minutes
   * that set the alarm off (default 10).
   */
  failedItems?: number;
}

/** API Gateway throttling: a token bucket refilled at `rateLimit` requests per second, holding `burstLimit`. */
export interface ApiThrottle {
  /** Steady requests per second (1-10000). */
  rateLimit: number;
  /** Requests at once above the steady rate (1-5000). */
  burstLimit: number;
}

/**
 * The web ACL (lib/waf.ts): AWS managed rule groups (core rule set, known
 * bad inputs) and a rate-based rule per client IP; CloudWatch metrics and
 * sampled requests for each.
 */
export interface WafConfig {
  /** Requests one client IP may send in any 5 minutes before WAF blocks it (10-2000000000). */
  ipRateLimit: number;
}

/**
 * The stack's Cognito user pool (lib/auth.ts), created when a function has
 * `auth: 'cognito'` or an authorizer verifies its tokens: sign-in with an
 * email address, a 12-character password policy, no self sign-up, and an app
 * client without a secret (a public client: SRP sign-in, and the
 * admin-initiated sign-in of trusted tools). Outputs: `UserPoolId`, `UserPoolClientId`.
 */
export interface UserPoolConfig {
  /** Users may sign themselves up; default false: an administrator creates them. */
  selfSignUp?: boolean;
  /** `required` (the default): every user signs in with a TOTP authenticator too; `optional`: those who set one up. */
  mfa?: 'required' | 'optional';
  /**
   * Cognito's threat protection, enforced (compromised credentials, risky
   * sign-ins): the default, on the Plus feature plan, billed per monthly
   * active user. false: the Essentials plan, without it.
   */
  threatProtection?: boolean;
}

/** The issuer of the bearer JWTs of `auth: 'jwt'` and of authorizers with issuer `jwt`. */
export interface JwtIssuerConfig {
  /** https URL, exactly the tokens' `iss` claim. */
  issuer: string;
  /** Accepted `aud` (or an access token's `client_id`) values; at least one. */
  audience: string[];
}

/** The single-table design: PK/SK plus GSI1 (GSI1PK/GSI1SK), all strings. */
export interface TableConfig {
  deletionProtection: boolean;
}

/**
 * Where the account's API Gateway CloudWatch Logs role comes from: a
 * per-account, per-region setting (AWS::ApiGateway::Account) that every
 * stack setting it overwrites, so a service stack never does.
 * - `stack`: this CDK app deploys it, before the service, in the stack
 *   `apigateway-cloudwatch-role` (lib/api-logs.ts), shared by every project
 *   of go-lambda-template in the account and region. For accounts where
 *   nobody else sets it.
 * - `account`: the account has it already (set by a platform team, a
 *   landing zone, another app or by hand).
 * - `none`: it has none, so REST APIs write no access or execution logs.
 */
export type ApiGatewayCloudWatchRole = 'stack' | 'account' | 'none';

/**
 * How a new version of a function reaches its `live` alias, which every
 * trigger invokes (lib/deploys.ts):
 * - `none`: no version or alias; triggers invoke the function's latest code
 *   (projects generated before 0.3.0, whose deployed triggers stay as they are);
 * - `all-at-once`: each deploy publishes a version and points `live` at it;
 * - `canary`: CodeDeploy sends `percentage` of the traffic to the new version
 *   for `intervalMinutes`, then the rest;
 * - `linear`: CodeDeploy moves `percentage` more every `intervalMinutes`.
 * Canary and linear deployments roll back when the function's rollback
 * alarms go off during the shift: its errors (on the alias, each minute) and,
 * with `alarms` on, its 5xx rate and p99 latency (HTTP kinds).
 */
export type DeploymentStrategy = 'none' | 'all-at-once' | 'canary' | 'linear';

export interface DeploymentConfig {
  strategy: DeploymentStrategy;
  /** Canary and linear: the share of traffic each step moves, 1-99 (default 10). */
  percentage?: number;
  /** Canary and linear: minutes between steps, 1-2880 (default: canary 5, linear 1). */
  intervalMinutes?: number;
}

/** What deleting a stage's stack does to its data (tables, user pool) and log groups. */
export type StageRemovalPolicy = 'retain' | 'destroy';

/**
 * One deployment stage: its own stack, `<projectName>-<name>` (`make deploy
 * STAGE=<name>`), with these settings in place of the service's.
 */
export interface StageConfig {
  /** Lowercase letters and digits, starting with a letter (dev, staging, prod). */
  name: string;
  /**
   * `retain`: deleting the stack keeps its tables, user pool and log groups;
   * `destroy`: deletes them (a stage whose data can be thrown away).
   */
  removalPolicy: StageRemovalPolicy;
  /** Replaces `ServiceConfig.alarms`. */
  alarms?: boolean;
  /** Replaces `ServiceConfig.logRetentionDays`. */
  logRetentionDays?: LogRetentionDays;
  /** Replaces `ServiceConfig.logLevel`. */
  logLevel?: LogLevel;
  /** Replaces every function's `memorySize` in this stage. */
  memorySize?: number;
  /** Replaces `ServiceConfig.deployment` (e.g. all at once in dev, canary in prod). */
  deployment?: DeploymentConfig;
  /** Replaces every function's `provisionedConcurrency` (e.g. 0 outside production). */
  provisionedConcurrency?: number;
}

export interface ServiceConfig {
  /** Project name; the stack name without stages, else the stacks' prefix. */
  projectName: string;
  /**
   * The stages, each a stack of its own (`<projectName>-<name>`), promoted in
   * this order by the deploy workflow. Absent or empty: one stack named
   * `projectName` (projects generated before 0.3.0).
   */
  stages?: StageConfig[];
  /** How a new version reaches the functions' `live` alias. Absent: `{ strategy: 'none' }`. */
  deployment?: DeploymentConfig;
  architecture: Architecture;
  runtime: Runtime;
  bundling: Bundling;
  /** X-Ray active tracing for functions and API stages. */
  tracing: boolean;
  /**
   * CloudWatch alarms (lib/alarms.ts): errors and throttles of every function,
   * the 5xx rate and p99 latency of the HTTP kinds (apigw-rest, apigw-http,
   * alb, function-url), failed items of the batch kinds (sqs, dynamodb-stream,
   * kinesis; the `FailedItems` metric of internal/batch), messages in the
   * queue's dead-letter queue (with `sqs` in `services`) and in the dead-letter
   * queue of each trigger that has one (sqs, dynamodb-stream, kinesis, sns,
   * eventbridge, schedule, s3), and the iterator age of the stream kinds
   * (dynamodb-stream, kinesis). Every alarm notifies `alarmNotify`.
   */
  alarms: boolean;
  /** Who the alarms tell; without it, the stack's alarm topic has no subscriber. */
  alarmNotify?: AlarmNotify;
  /** Thresholds that replace the defaults of lib/alarms.ts for every function. */
  alarmThresholds?: AlarmThresholds;
  /**
   * The https base URL of the HTTP API that internal/outbound calls; every
   * function gets it as OUTBOUND_BASE_URL. Never put credentials in it: it is
   * an environment value.
   */
  outboundBaseUrl?: string;
  logLevel: LogLevel;
  logRetentionDays: LogRetentionDays;
  /**
   * Where the account's API Gateway CloudWatch Logs role comes from; REST
   * APIs write access and execution logs only once their account and region
   * have one (API Gateway > Settings). Absent: `'none'`.
   */
  apiGatewayCloudWatchRole?: ApiGatewayCloudWatchRole;
  /**
   * Access logs of the REST API stages: one JSON line per request
   * (lib/api-logs.ts) in `<Name>ApiAccessLogs`, kept `logRetentionDays`.
   * Absent: on unless `apiGatewayCloudWatchRole` is `'none'`. `true` turns
   * them on whatever that says (the account has the role).
   */
  apiAccessLogging?: boolean;
  /**
   * ERROR-level execution logs of every method of the REST API stages,
   * without request or response data. Absent: on unless
   * `apiGatewayCloudWatchRole` is `'none'`, and the stack creates their log
   * group with `logRetentionDays`. `true` turns them on whatever that says,
   * in the group API Gateway creates itself (as before 0.3.0, when `true`
   * was the way to turn them on, so the group may exist already).
   */
  apiExecutionLogging?: boolean;
  /**
   * Stage throttling of every REST API (each method) and HTTP API (each
   * route): API Gateway answers 429 past it. Absent: only the account's limits
   * per region (10,000 requests per second and a burst of 5,000 by default,
   * shared by every API of the account).
   */
  apiThrottle?: ApiThrottle;
  /**
   * REST APIs: every method requires an API key (`x-api-key` header). The stack
   * creates one key and a usage plan with `apiThrottle` per key. Keys identify
   * and meter callers; they do not authenticate them (use an authorizer).
   */
  apiKeys?: boolean;
  /**
   * A WAFv2 web ACL in front of every REST API stage and load balancer (HTTP
   * APIs and function URLs cannot have one). Absent: none.
   */
  waf?: WafConfig;
  /**
   * The services some function uses: the stack creates one resource for each
   * (a table, a bucket, a queue with its dead-letter queue, a topic, a
   * secret, a parameter, a stream, an event bus; see lib/services.ts) and
   * none for the others.
   */
  services: ServiceKey[];
  /** Options of the DynamoDB table; only with `dynamodb` in `services` (defaults when absent). */
  table?: TableConfig;
  /** Options of the stack's Cognito user pool, when it has one (defaults when absent). */
  userPool?: UserPoolConfig;
  /** The issuer of `auth: 'jwt'`, and of authorizers with issuer `jwt`. */
  jwt?: JwtIssuerConfig;
  functions: FunctionConfig[];
}
