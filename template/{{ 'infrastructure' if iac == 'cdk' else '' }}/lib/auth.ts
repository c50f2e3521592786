// Who may call the APIs: the stack's Cognito user pool, and the authorizer of each API function
// by its `auth` (lib/config-types.ts, ApiAuth), with the cdk-nag findings each choice leaves.
import { CfnOutput, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpIamAuthorizer,
  HttpJwtAuthorizer,
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
  HttpUserPoolAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { API_AUTHS, type ApiAuth, type ApiAuthConfig, type FunctionConfig, type ServiceConfig } from './config-types';
import { acknowledge } from './kinds/shared';
import { pascalCase } from './naming';

/** The stack's user pool and its app client, when some function needs them. */
export interface AuthResources {
  userPool?: cognito.UserPool;
  userPoolClient?: cognito.UserPoolClient;
}

/** How long API Gateway caches an authorizer's answer for one token. */
export const AUTHORIZER_CACHE_TTL = Duration.minutes(5);

/** The header that carries the token: the identity source of every authorizer here. */
const AUTHORIZATION_HEADER = 'Authorization';

/** Every function's auth: `none` when its config sets none (configs from before auth existed). */
export function authOf(config: FunctionConfig): ApiAuth | undefined {
  if (config.kind !== 'apigw-rest' && config.kind !== 'apigw-http') return undefined;
  return config.auth ?? 'none';
}

/** Whether the stack needs its user pool: for `cognito` APIs, and authorizers verifying its tokens. */
export function needsUserPool(config: ServiceConfig): boolean {
  return config.functions.some((f) => authOf(f) === 'cognito' || (f.kind === 'authorizer' && f.issuer === 'user-pool'));
}

/** Throws unless every function's auth can be wired: its issuer, its authorizer function. */
export function checkAuth(config: ServiceConfig): void {
  const authorizers = config.functions.filter((f) => f.kind === 'authorizer').map((f) => f.name);
  for (const fn of config.functions) {
    const auth = authOf(fn);
    if (auth !== undefined && !(API_AUTHS as readonly string[]).includes(auth)) {
      throw new Error(`function '${fn.name}': auth must be one of ${API_AUTHS.join(', ')}, got '${auth}'`);
    }
    if (auth === 'jwt' && fn.kind === 'apigw-rest') {
      throw new Error(`function '${fn.name}': REST APIs have no JWT authorizer; use cognito, iam or lambda`);
    }
    const needsJwt = auth === 'jwt' || (fn.kind === 'authorizer' && fn.issuer === 'jwt');
    if (needsJwt && (!config.jwt?.issuer.startsWith('https://') || config.jwt.audience.length === 0)) {
      throw new Error(`function '${fn.name}': verifies JWTs of ServiceConfig.jwt, which needs an https issuer and an audience`);
    }
    const { authorizer } = fn as ApiAuthConfig;
    if (auth === 'lambda' && (authorizer === undefined || !authorizers.includes(authorizer))) {
      throw new Error(`function '${fn.name}': auth 'lambda' needs authorizer, the name of an authorizer function (${authorizers.join(', ') || 'none'})`);
    }
  }
}

/**
 * The user pool (`UserPool`) and its app client (`UserPoolClient`), when a function needs
 * them: sign-in with an email address, TOTP MFA, a 12-character password policy, no self
 * sign-up by default, threat protection enforced (Plus plan), retained with the users it
 * holds when the stack goes. The client has no secret (public clients such as browsers and
 * the CLI cannot keep one), no OAuth flows (no hosted sign-in page), SRP sign-in and the
 * admin-initiated one of tools with IAM credentials, one-hour tokens and token revocation.
 */
export function createAuthResources(stack: Stack, config: ServiceConfig): AuthResources {
  if (!needsUserPool(config)) return {};
  const settings = config.userPool ?? {};
  const threatProtection = settings.threatProtection ?? true;
  const mfaRequired = (settings.mfa ?? 'required') === 'required';
  const userPool = new cognito.UserPool(stack, 'UserPool', {
    userPoolName: `${config.projectName}-users`,
    selfSignUpEnabled: settings.selfSignUp ?? false,
    signInAliases: { email: true },
    signInCaseSensitive: false,
    autoVerify: { email: true },
    keepOriginal: { email: true },
    standardAttributes: { email: { required: true, mutable: true } },
    mfa: mfaRequired ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
    mfaSecondFactor: { otp: true, sms: false },
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
    ...(threatProtection ? { standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION } : {}),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const userPoolClient = userPool.addClient('UserPoolClient', {
    userPoolClientName: `${config.projectName}-api`,
    generateSecret: false,
    disableOAuth: true,
    authFlows: { userSrp: true, adminUserPassword: true },
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    accessTokenValidity: Duration.hours(1),
    idTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.days(30),
  });
  acknowledgeUserPoolChoices(userPool, mfaRequired, threatProtection);
  new CfnOutput(stack, 'UserPoolId', { description: 'Cognito user pool of the APIs\' callers', value: userPool.userPoolId });
  new CfnOutput(stack, 'UserPoolClientId', {
    description: 'App client of the user pool: its tokens call the APIs',
    value: userPoolClient.userPoolClientId,
  });
  return { userPool, userPoolClient };
}

/** The findings of settings relaxed in ServiceConfig.userPool: the choice is on record with its cost. */
function acknowledgeUserPoolChoices(pool: cognito.UserPool, mfaRequired: boolean, threatProtection: boolean): void {
  if (!mfaRequired) {
    acknowledge(pool, 'COG2',
      'MFA is optional because ServiceConfig.userPool.mfa says so: users without an authenticator sign in with ' +
      'a password alone. Set mfa: \'required\' unless the API\'s callers cannot use TOTP.');
  }
  if (!threatProtection) {
    acknowledge(pool, 'COG8',
      'The Essentials feature plan because ServiceConfig.userPool.threatProtection is false: no detection of ' +
      'compromised credentials or risky sign-ins, which the Plus plan bills per monthly active user.');
  }
}

/** The environment of an authorizer function: the issuer and audience of the tokens it verifies. */
export function authorizerEnvironment(config: ServiceConfig, issuer: 'user-pool' | 'jwt', auth: AuthResources = {}): Record<string, string> {
  if (issuer === 'jwt') {
    return { JWT_ISSUER: config.jwt?.issuer ?? '', JWT_AUDIENCE: (config.jwt?.audience ?? []).join(',') };
  }
  if (auth.userPool === undefined || auth.userPoolClient === undefined) {
    throw new Error("an authorizer with issuer 'user-pool' needs the stack's user pool");
  }
  return { JWT_ISSUER: auth.userPool.userPoolProviderUrl, JWT_AUDIENCE: auth.userPoolClient.userPoolClientId };
}

/** What wiring an API's auth needs from the stack (a KindContext has it). */
export interface ApiAuthContext {
  stack: Stack;
  service: ServiceConfig;
  config: FunctionConfig & ApiAuthConfig;
  auth?: AuthResources;
  functions?: ReadonlyMap<string, lambda.IFunction>;
}

/** The method options of every method of a REST API, by the function's auth. */
export function restMethodAuth(ctx: ApiAuthContext, api: apigateway.RestApi): apigateway.MethodOptions {
  const { stack, config } = ctx;
  const id = pascalCase(config.name);
  switch (authOf(config)) {
    case 'cognito':
      return {
        authorizationType: apigateway.AuthorizationType.COGNITO,
        authorizer: new apigateway.CognitoUserPoolsAuthorizer(stack, `${id}CognitoAuthorizer`, {
          cognitoUserPools: [required(ctx.auth?.userPool, config)],
          identitySource: apigateway.IdentitySource.header(AUTHORIZATION_HEADER),
          resultsCacheTtl: AUTHORIZER_CACHE_TTL,
        }),
      };
    case 'iam':
      acknowledge(api, 'COG4', reasonWithoutCognito(config, 'IAM auth: callers sign their requests with SigV4'));
      return { authorizationType: apigateway.AuthorizationType.IAM };
    case 'lambda':
      acknowledge(api, 'COG4', reasonWithoutCognito(config, `the Lambda authorizer ${config.authorizer} decides`));
      return {
        authorizationType: apigateway.AuthorizationType.CUSTOM,
        authorizer: new apigateway.RequestAuthorizer(stack, `${id}LambdaAuthorizer`, {
          handler: authorizerFunction(ctx),
          identitySources: [apigateway.IdentitySource.header(AUTHORIZATION_HEADER)],
          resultsCacheTtl: AUTHORIZER_CACHE_TTL,
        }),
      };
    default:
      acknowledgePublic(api, config);
      acknowledge(api, 'COG4', reasonWithoutCognito(config, 'auth none: the API is public (see AwsSolutions-APIG4)'));
      return { authorizationType: apigateway.AuthorizationType.NONE };
  }
}

/** The authorizer of every route of an HTTP API, by the function's auth. */
export function httpRouteAuthorizer(ctx: ApiAuthContext, api: apigwv2.HttpApi): apigwv2.IHttpRouteAuthorizer {
  const { config, service } = ctx;
  // The authorizers of an HTTP API live in its scope: their ids need no function name.
  switch (authOf(config)) {
    case 'cognito':
      return new HttpUserPoolAuthorizer('CognitoAuthorizer', required(ctx.auth?.userPool, config), {
        userPoolClients: [required(ctx.auth?.userPoolClient, config)],
        identitySource: [`$request.header.${AUTHORIZATION_HEADER}`],
      });
    case 'jwt':
      return new HttpJwtAuthorizer('JwtAuthorizer', required(service.jwt, config).issuer, {
        jwtAudience: required(service.jwt, config).audience,
        identitySource: [`$request.header.${AUTHORIZATION_HEADER}`],
      });
    case 'iam':
      return new HttpIamAuthorizer();
    case 'lambda':
      return new HttpLambdaAuthorizer('LambdaAuthorizer', authorizerFunction(ctx), {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: [`$request.header.${AUTHORIZATION_HEADER}`],
        resultsCacheTtl: AUTHORIZER_CACHE_TTL,
      });
    default:
      acknowledgePublic(api, config);
      return new apigwv2.HttpNoneAuthorizer();
  }
}

function authorizerFunction(ctx: ApiAuthContext): lambda.IFunction {
  const name = ctx.config.authorizer ?? '';
  const fn = ctx.functions?.get(name);
  if (fn === undefined) {
    throw new Error(`function '${ctx.config.name}': no authorizer function '${name}'`);
  }
  return fn;
}

function required<T>(value: T | undefined, config: FunctionConfig): T {
  if (value === undefined) {
    throw new Error(`function '${config.name}': auth '${authOf(config)}' needs what the stack did not create`);
  }
  return value;
}

function reasonWithoutCognito(config: FunctionConfig, how: string): string {
  return `The ${config.name} API authorizes without a Cognito user pool by the project's choice (its auth): ${how}.`;
}

/** APIG4 for an API whose auth is none: chosen in the answers (auth, api_auth) or service-config.ts. */
function acknowledgePublic(api: IConstruct, config: FunctionConfig): void {
  acknowledge(api, 'APIG4',
    `The ${config.name} API is public because its auth is 'none' in lib/service-config.ts (the functions entry's ` +
    'auth, or api_auth): anyone may call it. Choose cognito, iam, jwt or lambda before it serves data that is ' +
    'not public; copier update warns about public functions that reach AWS services.');
}
