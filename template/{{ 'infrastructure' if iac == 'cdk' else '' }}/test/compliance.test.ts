// cdk-nag (AwsSolutions) and CDK's own validation, as `cdk synth` runs them: the app is
// synthesized in-process into a temporary cloud assembly and the validation report CDK writes
// there (validation-report.json) is parsed. No finding may be left unacknowledged, and every
// acknowledgement must match a finding and carry a reason.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { API_GATEWAY_CLOUDWATCH_ROLE_STACK, addApiGatewayCloudWatchRole, restApiLogSettings } from '../lib/api-logs';
import { authOf, needsUserPool } from '../lib/auth';
import { addComplianceChecks } from '../lib/checks';
import { deploymentOf } from '../lib/deploys';
import { PLAIN_HTTP_WARNING } from '../lib/kinds/alb';
import { type FunctionKind, type S3FunctionConfig, SERVICE_KEYS, type ServiceConfig, type ServiceKey } from '../lib/config-types';
import { pascalCase } from '../lib/naming';
import { serviceConfig } from '../lib/service-config';
import type { ServiceStack } from '../lib/service-stack';
import {
  PROJECT_ROOT,
  type SynthOptions,
  allKinds,
  allServices,
  everyKindTwice,
  kindFunction,
  fixture,
  isGradual,
  logicalId,
  newApp,
  newStack,
  serviceOf,
  splitServices,
  tempDir,
  withoutServices,
} from './helpers';

interface ReportedConstruct {
  constructPath: string;
}
interface Violation {
  ruleName: string;
  description: string;
  severity: string;
  violatingConstructs: ReportedConstruct[];
}
interface SuppressedViolation extends Violation {
  acknowledgedId: string;
  acknowledgedAt?: string;
  reason?: string;
}
interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: 'success' | 'failure';
    violations: Violation[];
    suppressedViolations?: SuppressedViolation[];
  }[];
}

/** Synthesize like bin/app.ts (checks on the app) and read the validation report. */
function validate(config: ServiceConfig, options: SynthOptions = {}) {
  const outdir = tempDir('compliance-test-');
  const app = newApp({ ...options, outdir });
  addComplianceChecks(app);
  const stack = newStack(app, config, options);
  addApiGatewayCloudWatchRole(app, stack, config);
  app.synth(); // throws, with the report, on any unacknowledged error
  const report: ValidationReport = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  const plugins = report.pluginReports;
  return {
    stack,
    plugins,
    findings: plugins.flatMap((p) => p.violations.map((v) => ({ plugin: p.pluginName, rule: v.ruleName, severity: v.severity }))),
    suppressed: plugins.flatMap((p) => p.suppressedViolations ?? []),
    acknowledgements: acknowledgementsIn(app),
  };
}

/** Every `Validations.of(c).acknowledge()` in the tree: qualified id -> reason. */
function acknowledgementsIn(root: IConstruct): Map<string, string[]> {
  const acks = new Map<string, string[]>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        acks.set(id, [...(acks.get(id) ?? []), reason]);
      }
    }
  }
  return acks;
}

