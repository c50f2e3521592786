// Who may call the APIs (lib/auth.ts): every method and route of the generated project behind
// its function's authorizer, each auth mode's resources, the user pool a reviewer expects, and
// the configurations that cannot work.
import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AUTHORIZER_CACHE_TTL, authOf } from '../lib/auth';
import type { ApiAuth, FunctionConfig, ServiceConfig } from '../lib/config-types';
import { pascalCase } from '../lib/naming';
import { serviceConfig } from '../lib/service-config';
import type { ServiceStack } from '../lib/service-stack';
import {
  PROJECT_ROOT,
  type Props,
  functionLogicalId,
  kindFunction,
  logicalId,
  methodsOf,
  resourcesOfType,
  serviceOf,
  synth,
} from './helpers';

/** The AuthorizationType of a REST method and of an HTTP route, by auth. */
const REST_TYPES: Record<Exclude<ApiAuth, 'jwt'>, string> = {
  cognito: 'COGNITO_USER_POOLS', iam: 'AWS_IAM', lambda: 'CUSTOM', none: 'NONE',
};
const HTTP_TYPES: Record<ApiAuth, string> = { cognito: 'JWT', jwt: 'JWT', iam: 'AWS_IAM', lambda: 'CUSTOM', none: 'NONE' };

const ISSUER = 'https://example.eu.auth0.com/';
const JWT = { issuer: ISSUER, audience: ['https://api.example.com'] };

/** `METHOD /path -> AuthorizationType` of every method of a REST API, and of every route of an HTTP API. */
function authorizationOf(template: Template, stack: ServiceStack, fn: FunctionConfig): Record<string, string> {
  const id = pascalCase(fn.name);
  if (fn.kind === 'apigw-rest') {
    const methods = methodsOf(template, logicalId(stack, `${id}RestApi`));
    return Object.fromEntries(Object.entries(methods).map(([route, m]) => [route, m.AuthorizationType]));
  }
  const api = logicalId(stack, `${id}HttpApi`);
  return Object.fromEntries(Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route'))
    .filter((r) => r.Properties.ApiId.Ref === api)
    .map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType ?? 'NONE']));
}

const apiFunctions = (config: ServiceConfig) => config.functions.filter((f) => f.kind === 'apigw-rest' || f.kind === 'apigw-http');

describe('generated service-config.ts: the deployed shape', () => {
  const { stack, template } = synth(serviceConfig, { projectRoot: PROJECT_ROOT });

  // jest rejects an empty table, and a project without an API function has no case here.
  const apis = apiFunctions(serviceConfig).map((f) => [f.name, f] as const);
  if (apis.length > 0) {
    test.each(apis)('every method and route of %s is behind its auth', (_name, fn) => {
      const auth = authOf(fn) as ApiAuth;
      const types = fn.kind === 'apigw-rest' ? REST_TYPES as Record<ApiAuth, string> : HTTP_TYPES;
      const routes = authorizationOf(template, stack, fn);
      expect(Object.keys(routes).length).toBe(fn.routes.length);
      expect(new Set(Object.values(routes))).toEqual(new Set([types[auth]]));
    });
  }

  test('the public methods and routes are exactly those of functions whose auth is none', () => {
    const publicRoutes = apiFunctions(serviceConfig).flatMap((fn) => Object.entries(authorizationOf(template, stack, fn))
      .filter(([, type]) => type === 'NONE').map(([route]) => `${fn.name} ${route}`));
    const chosen = apiFunctions(serviceConfig).filter((fn) => authOf(fn) === 'none')
      .flatMap((fn) => fn.routes.map((r) => `${fn.name} ${r.method} ${r.path}`));
    expect(publicRoutes.sort()).toEqual(chosen.sort());
  });
});

