// Shared by the test files: a fixture config, fake build and project directories, synthesis with
// the same feature flags as `cdk synth`, and lookups in the synthesized template.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  type ApiGwRestFunctionConfig,
  type FunctionConfig,
  type FunctionKind,
  SERVICE_KEYS,
  type ServiceConfig,
  type ServiceKey,
} from '../lib/config-types';
import { pascalCase } from '../lib/naming';
import { triggerService } from '../lib/services';
import { ServiceStack } from '../lib/service-stack';
import { KIND_DEFAULTS, type KindConfig } from './kind-defaults';

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'service-stack-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Stand-in for the Makefile's build/ directory: <name>/bootstrap per function. */
export function fakeAssetRoot(names: string[]): string {
  const dir = tempDir();
  for (const name of names) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'bootstrap'), `fake ${name} binary\n`);
  }
  return dir;
}

/** Stand-in for the Go project (bundling go-function): go.mod and cmd/<name>/main.go. */
export function fakeProjectRoot(names: string[]): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/fake\n\ngo 1.26\n');
  for (const name of names) {
    fs.mkdirSync(path.join(dir, 'cmd', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cmd', name, 'main.go'), 'package main\n\nfunc main() {}\n');
  }
  return dir;
}

/** The generated project's own root (infrastructure/..), with its real go.mod and cmd/. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** cdk.json's context: the same feature flags as `cdk synth`. */
export const cdkJsonContext: Record<string, unknown> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8'),
).context;

/**
 * Never bundle in tests: GoFunction (bundling go-function) then compiles
 * nothing and needs neither Go nor Docker. Prebuilt assets are unaffected.
 */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export interface SynthOptions {
  assetRoot?: string;
  projectRoot?: string;
  /** Extra context, e.g. to re-enable bundling. */
  context?: Record<string, unknown>;
  outdir?: string;
  /** The stack's region; without it the stack is environment-agnostic, as in jest by default. */
  region?: string;
}

/** A fresh App with cdk.json's context, without bundling. */
export function newApp(options: SynthOptions = {}): App {
  return new App({ context: { ...cdkJsonContext, ...NO_BUNDLING, ...options.context }, outdir: options.outdir });
}

export function newStack(app: App, config: ServiceConfig, options: SynthOptions = {}): ServiceStack {
  const names = config.functions.map((f) => f.name);
  return new ServiceStack(app, 'TestStack', {
    config,
    assetRoot: options.assetRoot ?? fakeAssetRoot(names),
    projectRoot: options.projectRoot ?? fakeProjectRoot(names),
    env: options.region ? { region: options.region } : undefined,
  });
}

export function synth(config: ServiceConfig, options: SynthOptions = {}) {
  const stack = newStack(newApp(options), config, options);
  return { stack, template: Template.fromStack(stack) };
}

export function logicalId(stack: ServiceStack, childId: string): string {
  const child = stack.node.findChild(childId);
  return stack.getLogicalId(child.node.defaultChild as CfnElement);
}

export function functionLogicalId(stack: ServiceStack, name: string): string {
  return logicalId(stack, `${pascalCase(name)}Function`);
}

export function roleLogicalId(stack: ServiceStack, name: string): string {
  const fn = stack.functions.get(name);
  if (!fn?.role) throw new Error(`no role for ${name}`);
  return stack.getLogicalId(fn.role.node.defaultChild as CfnElement);
}

export type Props = Record<string, any>;

export function resourcesOfType(template: Template, type: string): Record<string, Props> {
  return template.findResources(type);
}

/** All statements of the IAM policies attached to a role. */
export function statementsOfRole(template: Template, roleId: string): Props[] {
  const statements: Props[] = [];
  for (const policy of Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))) {
    const roles: unknown[] = policy.Properties.Roles ?? [];
    if (roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId }))) {
      statements.push(...policy.Properties.PolicyDocument.Statement);
    }
  }
  return statements;
}

/** All actions granted to a role by the IAM policies attached to it. */
export function actionsOfRole(template: Template, roleId: string): string[] {
  return statementsOfRole(template, roleId).flatMap((st) => [st.Action].flat());
}

/**
 * Per service: the construct ids of its resources in the stack (the first is
 * the one a function gets), their CloudFormation type, the IAM action prefix,
 * and the attribute of the first that its environment variable holds (its
 * Ref when absent).
 */
