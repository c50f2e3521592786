// The service's WAFv2 web ACL (ServiceConfig.waf): one for the whole stack, in front of every REST
// API stage and load balancer. HTTP APIs and function URLs cannot be associated with a web ACL.
import type { Stack } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { IConstruct } from 'constructs';
import type { WafConfig } from './config-types';

/** The AWS managed rule groups of the web ACL, in priority order. */
export const WAF_MANAGED_RULE_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;

/**
 * Rules of the core rule set that only count. SizeRestrictions_BODY blocks
 * bodies over 8 KB, but the Go handlers accept up to 1 MiB
 * (middleware.MaxBodyBytes) and answer 400 above it, so the limit stays theirs.
 */
export const WAF_COUNT_ONLY_RULES = ['SizeRestrictions_BODY'] as const;

/** The window over which the rate-based rule counts a client IP's requests. */
export const WAF_RATE_WINDOW_SECONDS = 300;

/** What WAFv2 accepts as a rate-based rule's limit. */
const RATE_LIMIT_RANGE = [10, 2_000_000_000] as const;

/**
 * The web ACL, created with the first resource it protects (none without a
 * REST API or load balancer): AWS managed rule groups, then a rate-based rule
 * blocking a client IP past `ipRateLimit` requests in 5 minutes; requests no
 * rule blocks are allowed. Every rule has CloudWatch metrics and sampled requests.
 */
export class ServiceWebAcl {
  private acl?: wafv2.CfnWebACL;

  constructor(
    private readonly stack: Stack,
    private readonly config: WafConfig,
    private readonly metricPrefix: string,
  ) {
    const [low, high] = RATE_LIMIT_RANGE;
    if (!Number.isInteger(config.ipRateLimit) || config.ipRateLimit < low || config.ipRateLimit > high) {
      throw new Error(`waf.ipRateLimit must be an integer from ${low} to ${high}, got ${config.ipRateLimit}`);
    }
  }

  /**
   * Puts the web ACL in front of `resourceArn` (a REST API stage or a load
   * balancer), once `resource` exists: WAF cannot associate with a stage
   * that is still being created.
   */
  protect(id: string, resourceArn: string, resource: IConstruct): wafv2.CfnWebACLAssociation {
    const association = new wafv2.CfnWebACLAssociation(this.stack, id, { resourceArn, webAclArn: this.webAcl().attrArn });
    association.node.addDependency(resource);
    return association;
  }

  private webAcl(): wafv2.CfnWebACL {
    this.acl ??= new wafv2.CfnWebACL(this.stack, 'WebAcl', {
      scope: 'REGIONAL',
      description: `${this.metricPrefix}: managed rules and a rate limit per client IP`,
      defaultAction: { allow: {} },
      visibilityConfig: this.visibility('web-acl'),
      rules: [
        ...WAF_MANAGED_RULE_GROUPS.map((name, priority) => this.managedRuleGroup(name, priority)),
        this.rateRule(WAF_MANAGED_RULE_GROUPS.length),
      ],
    });
    return this.acl;
  }

  private managedRuleGroup(name: string, priority: number): wafv2.CfnWebACL.RuleProperty {
    const countOnly = name === 'AWSManagedRulesCommonRuleSet' ? WAF_COUNT_ONLY_RULES : [];
    return {
      name,
      priority,
      // A rule group's own rules decide (block or count): `none` keeps their actions.
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ...(countOnly.length > 0
            ? { ruleActionOverrides: countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
            : {}),
        },
      },
      visibilityConfig: this.visibility(name),
    };
  }

  private rateRule(priority: number): wafv2.CfnWebACL.RuleProperty {
    return {
      name: 'RateLimitPerIp',
      priority,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: this.config.ipRateLimit,
          aggregateKeyType: 'IP',
          evaluationWindowSec: WAF_RATE_WINDOW_SECONDS,
        },
      },
      visibilityConfig: this.visibility('rate-limit-per-ip'),
    };
  }

  private visibility(name: string): wafv2.CfnWebACL.VisibilityConfigProperty {
    return { cloudWatchMetricsEnabled: true, metricName: `${this.metricPrefix}-${name}`, sampledRequestsEnabled: true };
  }
}