describe('every auth mode in one stack', () => {
  const rest = (name: string, auth: Exclude<ApiAuth, 'jwt'>, extra = {}) =>
    kindFunction('apigw-rest', { name, auth, ...extra });
  const http = (name: string, auth: ApiAuth, extra = {}) => kindFunction('apigw-http', { name, auth, ...extra });
  const config: ServiceConfig = {
    ...serviceOf(
      rest('rest-cognito', 'cognito'), rest('rest-iam', 'iam'), rest('rest-lambda', 'lambda', { authorizer: 'authorizer' }),
      rest('rest-none', 'none'),
      http('http-cognito', 'cognito'), http('http-jwt', 'jwt'), http('http-iam', 'iam'),
      http('http-lambda', 'lambda', { authorizer: 'jwt-authorizer' }), http('http-none', 'none'),
      kindFunction('authorizer', { issuer: 'user-pool' }), kindFunction('authorizer', { name: 'jwt-authorizer', issuer: 'jwt' }),
    ),
    jwt: JWT,
  };
  const { stack, template } = synth(config);
  const pool = logicalId(stack, 'UserPool');
  const client = stack.getLogicalId(stack.auth.userPoolClient?.node.defaultChild as CfnElement);
  const resources = template.toJSON().Resources as Record<string, Props>;

  test.each(apiFunctions(config).map((f) => [f.name, f] as const))('%s: every method or route has its auth', (_name, fn) => {
    const types = fn.kind === 'apigw-rest' ? REST_TYPES as Record<ApiAuth, string> : HTTP_TYPES;
    expect(new Set(Object.values(authorizationOf(template, stack, fn)))).toEqual(new Set([types[authOf(fn) as ApiAuth]]));
  });

  test('the user pool: email sign-in, TOTP MFA required, strong passwords, no self sign-up, threat protection, retained', () => {
    expect(resources[pool]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        AutoVerifiedAttributes: ['email'],
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Policies: {
          PasswordPolicy: {
            MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true,
            TemporaryPasswordValidityDays: 3,
          },
        },
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      },
    });
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
  });

  test('the app client: a public client (no secret), SRP and admin sign-in only, no OAuth, one-hour tokens', () => {
    const props = resources[client].Properties;
    expect(props).toMatchObject({
      UserPoolId: { Ref: pool },
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 43200,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    });
    expect(props.GenerateSecret ?? false).toBe(false);
    expect([...props.ExplicitAuthFlows].sort()).toEqual(['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH']);
    expect(props.AllowedOAuthFlowsUserPoolClient ?? false).toBe(false);
    expect(template.toJSON().Outputs.UserPoolId.Value).toEqual({ Ref: pool });
    expect(template.toJSON().Outputs.UserPoolClientId.Value).toEqual({ Ref: client });
  });

  test('REST cognito: a user pool authorizer on the Authorization header, cached 5 minutes', () => {
    const authorizer = logicalId(stack, 'RestCognitoCognitoAuthorizer');
    expect(resources[authorizer].Properties).toMatchObject({
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::GetAtt': [pool, 'Arn'] }],
      AuthorizerResultTtlInSeconds: AUTHORIZER_CACHE_TTL.toSeconds(),
    });
    const methods = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method'))
      .filter((m) => m.Properties.AuthorizationType === 'COGNITO_USER_POOLS');
    expect(methods.length).toBeGreaterThan(0);
    for (const m of methods) expect(m.Properties.AuthorizerId).toEqual({ Ref: authorizer });
  });

  test('REST lambda: a REQUEST authorizer calling the authorizer function, which API Gateway may invoke', () => {
    const authorizer = logicalId(stack, 'RestLambdaLambdaAuthorizer');
    const fnArn = { 'Fn::GetAtt': [functionLogicalId(stack, 'authorizer'), 'Arn'] };
    const props = resources[authorizer].Properties;
    expect(props).toMatchObject({
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(JSON.stringify(props.AuthorizerUri)).toContain(`":lambda:path/2015-03-31/functions/",${JSON.stringify(fnArn)},"/invocations"`);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', FunctionName: fnArn,
    });
  });

  test('HTTP cognito and jwt: JWT authorizers of the pool (its client as audience) and of ServiceConfig.jwt', () => {
    const jwtAuthorizers = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Authorizer'))
      .filter((a) => a.Properties.AuthorizerType === 'JWT').map((a) => a.Properties);
    expect(jwtAuthorizers).toHaveLength(2);
    expect(jwtAuthorizers).toContainEqual(expect.objectContaining({
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: client }],
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: pool }]] },
      },
    }));
    expect(jwtAuthorizers).toContainEqual(expect.objectContaining({
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: JWT.audience, Issuer: ISSUER },
    }));
  });

  test('HTTP lambda: a payload 2.0 REQUEST authorizer with simple responses, cached 5 minutes', () => {
    const fnArn = { 'Fn::GetAtt': [functionLogicalId(stack, 'jwt-authorizer'), 'Arn'] };
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
      AuthorizerUri: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([fnArn])] }),
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', FunctionName: fnArn,
    });
  });

  test('authorizer functions verify the pool\'s tokens or ServiceConfig.jwt\'s', () => {
    const env = (name: string) => resources[functionLogicalId(stack, name)].Properties.Environment.Variables;
    expect(env('authorizer')).toMatchObject({
      JWT_ISSUER: { 'Fn::GetAtt': [pool, 'ProviderURL'] },
      JWT_AUDIENCE: { Ref: client },
    });
    expect(env('jwt-authorizer')).toMatchObject({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: JWT.audience.join(',') });
  });
});