export const SERVICE_RESOURCES: Record<ServiceKey, { ids: string[]; type: string; actionPrefix: string; envAttribute?: string }> = {
  dynamodb: { ids: ['Table'], type: 'AWS::DynamoDB::GlobalTable', actionPrefix: 'dynamodb:' },
  s3: { ids: ['Bucket', 'AccessLogsBucket'], type: 'AWS::S3::Bucket', actionPrefix: 's3:' },
  sqs: { ids: ['Queue', 'DeadLetterQueue'], type: 'AWS::SQS::Queue', actionPrefix: 'sqs:' },
  sns: { ids: ['Topic'], type: 'AWS::SNS::Topic', actionPrefix: 'sns:' },
  secretsmanager: { ids: ['Secret'], type: 'AWS::SecretsManager::Secret', actionPrefix: 'secretsmanager:' },
  ssm: { ids: ['Parameter'], type: 'AWS::SSM::Parameter', actionPrefix: 'ssm:' },
  kinesis: { ids: ['Stream'], type: 'AWS::Kinesis::Stream', actionPrefix: 'kinesis:', envAttribute: 'Arn' },
  eventbridge: { ids: ['EventBus'], type: 'AWS::Events::EventBus', actionPrefix: 'events:' },
};

/** The logical ids a statement's resources refer to (Ref, Fn::GetAtt). */
function referencedIds(resource: unknown): string[] {
  const json = JSON.stringify(resource ?? null);
  return [...json.matchAll(/\{"Ref":"([^"]+)"\}|\{"Fn::GetAtt":\["([^"]+)"/g)].map((m) => m[1] ?? m[2]);
}

/**
 * The statements of a role that concern a service: about a resource of the
 * service (also KMS actions on it, for instance), or with an action of the
 * service on no resource of the stack (`*`, a hand-written ARN). Statements
 * about the resources of a trigger kind (its own queue, table...) do not.
 */
export function statementsForService(template: Template, stack: ServiceStack, roleId: string, key: ServiceKey): Props[] {
  const { ids, actionPrefix } = SERVICE_RESOURCES[key];
  const present = ids.filter((id) => stack.node.tryFindChild(id) !== undefined).map((id) => logicalId(stack, id));
  return statementsOfRole(template, roleId).filter((st) => {
    const refs = referencedIds(st.Resource);
    return refs.some((id) => present.includes(id)) ||
      (refs.length === 0 && [st.Action].flat().some((a: string) => a.startsWith(actionPrefix)));
  });
}

/** The kinds whose trigger has a dead-letter queue (and, with alarms on, its alarm). */
export const DEAD_LETTER_KINDS: FunctionKind[] = ['s3', 'sqs', 'dynamodb-stream', 'kinesis', 'sns', 'eventbridge', 'schedule'];

/** The stream kinds: with alarms on, an iterator age alarm each. */
export const STREAM_KINDS: FunctionKind[] = ['dynamodb-stream', 'kinesis'];

/** The HTTP kinds: with alarms on, a 5xx rate and a p99 latency alarm each. */
export const HTTP_KINDS: FunctionKind[] = ['apigw-rest', 'apigw-http', 'alb', 'function-url'];

/** The batch kinds: with alarms on, a failed items alarm each. */
export const BATCH_KINDS: FunctionKind[] = ['sqs', 'dynamodb-stream', 'kinesis'];

/**
 * The alarms a configuration has: errors and throttles per function, 5xx rate
 * and latency per HTTP function, failed items per batch function, DLQs,
 * iterator ages.
 */
export function expectedAlarmCount(config: ServiceConfig): number {
  const count = (kinds: FunctionKind[]) => config.functions.filter((f) => kinds.includes(f.kind)).length;
  // Canary and linear deployments roll back on alarms of their own (lib/deploys.ts), alarms on or off.
  const deploymentAlarms = isGradual(config) ? config.functions.length + count(HTTP_KINDS) : 0;
  if (!config.alarms) return deploymentAlarms;
  return deploymentAlarms + functionAlarmCount(config, count);
}

/** Whether the config deploys through CodeDeploy (canary, linear). */
export function isGradual(config: ServiceConfig): boolean {
  return config.deployment?.strategy === 'canary' || config.deployment?.strategy === 'linear';
}

function functionAlarmCount(config: ServiceConfig, count: (kinds: FunctionKind[]) => number): number {
  // An sqs function reading the service's queue has no dead-letter queue of its own: the queue's is counted once.
  const serviceQueueReaders = config.functions.filter((f) => triggerService(f) === 'sqs').length;
  return 2 * config.functions.length + 2 * count(HTTP_KINDS) + count(BATCH_KINDS) +
    (config.services.includes('sqs') ? 1 : 0) + count(DEAD_LETTER_KINDS) - serviceQueueReaders + count(STREAM_KINDS);
}

/** Every method of a REST API by `METHOD /path`, the path rebuilt from the template. */
export function methodsOf(template: Template, restApiId: string): Record<string, Props> {
  const resources = resourcesOfType(template, 'AWS::ApiGateway::Resource');
  const pathOf = (resourceRef: unknown): string => {
    if (JSON.stringify(resourceRef) === JSON.stringify({ 'Fn::GetAtt': [restApiId, 'RootResourceId'] })) return '';
    const id = (resourceRef as { Ref: string }).Ref;
    const resource = resources[id];
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };
  return Object.fromEntries(Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method'))
    .filter((m) => m.Properties.RestApiId.Ref === restApiId)
    .map((m) => [`${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId) || '/'}`, m.Properties]));
}

/** `METHOD /path` for every method of a REST API, rebuilt from the template. */
export function routesOf(template: Template, restApiId: string): string[] {
  return Object.keys(methodsOf(template, restApiId)).sort();
}

/** Two REST functions: `api` (users CRUD on the table) and `hello` (no service). */
export const fixture: ServiceConfig & { functions: ApiGwRestFunctionConfig[] } = {
  projectName: 'fixture-service',
  architecture: 'arm64',
  runtime: 'provided.al2023',
  bundling: 'prebuilt',
  tracing: true,
  alarms: false,
  logLevel: 'INFO',
  logRetentionDays: 30,
  services: ['dynamodb'],
  table: { deletionProtection: false },
  functions: [
    {
      name: 'api',
      kind: 'apigw-rest',
      memorySize: 256,
      timeoutSeconds: 10,
      services: ['dynamodb'],
      routes: [
        { method: 'GET', path: '/users' },
        { method: 'POST', path: '/users' },
        { method: 'GET', path: '/users/{userId}' },
        { method: 'PUT', path: '/users/{userId}' },
        { method: 'DELETE', path: '/users/{userId}' },
      ],
    },
    {
      name: 'hello',
      kind: 'apigw-rest',
      memorySize: 128,
      timeoutSeconds: 5,
      services: [],
      environment: { GREETING: 'hi' },
      routes: [
        { method: 'GET', path: '/hello' },
        { method: 'POST', path: '/hello' },
      ],
    },
  ],
};

/** `config` without any AWS service: no table, bucket, queue... and no function lists one. */
export function withoutServices(config: ServiceConfig): ServiceConfig {
  return { ...config, services: [], table: undefined, functions: config.functions.map((f) => ({ ...f, services: [] })) };
}

/** A REST function with one route and the given services. */
export function restFunction(name: string, services: ServiceKey[]): FunctionConfig {
  return { name, kind: 'apigw-rest', memorySize: 128, timeoutSeconds: 5, services, routes: [{ method: 'POST', path: `/${name}` }] };
}

/**
 * Every service: `api` uses all of them, `uploader` only S3, `plain` none (as
 * a project generated with every `aws_services` choice and per-function
 * `services`).
 */
export const allServices: ServiceConfig = {
  ...fixture,
  services: [...SERVICE_KEYS],
  functions: [restFunction('api', [...SERVICE_KEYS]), restFunction('uploader', ['s3']), restFunction('plain', [])],
};

/** Every service, each used by exactly one function (two per function). */
export const splitServices: ServiceConfig = {
  ...fixture,
  services: [...SERVICE_KEYS],
  functions: [
    restFunction('store', ['dynamodb', 's3']),
    restFunction('notify', ['sqs', 'sns']),
    restFunction('settings', ['secretsmanager', 'ssm']),
    restFunction('produce', ['kinesis', 'eventbridge']),
  ],
};

export { KIND_DEFAULTS, type KindConfig };

export const FUNCTION_KINDS = Object.keys(KIND_DEFAULTS) as FunctionKind[];

/** A function of `kind` with the catalogue's settings, no service, and `overrides` on top. */
export function kindFunction<K extends FunctionKind>(kind: K, overrides: Partial<KindConfig<K>> = {}): KindConfig<K> {
  const services: ServiceKey[] = [];
  return { memorySize: 256, services, ...KIND_DEFAULTS[kind], ...overrides } as unknown as KindConfig<K>;
}

/** A service of the given functions and no AWS service; tracing on, alarms off (as `fixture`). */
export function serviceOf(...functions: FunctionConfig[]): ServiceConfig {
  return { ...withoutServices(fixture), functions };
}

/** One function of every kind, with the catalogue's names and settings. */
export const allKinds: ServiceConfig = serviceOf(...FUNCTION_KINDS.map((kind) => kindFunction(kind)));

/** Two functions of every kind (`<name>` and `<name>-2`): construct ids and outputs must not clash. */
export const everyKindTwice: ServiceConfig = serviceOf(
  ...FUNCTION_KINDS.flatMap((kind) => [kindFunction(kind), kindFunction(kind, { name: `${KIND_DEFAULTS[kind].name}-2` })]),
);
