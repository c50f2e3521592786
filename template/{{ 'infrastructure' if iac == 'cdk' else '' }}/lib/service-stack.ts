import { Duration, RemovalPolicy, Stack, StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ServiceAlarms } from './alarms';
import { type AuthResources, checkAuth, createAuthResources } from './auth';
import { explainCheckovFindings, skipCheckov } from './checks';
import { type FunctionConfig, SERVICE_KEYS, type ServiceConfig, type StageConfig } from './config-types';
import { gradualDeployment, liveTarget } from './deploys';
import { type GoSource, newGoLambda } from './go-lambda';
import { wireFunction } from './kinds';
import { metricsNamespace, pascalCase } from './naming';
import { OUTBOUND_ENV, SERVICE_ENV, type ServiceResources, connectServices, createServiceResources } from './services';
import { applyStageRemovalPolicy } from './stages';
import { ServiceWebAcl } from './waf';

export interface ServiceStackProps extends StackProps {
  config: ServiceConfig;
  /** Bundling `prebuilt`: the directory holding `<function name>/bootstrap` (the Makefile's build/). */
  assetRoot: string;
  /** Bundling `go-function`: the Go module root, holding go.mod and `cmd/<function name>/`. */
  projectRoot: string;
  /** The stage this stack is (lib/stages.ts), whose settings `config` already holds; absent without stages. */
  stage?: StageConfig;
}

const RUNTIMES: Record<ServiceConfig['runtime'], lambda.Runtime> = {
  'provided.al2023': lambda.Runtime.PROVIDED_AL2023,
  'provided.al2': lambda.Runtime.PROVIDED_AL2,
};

const ARCHITECTURES: Record<ServiceConfig['architecture'], lambda.Architecture> = {
  arm64: lambda.Architecture.ARM_64,
  x86_64: lambda.Architecture.X86_64,
};

/** Set by the stack: the log level, the metrics namespace and the variables naming the services' resources. */
const RESERVED_ENV: readonly string[] = ['LOG_LEVEL', 'METRICS_NAMESPACE', OUTBOUND_ENV, ...Object.values(SERVICE_ENV)];

/**
 * The service: the resources of its AWS services (lib/services.ts) and one Go
 * Lambda function per `config.functions` entry, granted the services it
 * lists and wired to its trigger by the kind registry in `lib/kinds`.
 */
export class ServiceStack extends Stack {
  /** The resources of `config.services`. */
  readonly resources: ServiceResources;
  /** The DynamoDB table, with `dynamodb` in `config.services`. */
  readonly table?: dynamodb.TableV2;
  /** The user pool and its app client, when a function needs them (lib/auth.ts). */
  readonly auth: AuthResources;
  readonly functions: ReadonlyMap<string, lambda.Function>;
  /** What each function's triggers invoke: its `live` alias, or the function with deployment `none` (lib/deploys.ts). */
  readonly targets: ReadonlyMap<string, lambda.IFunction>;
  /** Present when `config.alarms` is on. */
  readonly alarms?: ServiceAlarms;
  /** Present when `config.waf` is set. */
  readonly waf?: ServiceWebAcl;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    const { config, assetRoot, projectRoot, stage, ...stackProps } = props;
    super(scope, id, {
      description: `${config.projectName}${stage ? ` (${stage.name})` : ''}: Go Lambda functions (provided runtime)`,
      ...stackProps,
    });
    validateConfig(config);
    Tags.of(this).add('project', config.projectName);

    this.resources = createServiceResources(this, config);
    this.table = this.resources.table;
    this.auth = createAuthResources(this, config);

    if (config.alarms) {
      this.alarms = new ServiceAlarms(this, config);
    }
    if (config.waf) {
      this.waf = new ServiceWebAcl(this, config.waf, config.projectName);
    }

