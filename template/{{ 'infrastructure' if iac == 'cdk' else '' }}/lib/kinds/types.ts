import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Stack } from 'aws-cdk-lib';
import type { ServiceAlarms } from '../alarms';
import type { AuthResources } from '../auth';
import type { FunctionConfig, ServiceConfig } from '../config-types';
import type { ServiceResources } from '../services';
import type { ServiceWebAcl } from '../waf';

/** What a kind gets to wire one function to its trigger. */
export interface KindContext<C extends FunctionConfig = FunctionConfig> {
  /**
   * The stack. Kinds create their constructs directly in it, with ids
   * prefixed by `pascalCase(config.name)`, so logical ids and output names
   * stay readable and stable.
   */
  stack: Stack;
  service: ServiceConfig;
  config: C;
  /** The function, already created with its log group, environment and grants. */
  fn: lambda.Function;
  /**
   * What the trigger invokes: the function's `live` alias, or the function
   * itself with deployment `none` (lib/deploys.ts). Integrations, event
   * sources, subscriptions, targets, URLs and authorizers take this; grants,
   * environment and metrics stay on `fn`.
   */
  target: lambda.IFunction;
  /** The resources of the service's AWS services (table, bucket, queue...). */
  resources: ServiceResources;
  /** The stack's user pool and app client, when a function needs them (lib/auth.ts). */
  auth?: AuthResources;
  /** Every function of the stack, by name: an API's authorizer function, for instance. */
  functions?: ReadonlyMap<string, lambda.IFunction>;
  /**
   * Present when the service has alarms on. The function's errors and
   * throttles alarms exist already; a kind adds its own through it: 5xx rate
   * and latency where its requests arrive (`forHttpFunction`), failed batch
   * items, dead-letter queue depth, iterator age.
   */
  alarms?: ServiceAlarms;
  /**
   * Present when the service has a web ACL (`ServiceConfig.waf`): the kinds
   * that WAF can protect (REST API stages, load balancers) associate with it.
   */
  waf?: ServiceWebAcl;
}

export type KindWiring<C extends FunctionConfig> = (ctx: KindContext<C>) => void;
