import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionConfig, ServiceConfig } from './config-types';
import { wireFunction } from './kinds';
import { pascalCase } from './naming';

export interface ServiceStackProps extends StackProps {
  config: ServiceConfig;
  /** Directory holding `<function name>/bootstrap` (the Makefile's build/ directory). */
  assetRoot: string;
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

/**
 * The service: an optional single-table DynamoDB table and one Go Lambda
 * function per `config.functions` entry, each wired to its trigger by the
 * kind registry in `lib/kinds`.
 */
export class ServiceStack extends Stack {
  readonly table?: dynamodb.TableV2;
  readonly functions: ReadonlyMap<string, lambda.Function>;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    const { config, assetRoot, ...stackProps } = props;
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
        globalSecondaryIndexes: [
          {
            indexName: 'GSI1',
            partitionKey: { name: 'GSI1PK', type: dynamodb.AttributeType.STRING },
            sortKey: { name: 'GSI1SK', type: dynamodb.AttributeType.STRING },
          },
        ],
        billing: dynamodb.Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: config.table.deletionProtection,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    const functions = new Map<string, lambda.Function>();
    for (const fnConfig of config.functions) {
      const fn = this.createFunction(config, fnConfig, assetRoot);
      functions.set(fnConfig.name, fn);
      wireFunction({ stack: this, service: config, config: fnConfig, fn, table: this.table });
    }
    this.functions = functions;
  }

  private createFunction(config: ServiceConfig, fnConfig: FunctionConfig, assetRoot: string): lambda.Function {
    const id = pascalCase(fnConfig.name);
    const codeDir = path.join(assetRoot, fnConfig.name);
    if (!fs.existsSync(path.join(codeDir, 'bootstrap'))) {
      throw new Error(
        `function '${fnConfig.name}': ${path.join(codeDir, 'bootstrap')} not found; build the functions first (make build)`,
      );
    }
    const logLevel = fnConfig.logLevel ?? config.logLevel;

    const environment: Record<string, string> = { ...fnConfig.environment, LOG_LEVEL: logLevel };
    if (fnConfig.usesTable && this.table) {
      environment.TABLE_NAME = this.table.tableName;
    }

    const logGroup = new logs.LogGroup(this, `${id}LogGroup`, {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const fn = new lambda.Function(this, `${id}Function`, {
      description: `${config.projectName} ${fnConfig.name} (${fnConfig.kind})`,
      runtime: RUNTIMES[config.runtime],
      architecture: ARCHITECTURES[config.architecture],
      handler: 'bootstrap',
      code: lambda.Code.fromAsset(codeDir),
      memorySize: fnConfig.memorySize,
      timeout: Duration.seconds(fnConfig.timeoutSeconds),
      environment,
      tracing: config.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
    });

    if (fnConfig.usesTable && this.table) {
      this.table.grantReadWriteData(fn);
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