/** The AwsSolutions findings a configuration is expected to acknowledge, and no others. */
function expectedAcknowledgements(config: ServiceConfig, stack: ServiceStack): string[] {
  const uses = (key: ServiceKey) => config.functions.some((f) => f.services.includes(key));
  const has = (...kinds: FunctionKind[]) => config.functions.some((f) => kinds.includes(f.kind));
  const s3Functions = config.functions.filter((f): f is S3FunctionConfig => f.kind === 's3');
  const restLogs = restApiLogSettings(config);
  const userPool = needsUserPool(config) ? config.userPool ?? {} : undefined;
  return [
    ...(has('apigw-rest') ? [
      ...(config.waf ? [] : ['AwsSolutions-APIG3']), // no WAF web ACL
      ...(restLogs.access ? [] : ['AwsSolutions-APIG1']), // no account role for API Gateway's logs
      ...(restLogs.execution ? [] : ['AwsSolutions-APIG6']),
      // The role of the stack apigateway-cloudwatch-role: AWS's managed policy for it.
      ...(config.apiGatewayCloudWatchRole === 'stack'
        ? ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]']
        : []),
    ] : []),
    // A REST API authorized otherwise than by the user pool (iam, lambda, none).
    ...(config.functions.some((f) => f.kind === 'apigw-rest' && authOf(f) !== 'cognito') ? ['AwsSolutions-COG4'] : []),
    // A public API: auth none, chosen in the answers or service-config.ts.
    ...(config.functions.some((f) => authOf(f) === 'none') ? ['AwsSolutions-APIG4'] : []),
    // The user pool's settings relaxed in ServiceConfig.userPool.
    ...(userPool?.mfa === 'optional' ? ['AwsSolutions-COG2'] : []),
    ...(userPool?.threatProtection === false ? ['AwsSolutions-COG8'] : []),
    // ALB: ports 443 and 80 (or 80 alone, plain HTTP) open to the internet by design.
    ...(has('alb') ? ['AwsSolutions-EC23'] : []),
    // S3 kind: CDK's BucketNotificationsHandler role, and reads of `<bucket>/<prefix>*`.
    ...(s3Functions.length > 0
      ? ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]']
      : []),
    ...s3Functions.map((f) => `AwsSolutions-IAM5[Resource::<${logicalId(stack, `${pascalCase(f.name)}Bucket`)}.Arn>/${f.prefix}*]`),
    // Dead-letter queues that are not another queue's redrive target (Lambda, SNS, EventBridge failures).
    ...(has('s3', 'dynamodb-stream', 'kinesis', 'sns', 'eventbridge', 'schedule') ? ['AwsSolutions-SQS3'] : []),
    ...(config.tracing ? ['AwsSolutions-IAM5[Resource::*]'] : []), // X-Ray's PutTraceSegments
    // Canary and linear deployments: CodeDeploy's role, with AWS's managed policy for Lambda.
    ...(isGradual(config)
      ? ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]']
      : []),
    // Object actions on `<bucket>/*`: keys are chosen at run time.
    ...(uses('s3') ? [`AwsSolutions-IAM5[Resource::<${logicalId(stack, 'Bucket')}.Arn>/*]`] : []),
    // No rotation Lambda: it depends on what the secret is for.
    ...(config.services.includes('secretsmanager') ? ['AwsSolutions-SMG4'] : []),
  ].sort();
}

/**
 * The findings a configuration leaves visible on purpose, which every synth should keep showing
 * until the project fixes them: CloudFormation's deprecation warning for provided.al2 (Lambda
 * stops creating and then updating such functions in 2027), and the warning about a load
 * balancer serving plain HTTP (an `alb` function without `https`). And one CloudFormation rule
 * that does not know SNS delivers to a qualified function ARN: W3694 on the subscription of an
 * `sns` function to its topic, whose endpoint is the function's live alias (lib/deploys.ts), so
 * that the notifications follow the alias through a canary deployment.
 */
function expectedFindings(config: ServiceConfig) {
  const plainHttp = config.functions.some((f) => f.kind === 'alb' && f.https === undefined);
  const aliased = deploymentOf(config).strategy !== 'none';
  const snsSubscriptions = aliased ? config.functions.filter((f) => f.kind === 'sns').length : 0;
  return [
    ...(config.runtime === 'provided.al2' ? [{ plugin: 'CloudFormation Validate', rule: 'W2531', severity: 'warning' }] : []),
    ...Array.from({ length: snsSubscriptions }, () => ({ plugin: 'CloudFormation Validate', rule: 'W3694', severity: 'warning' })),
    ...(plainHttp ? [{ plugin: 'Construct Annotations', rule: `Annotation::${PLAIN_HTTP_WARNING}`, severity: 'warning' }] : []),
  ];
}

const several: ServiceConfig = {
  ...fixture,
  functions: ['orders-api', 'billing_worker', 'api'].map((name, i) => ({
    ...fixture.functions[i === 2 ? 0 : 1],
    name,
  })),
};

