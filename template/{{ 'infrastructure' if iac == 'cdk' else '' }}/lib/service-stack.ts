import { Duration, RemovalPolicy, Stack, StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ServiceAlarms } from './alarms';
import type { FunctionConfig, ServiceConfig } from './config-types';
import { type GoSource, newGoLambda } from './go-lambda';
import { wireFunction } from './kinds';
import { pascalCase } from './naming';

export interface ServiceStackProps extends StackProps {
  config: ServiceConfig;
  /** Bundling `prebuilt`: the directory holding `<function name>/bootstrap` (the Makefile's build/). */
  assetRoot: string;
  /** Bundling `go-function`: the Go module root, holding go.mod and `cmd/<function name>/`. */
  projectRoot: string;
}

const RUNTIMES: Record<ServiceConfig['runtime'], lambda.Runtime> = {
  'provided.al2023': lambda.Runtime.PROVIDED_AL2023,
  'provided.al2': lambda.Runtime.PROVIDED_AL2,
};

const ARCHITECTURES: Record<ServiceConfig['architecture'], lambda.Architecture> = {
  arm64: lambda.Architecture.ARM_64,
  x86_64: lambda.Architecture.X86_64,
};

const RESERVED_ENV = ['TABLE_NAME', 'LOG_LEVEL'];

/** The table's global secondary indexes; grants name them instead of `index/*`. */
const TABLE_INDEXES = ['GSI1'];

/**
 * What `usesTable` grants: item reads and writes, queries and scans, on the
 * table and its indexes. Transactions need no action of their own
 * (TransactWriteItems is authorized per item as PutItem, UpdateItem,
 * DeleteItem or ConditionCheckItem).
 */
const TABLE_DATA_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/**
 * The service: an optional single-table DynamoDB table and one Go Lambda
 * function per `config.functions` entry, each wired to its trigger by the
 * kind registry in `lib/kinds`.
 */
export class ServiceStack extends Stack {
  readonly table?: dynamodb.TableV2;
  readonly functions: ReadonlyMap<string, lambda.Function>;
  /** Present when `config.alarms` is on. */
  readonly alarms?: ServiceAlarms;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    const { config, assetRoot, projectRoot, ...stackProps } = props;
    super(scope, id, {
      description: `${config.projectName}: Go Lambda functions (provided runtime)`,
      ...stackProps,
    });
    validateConfig(config);
    Tags.of(this).add('project', config.projectName);

    if (config.table) {
      this.table = new dynamodb.TableV2(this, 'Table', {
        partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
        globalSecondaryIndexes: TABLE_INDEXES.map((indexName) => ({
          indexName,
          partitionKey: { name: `${indexName}PK`, type: dynamodb.AttributeType.STRING },
          sortKey: { name: `${indexName}SK`, type: dynamodb.AttributeType.STRING },
        })),
        billing: dynamodb.Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: config.table.deletionProtection,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    if (config.alarms) {
      this.alarms = new ServiceAlarms(this);
    }

    const functions = new Map<string, lambda.Function>();
    for (const fnConfig of config.functions) {
      const fn = this.createFunction(config, fnConfig, { bundling: config.bundling, assetRoot, projectRoot });
      functions.set(fnConfig.name, fn);
      this.alarms?.forFunction(fnConfig.name, fn);
      wireFunction({ stack: this, service: config, config: fnConfig, fn, table: this.table, alarms: this.alarms });
    }
    this.functions = functions;
  }

  /**
   * One function with its log group and role. Everything here is the same for
   * both bundling modes; `newGoLambda` only chooses where the code comes from.
   */
  private createFunction(config: ServiceConfig, fnConfig: FunctionConfig, source: GoSource): lambda.Function {
    const id = pascalCase(fnConfig.name);
    const logLevel = fnConfig.logLevel ?? config.logLevel;

    const environment: Record<string, string> = { ...fnConfig.environment, LOG_LEVEL: logLevel };
    if (fnConfig.usesTable && this.table) {
      environment.TABLE_NAME = this.table.tableName;
    }

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

    const table = this.table;
    if (fnConfig.usesTable && table) {
      // Like table.grantReadWriteData(fn), but on the named indexes instead of
      // `<table>/index/*`, and without stream and DescribeTable actions.
      iam.Grant.addToPrincipal({
        grantee: fn,
        actions: TABLE_DATA_ACTIONS,
        resourceArns: [table.tableArn, ...TABLE_INDEXES.map((index) => `${table.tableArn}/index/${index}`)],
      });
    }
    return fn;
  }
}

function validateConfig(config: ServiceConfig): void {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(config.projectName)) {
    throw new Error(`projectName '${config.projectName}' must be a valid stack name (letters, digits, '-')`);
  }
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
    if (fn.usesTable && !config.table) {
      throw new Error(`function '${fn.name}' uses the table but the service has no table`);
    }
    for (const key of Object.keys(fn.environment ?? {})) {
      if (RESERVED_ENV.includes(key)) {
        throw new Error(`function '${fn.name}': environment variable ${key} is set by the stack`);
      }
    }
  }
}