    // Every function first, then their triggers: an API's authorizer may come later in the list.
    const functions = new Map<string, lambda.Function>();
    const targets = new Map<string, lambda.IFunction>();
    for (const fnConfig of config.functions) {
      const fn = this.createFunction(config, fnConfig, { bundling: config.bundling, assetRoot, projectRoot });
      functions.set(fnConfig.name, fn);
      targets.set(fnConfig.name, liveTarget(this, config, fnConfig, fn));
      this.alarms?.forFunction(fnConfig.name, fn);
    }
    for (const fnConfig of config.functions) {
      const fn = functions.get(fnConfig.name) as lambda.Function;
      const target = targets.get(fnConfig.name) as lambda.IFunction;
      wireFunction({
        stack: this, service: config, config: fnConfig, fn, target, resources: this.resources, alarms: this.alarms,
        waf: this.waf, auth: this.auth, functions: targets,
      });
    }
    const notify = this.alarms ? new cloudwatchActions.SnsAction(this.alarms.topic) : undefined;
    for (const fnConfig of config.functions) {
      gradualDeployment(this, config, fnConfig, targets.get(fnConfig.name) as lambda.IFunction, notify);
    }
    this.functions = functions;
    this.targets = targets;
    if (stage) {
      applyStageRemovalPolicy(this, stage.removalPolicy);
    }
    if (this.resources.deadLetterQueue) {
      this.alarms?.deadLetterQueue('queue', this.resources.deadLetterQueue);
    }
    // checkov's reasons for what every resource of a type shares (lib/checks.ts), added at synth.
    explainCheckovFindings(this);
  }

  /**
   * One function with its log group and role. Everything here is the same for
   * both bundling modes; `newGoLambda` only chooses where the code comes from.
   */
  private createFunction(config: ServiceConfig, fnConfig: FunctionConfig, source: GoSource): lambda.Function {
    const id = pascalCase(fnConfig.name);
    const logLevel = fnConfig.logLevel ?? config.logLevel;

    // METRICS_NAMESPACE: where the function's own metrics go (internal/batch's FailedItems).
    const environment: Record<string, string> = {
      ...fnConfig.environment,
      LOG_LEVEL: logLevel,
      METRICS_NAMESPACE: metricsNamespace(config),
      ...(config.outboundBaseUrl === undefined ? {} : { [OUTBOUND_ENV]: config.outboundBaseUrl }),
    };

    const logGroup = new logs.LogGroup(this, `${id}LogGroup`, {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An own role instead of the default one with AWSLambdaBasicExecutionRole,
    // whose logs:* actions apply to every log group of the account: this one
    // may only write to the function's own log group (which the stack creates,
    // so no logs:CreateLogGroup).
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${config.projectName} ${fnConfig.name} function`,
    });
    logGroup.grantWrite(role);

    const fn = newGoLambda(this, `${id}Function`, fnConfig.name, source, {
      description: `${config.projectName} ${fnConfig.name} (${fnConfig.kind})`,
      runtime: RUNTIMES[config.runtime],
      architecture: ARCHITECTURES[config.architecture],
      role,
      memorySize: fnConfig.memorySize,
      reservedConcurrentExecutions: fnConfig.reservedConcurrency,
      timeout: Duration.seconds(fnConfig.timeoutSeconds),
      environment,
      tracing: config.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
    });

    if (config.tracing) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no ' +
          'resource-level permissions: "*" is their only resource (as in AWSXRayDaemonWriteAccess). ' +
          'A jest test checks that no other statement of the role uses "*".',
      });
    }

    // The services it lists, and no others: environment variable and grant.
    connectServices(this.resources, fn, fnConfig.services);
    acceptFunctionFindings(fn, fnConfig.reservedConcurrency !== undefined);
    return fn;
  }
}

/**
 * What checkov finds on every function, and why the stack
 * is built so: choices a reviewer can revisit, each reason in the template.
 */
function acceptFunctionFindings(fn: lambda.Function, reserved: boolean): void {
  skipCheckov(fn, 'CKV_AWS_117',
    'No VPC: the function only calls AWS APIs, over TLS and with IAM authorization, and AWS advises the ' +
    'default networking unless a function needs private resources; give it vpc and vpcSubnets when it does.');
  skipCheckov(fn, 'CKV_AWS_173',
    'Lambda encrypts environment variables at rest with an AWS managed key, and they hold resource names ' +
    'and ARNs only: secrets are read from Secrets Manager at run time. Set environmentEncryption to a ' +
    'customer managed key where policy asks for one.');
  skipCheckov(fn, 'CKV_AWS_116',
    'A dead-letter queue serves asynchronous invocations only: those kinds send failed events to an ' +
    'on-failure destination queue (EventInvokeConfig), batch kinds report failed items and their event ' +
    'source mapping has an on-failure queue, and synchronous callers (API Gateway, ALB, function URL, SDK) ' +
    'get the error themselves.');
  if (!reserved) {
    skipCheckov(fn, 'CKV_AWS_115',
      'No reserved concurrency by default: reserving takes executions from the account\'s pool, which new ' +
      'accounts keep small, and Lambda keeps 100 unreserved; set reservedConcurrency in the function\'s ' +
      'entry of lib/service-config.ts once its share of the account is known.');
  }
}

function validateConfig(config: ServiceConfig): void {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(config.projectName)) {
    throw new Error(`projectName '${config.projectName}' must be a valid stack name (letters, digits, '-')`);
  }
  // Checked at run time too: service-config.ts is edited by hand.
  const lists: [string, readonly string[]][] = [
    ['services', config.services],
    ...config.functions.map((f): [string, readonly string[]] => [`function '${f.name}': services`, f.services]),
  ];
  for (const [what, keys] of lists) {
    for (const key of keys) {
      if (!(SERVICE_KEYS as readonly string[]).includes(key)) {
        throw new Error(`${what}: unknown service '${key}' (known: ${SERVICE_KEYS.join(', ')})`);
      }
    }
    if (new Set(keys).size !== keys.length) {
      throw new Error(`${what}: [${keys.join(', ')}] lists a service twice`);
    }
  }
  const roles: readonly string[] = ['stack', 'account', 'none'];
  if (config.apiGatewayCloudWatchRole !== undefined && !roles.includes(config.apiGatewayCloudWatchRole)) {
    throw new Error(`apiGatewayCloudWatchRole '${config.apiGatewayCloudWatchRole}' must be one of ${roles.join(', ')}`);
  }
  if (config.outboundBaseUrl !== undefined && !/^https:\/\/[^/?#@\s]+(\/[^?#\s]*)?$/.test(config.outboundBaseUrl)) {
    throw new Error(`outboundBaseUrl '${config.outboundBaseUrl}' must be an https URL without credentials, query or fragment`);
  }
  if (config.table && !config.services.includes('dynamodb')) {
    throw new Error("table options are set but services does not include 'dynamodb'");
  }
  checkAuth(config);
  const ids = new Map<string, string>();
  for (const fn of config.functions) {
    if (!/^[a-z][a-z0-9_-]*$/.test(fn.name)) {
      throw new Error(`function name '${fn.name}' must match [a-z][a-z0-9_-]*`);
    }
    const id = pascalCase(fn.name);
    const clash = ids.get(id);
    if (clash !== undefined) {
      throw new Error(`function names '${clash}' and '${fn.name}' both map to construct id '${id}'`);
    }
    ids.set(id, fn.name);
    for (const key of fn.services) {
      if (!config.services.includes(key)) {
        throw new Error(`function '${fn.name}' uses ${key}, which the top-level services do not list`);
      }
    }
    if (fn.reservedConcurrency !== undefined && !(Number.isInteger(fn.reservedConcurrency) && fn.reservedConcurrency >= 0)) {
      throw new Error(`function '${fn.name}': reservedConcurrency must be a whole number, got ${fn.reservedConcurrency}`);
    }
    for (const key of Object.keys(fn.environment ?? {})) {
      if (RESERVED_ENV.includes(key)) {
        throw new Error(`function '${fn.name}': environment variable ${key} is set by the stack`);
      }
    }
  }
}