const cases: [string, ServiceConfig, SynthOptions][] = [
  ['generated service-config.ts', serviceConfig, { projectRoot: PROJECT_ROOT }],
  ['two functions, table, tracing on', fixture, {}],
  ['tracing off', { ...fixture, tracing: false }, {}],
  ['alarms on', { ...fixture, alarms: true }, {}],
  ['alarms on, an email address subscribed', { ...fixture, alarms: true, alarmNotify: { emails: ['oncall@example.com'] } }, {}],
  ['alarms on, an existing topic', { ...fixture, alarms: true, alarmNotify: { topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' } }, {}],
  ['three functions, alarms on, tracing off, no service', withoutServices({ ...several, alarms: true, tracing: false }), {}],
  ['three functions, alarms on, tracing on', { ...several, alarms: true }, {}],
  ['x86_64', { ...fixture, architecture: 'x86_64' }, {}],
  ['provided.al2', { ...fixture, runtime: 'provided.al2' }, {}],
  ['bundling go-function', { ...fixture, bundling: 'go-function', alarms: true }, {}],
  ['API access and execution logging on', { ...fixture, apiAccessLogging: true, apiExecutionLogging: true }, {}],
  ['API Gateway CloudWatch role from the app\'s stack', { ...fixture, apiGatewayCloudWatchRole: 'stack' }, {}],
  ['API Gateway CloudWatch role of the account', { ...fixture, apiGatewayCloudWatchRole: 'account' }, {}],
  ['no API Gateway CloudWatch role', { ...fixture, apiGatewayCloudWatchRole: 'none' }, {}],
  ['the role of the account, access logs off', { ...fixture, apiGatewayCloudWatchRole: 'account', apiAccessLogging: false }, {}],
  ['every kind, the role from the app\'s stack', { ...allKinds, apiGatewayCloudWatchRole: 'stack' }, {}],
  ['every service', allServices, {}],
  ['every service, alarms on, tracing off', { ...allServices, alarms: true, tracing: false }, {}],
  ['services split across functions', splitServices, {}],
  ['services split across functions, go-function, x86_64', { ...splitServices, bundling: 'go-function', architecture: 'x86_64' }, {}],
  ['services with no function using them', { ...withoutServices(fixture), services: allServices.services }, {}],
  ['one function of every kind', allKinds, {}],
  ['every kind, alarms on, tracing off, x86_64', { ...allKinds, alarms: true, tracing: false, architecture: 'x86_64' }, {}],
  ['every kind, every service used by every function', {
    ...allKinds,
    services: [...SERVICE_KEYS],
    functions: allKinds.functions.map((f) => ({ ...f, services: [...SERVICE_KEYS] })),
  }, {}],
  ['two functions of every kind, go-function', { ...everyKindTwice, bundling: 'go-function' }, {}],
  ['HTTP front doors throttled, API keys, WAF', {
    ...allKinds, apiThrottle: { rateLimit: 100, burstLimit: 200 }, apiKeys: true, waf: { ipRateLimit: 2000 },
  }, {}],
  ['ALB with a certificate issued for a domain, WAF', {
    ...serviceOf(
      kindFunction('alb', { https: { domainName: 'api.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' } }),
      kindFunction('apigw-rest'),
    ),
    waf: { ipRateLimit: 2000 },
  }, {}],
  ['ALB with plain HTTP', serviceOf(kindFunction('alb', { https: undefined }), kindFunction('alb', { name: 'alb-2' })), {}],
  ['ALB in a region with a legacy ELB account', serviceOf(kindFunction('alb')), { region: 'us-east-1' }],
  ['public function URL, S3 kind without prefix', {
    ...withoutServices(fixture),
    functions: [kindFunction('function-url', { authType: 'NONE' }), kindFunction('s3', { prefix: '' })],
  }, {}],
  ['REST APIs behind the user pool only', serviceOf(
    kindFunction('apigw-rest', { auth: 'cognito' }), kindFunction('apigw-http', { auth: 'cognito' }),
  ), {}],
  ['every auth mode', {
    ...serviceOf(
      ...(['cognito', 'iam', 'lambda', 'none'] as const).map((auth) =>
        kindFunction('apigw-rest', { name: `rest-${auth}`, auth, ...(auth === 'lambda' ? { authorizer: 'authorizer' } : {}) })),
      ...(['cognito', 'iam', 'jwt', 'lambda', 'none'] as const).map((auth) =>
        kindFunction('apigw-http', { name: `http-${auth}`, auth, ...(auth === 'lambda' ? { authorizer: 'jwt-authorizer' } : {}) })),
      kindFunction('authorizer'),
      kindFunction('authorizer', { name: 'jwt-authorizer', issuer: 'jwt' }),
    ),
    jwt: { issuer: 'https://example.eu.auth0.com/', audience: ['https://api.example.com'] },
  }, {}],
  ['IAM and Lambda authorizers, no user pool', {
    ...serviceOf(
      kindFunction('apigw-rest', { auth: 'iam' }),
      kindFunction('apigw-http', { auth: 'lambda', authorizer: 'authorizer' }),
      kindFunction('authorizer', { issuer: 'jwt' }),
    ),
    jwt: { issuer: 'https://example.eu.auth0.com/', audience: ['https://api.example.com'] },
  }, {}],
  ['idempotent consumers and their table', serviceOf(
    kindFunction('sqs', { idempotency: true }), kindFunction('eventbridge', { idempotency: true }),
  ), {}],
  ['a user pool with optional MFA and without threat protection', {
    ...serviceOf(kindFunction('apigw-rest', { auth: 'cognito' })),
    userPool: { mfa: 'optional', threatProtection: false },
  }, {}],
];

describe.each(cases)('%s', (_name, config, options) => {
  // CDK prints the warnings it reports; those of expectedFindings are expected.
  const quiet = expectedFindings(config).length > 0 ? jest.spyOn(console, 'error').mockImplementation(() => undefined) : undefined;
  const result = validate(config, options);
  quiet?.mockRestore();

  test('no unacknowledged finding, from any plugin', () => {
    expect(result.findings).toEqual(expectedFindings(config));
    expect(result.plugins.map((p) => p.conclusion)).not.toContain('failure');
    // The plugin ran: its acknowledged findings are in the report.
    expect(result.plugins.map((p) => p.pluginName)).toContain('AwsSolutions');
  });

  test('exactly the expected findings are acknowledged', () => {
    const rules = [...new Set(result.suppressed.map((s) => s.ruleName))].sort();
    expect(rules).toEqual(expectedAcknowledgements(config, result.stack));
  });

  test('every acknowledgement has a reason and matches a finding', () => {
    for (const s of result.suppressed) {
      expect(s.acknowledgedId).toBe(`AwsSolutions::${s.ruleName}`);
      expect(s.reason?.length).toBeGreaterThan(40);
    }
    const used = new Set(result.suppressed.map((s) => s.acknowledgedId));
    const nagAcks = [...result.acknowledgements.keys()].filter((id) => id.startsWith('AwsSolutions::'));
    expect(nagAcks.filter((id) => !used.has(id))).toEqual([]);
    for (const reasons of result.acknowledgements.values()) {
      for (const reason of reasons) expect(reason.length).toBeGreaterThan(40);
    }
  });
});

test('go-function: the only other acknowledgement is GoFunction\'s goBuildFlags warning', () => {
  const { acknowledgements } = validate({ ...fixture, bundling: 'go-function' });
  expect([...acknowledgements.keys()].filter((id) => !id.startsWith('AwsSolutions::'))).toEqual([
    'Annotation::@aws-cdk/aws-lambda-go-alpha:goBuildFlagsSecurityWarning',
  ]);
  const { acknowledgements: prebuilt } = validate(fixture);
  expect([...prebuilt.keys()].filter((id) => !id.startsWith('AwsSolutions::'))).toEqual([]);
});

test('a finding that is not acknowledged fails the synth, with the rule in the message', () => {
  const app = newApp({ outdir: tempDir('compliance-test-') });
  addComplianceChecks(app);
  const stack = newStack(app, fixture);
  // What a later change could do: a wildcard grant on a role that has no acknowledgement for it.
  stack.functions.get('hello')?.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
  expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
});

test('every service: each service acknowledgement sits on the construct it is about', () => {
  const { suppressed } = validate(allServices);
  const where = (rule: string) => suppressed
    .filter((s) => s.ruleName === rule)
    .flatMap((s) => s.violatingConstructs.map((c) => c.constructPath))
    .sort();
  // Only the roles of the functions that list s3 have the bucket-objects grant.
  expect(where('AwsSolutions-IAM5[Resource::<Bucket83908E77.Arn>/*]')).toEqual([
    'TestStack/ApiRole/DefaultPolicy/Resource',
    'TestStack/UploaderRole/DefaultPolicy/Resource',
  ]);
  expect(where('AwsSolutions-SMG4')).toEqual(['TestStack/Secret/Resource']);
});

test('the stack apigateway-cloudwatch-role acknowledges only AWS\'s managed policy of its role', () => {
  const { suppressed } = validate({ ...fixture, apiGatewayCloudWatchRole: 'stack' });
  const inRoleStack = suppressed
    .map((s) => ({ rule: s.ruleName, paths: s.violatingConstructs.map((c) => c.constructPath) }))
    .filter(({ paths }) => paths.some((p) => p.startsWith(`${API_GATEWAY_CLOUDWATCH_ROLE_STACK}/`)));
  expect(inRoleStack).toEqual([{
    rule: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    paths: [`${API_GATEWAY_CLOUDWATCH_ROLE_STACK}/Role/Resource`],
  }]);
});
