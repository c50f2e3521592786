// The limits of the HTTP front doors: stage throttling of REST and HTTP APIs, the REST usage plan
// with its API key, and the WAF web ACL in front of REST stages and load balancers.
import type { ServiceConfig } from '../lib/config-types';
import { exposedId } from '../lib/naming';
import { WAF_COUNT_ONLY_RULES, WAF_MANAGED_RULE_GROUPS, WAF_RATE_WINDOW_SECONDS } from '../lib/waf';
import { type Props, kindFunction, logicalId, resourcesOfType, serviceOf, synth } from './helpers';

const throttle = { rateLimit: 100, burstLimit: 200 };

/** One function of each HTTP kind: REST, HTTP API, ALB (HTTPS), function URL. */
const front: ServiceConfig = serviceOf(
  kindFunction('apigw-rest'),
  kindFunction('apigw-http'),
  kindFunction('alb'),
  kindFunction('function-url'),
);

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0];
}

describe('stage throttling (apiThrottle)', () => {
  const { template } = synth({ ...front, apiThrottle: throttle });

  test('REST: every method of stage prod', () => {
    const stage = only(Object.values(resourcesOfType(template, 'AWS::ApiGateway::Stage')));
    expect(stage.Properties.StageName).toBe('prod');
    expect(stage.Properties.MethodSettings).toEqual([expect.objectContaining({
      HttpMethod: '*',
      ResourcePath: '/*',
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 200,
    })]);
  });

  test('HTTP API: every route of stage $default', () => {
    const stage = only(Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Stage')));
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });

  test('without it, the account\'s limits only: no stage throttling', () => {
    const { template: t } = synth(front);
    const rest = only(Object.values(resourcesOfType(t, 'AWS::ApiGateway::Stage')));
    expect(rest.Properties.MethodSettings).toBeUndefined();
    const http = only(Object.values(resourcesOfType(t, 'AWS::ApiGatewayV2::Stage')));
    expect(http.Properties.DefaultRouteSettings).toBeUndefined();
  });

  test.each([
    [{ rateLimit: 0, burstLimit: 200 }, /apiThrottle.rateLimit must be a positive number of requests per second, got 0/],
    [{ rateLimit: 100, burstLimit: 2.5 }, /apiThrottle.burstLimit must be a positive whole number of requests, got 2.5/],
  ])('%j is refused at synth', (apiThrottle, error) => {
    expect(() => synth({ ...front, apiThrottle })).toThrow(error);
  });
});

describe('API keys (apiKeys)', () => {
  const { stack, template } = synth({ ...front, apiThrottle: throttle, apiKeys: true });
  const restApi = logicalId(stack, 'ApiRestApi');

  test('every method of the REST API requires a key', () => {
    const methods = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method'));
    expect(methods.length).toBeGreaterThan(0);
    for (const method of methods) expect(method.Properties.ApiKeyRequired).toBe(true);
  });

  test('a usage plan on the stage throttles each key like the stage; one key in it, its id an output', () => {
    const plan = only(Object.entries(resourcesOfType(template, 'AWS::ApiGateway::UsagePlan')));
    const stage = only(Object.keys(resourcesOfType(template, 'AWS::ApiGateway::Stage')));
    expect(plan[1].Properties).toMatchObject({
      UsagePlanName: 'fixture-service-api',
      ApiStages: [{ ApiId: { Ref: restApi }, Stage: { Ref: stage } }],
      Throttle: { RateLimit: 100, BurstLimit: 200 },
    });
    expect(plan[1].Properties.Quota).toBeUndefined();
    const key = only(Object.keys(resourcesOfType(template, 'AWS::ApiGateway::ApiKey')));
    const link = only(Object.values(resourcesOfType(template, 'AWS::ApiGateway::UsagePlanKey')));
    expect(link.Properties).toEqual({ KeyId: { Ref: key }, KeyType: 'API_KEY', UsagePlanId: { Ref: plan[0] } });
    // The key's id only: API Gateway generates its value, which never enters the template.
    expect(template.toJSON().Outputs[exposedId('api', 'ApiKeyId')].Value).toEqual({ Ref: key });
    expect(template.toJSON().Resources[key].Properties.Value).toBeUndefined();
  });

  test('without it: no key required, no usage plan, no key', () => {
    const { template: t } = synth({ ...front, apiThrottle: throttle });
    for (const method of Object.values(resourcesOfType(t, 'AWS::ApiGateway::Method'))) {
      expect(method.Properties.ApiKeyRequired).toBeUndefined();
    }
    t.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    t.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
  });
});

describe('WAF (waf)', () => {
  const { stack, template } = synth({ ...front, waf: { ipRateLimit: 2000 } });

  test('one regional web ACL: the AWS managed rule groups, then a rate limit per client IP; allow otherwise', () => {
    const acl = only(Object.values(resourcesOfType(template, 'AWS::WAFv2::WebACL')));
    expect(acl.Properties.Scope).toBe('REGIONAL');
    expect(acl.Properties.DefaultAction).toEqual({ Allow: {} });
    const rules: Props[] = acl.Properties.Rules;
    expect(rules.map((r) => [r.Priority, r.Name])).toEqual([
      [0, 'AWSManagedRulesCommonRuleSet'],
      [1, 'AWSManagedRulesKnownBadInputsRuleSet'],
      [2, 'RateLimitPerIp'],
    ]);
    expect(WAF_MANAGED_RULE_GROUPS).toEqual(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']);
    for (const rule of rules.slice(0, 2)) {
      expect(rule.OverrideAction).toEqual({ None: {} }); // the group's own actions block
      expect(rule.Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS', Name: rule.Name });
    }
    // The handlers take bodies up to 1 MiB: the core rule set's 8 KB body limit only counts.
    expect(rules[0].Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual(
      WAF_COUNT_ONLY_RULES.map((name) => ({ Name: name, ActionToUse: { Count: {} } })),
    );
    expect(WAF_COUNT_ONLY_RULES).toEqual(['SizeRestrictions_BODY']);
    expect(rules[1].Statement.ManagedRuleGroupStatement.RuleActionOverrides).toBeUndefined();
    expect(rules[2]).toMatchObject({
      Action: { Block: {} },
      Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: WAF_RATE_WINDOW_SECONDS } },
    });
    expect(WAF_RATE_WINDOW_SECONDS).toBe(300);
  });

  test('CloudWatch metrics and sampled requests for the web ACL and each rule', () => {
    const acl = only(Object.values(resourcesOfType(template, 'AWS::WAFv2::WebACL')));
    const configs = [acl.Properties.VisibilityConfig, ...acl.Properties.Rules.map((r: Props) => r.VisibilityConfig)];
    expect(configs).toHaveLength(4);
    for (const config of configs) {
      expect(config).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
      expect(config.MetricName).toMatch(/^fixture-service-[A-Za-z-]+$/);
    }
    expect(new Set(configs.map((c) => c.MetricName)).size).toBe(4);
  });

  test('associated with the REST stage and the load balancer, nothing else', () => {
    const acl = only(Object.keys(resourcesOfType(template, 'AWS::WAFv2::WebACL')));
    const associations = Object.values(resourcesOfType(template, 'AWS::WAFv2::WebACLAssociation'));
    expect(associations).toHaveLength(2);
    for (const a of associations) expect(a.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [acl, 'Arn'] });
    const stage = only(Object.keys(resourcesOfType(template, 'AWS::ApiGateway::Stage')));
    const byResource = associations.map((a) => JSON.stringify(a.Properties.ResourceArn));
    expect(byResource).toContainEqual(JSON.stringify({ Ref: logicalId(stack, 'AlbLoadBalancer') }));
    const rest = associations.find((a) => JSON.stringify(a.Properties.ResourceArn).includes('/stages/'));
    expect(JSON.stringify(rest?.Properties.ResourceArn)).toContain(`{"Ref":"${stage}"}`);
    // WAF cannot associate with a stage that is still being created.
    expect(rest?.DependsOn).toContain(stage);
  });

  test('no web ACL without waf, nor with waf but nothing it can protect', () => {
    synth(front).template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    const unprotectable = serviceOf(kindFunction('apigw-http'), kindFunction('function-url'));
    synth({ ...unprotectable, waf: { ipRateLimit: 2000 } }).template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('a rate limit WAF does not take is refused at synth', () => {
    expect(() => synth({ ...front, waf: { ipRateLimit: 5 } })).toThrow(/waf.ipRateLimit must be an integer from 10 to 2000000000, got 5/);
  });
});
