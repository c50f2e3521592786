import { authorizerEnvironment } from '../auth';
import type { AuthorizerFunctionConfig } from '../config-types';
import type { KindContext } from './types';

/**
 * No trigger of its own: the APIs of the functions with `auth: 'lambda'` that
 * name it invoke it (lib/auth.ts creates their authorizers, which allow
 * API Gateway to). It gets the issuer and audience of the tokens it verifies:
 * JWT_ISSUER and JWT_AUDIENCE, those of the stack's user pool and its app
 * client (`issuer: 'user-pool'`) or of `ServiceConfig.jwt`.
 */
export function wireAuthorizer({ service, config, fn, auth }: KindContext<AuthorizerFunctionConfig>): void {
  if (config.issuer !== 'user-pool' && config.issuer !== 'jwt') {
    throw new Error(`function '${config.name}': issuer must be 'user-pool' or 'jwt', got '${String(config.issuer)}'`);
  }
  for (const [name, value] of Object.entries(authorizerEnvironment(service, config.issuer, auth))) {
    fn.addEnvironment(name, value);
  }
}