describe('the user pool exists only where a function needs it', () => {
  test.each([
    ['REST and HTTP APIs with iam, jwt, lambda (of another issuer) and none', serviceOf(
      kindFunction('apigw-rest', { auth: 'iam' }), kindFunction('apigw-http', { auth: 'jwt' }),
      kindFunction('apigw-rest', { name: 'open', auth: 'none' }),
      kindFunction('apigw-http', { name: 'custom', auth: 'lambda', authorizer: 'authorizer' }),
      kindFunction('authorizer', { issuer: 'jwt' })), 0],
    ['a REST API with cognito', serviceOf(kindFunction('apigw-rest', { auth: 'cognito' })), 1],
    ['an authorizer of the pool\'s tokens, alone', serviceOf(kindFunction('authorizer')), 1],
  ])('%s', (_name, config, pools) => {
    const { template } = synth({ ...config, jwt: JWT });
    template.resourceCountIs('AWS::Cognito::UserPool', pools);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', pools);
  });

  test('relaxed user pool settings: optional MFA, the Essentials plan, self sign-up', () => {
    const { stack, template } = synth({
      ...serviceOf(kindFunction('apigw-rest', { auth: 'cognito' })),
      userPool: { mfa: 'optional', threatProtection: false, selfSignUp: true },
    });
    const props = template.toJSON().Resources[logicalId(stack, 'UserPool')].Properties;
    expect(props).toMatchObject({
      MfaConfiguration: 'OPTIONAL', UserPoolTier: 'ESSENTIALS', AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    });
    expect(props.UserPoolAddOns).toBeUndefined();
  });
});

describe('configurations that cannot work are reported at synth', () => {
  test.each([
    ['jwt on a REST API', serviceOf(kindFunction('apigw-rest', { auth: 'jwt' as never })), /REST APIs have no JWT authorizer/],
    ['lambda without an authorizer function', serviceOf(kindFunction('apigw-http', { auth: 'lambda' })), /needs authorizer, the name of an authorizer function \(none\)/],
    ['lambda naming another function', serviceOf(kindFunction('apigw-http', { auth: 'lambda', authorizer: 'http-api' })), /the name of an authorizer function/],
    ['jwt without ServiceConfig.jwt', serviceOf(kindFunction('apigw-http', { auth: 'jwt' })), /needs an https issuer and an audience/],
    ['an authorizer of ServiceConfig.jwt without it', serviceOf(kindFunction('authorizer', { issuer: 'jwt' })), /needs an https issuer/],
    ['an unknown auth', serviceOf(kindFunction('apigw-http', { auth: 'oauth' as never })), /auth must be one of cognito, iam, jwt, lambda, none, got 'oauth'/],
    ['an unknown issuer', serviceOf(kindFunction('authorizer', { issuer: 'google' as never })), /issuer must be 'user-pool' or 'jwt'/],
  ])('%s', (_name, config, message) => {
    expect(() => synth(config)).toThrow(message);
  });
});
