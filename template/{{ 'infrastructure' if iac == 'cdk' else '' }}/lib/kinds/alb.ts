import { Annotations, Arn, ArnFormat, CfnOutput, type CfnResource, Duration, RemovalPolicy, type Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { errorRate } from '../alarms';
import type { AlbCertificate, AlbFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { accessLogsBucketOf, skipLogBucketVersioning } from '../services';
import { acknowledge, checkRoutes } from './shared';
import type { KindContext } from './types';

/**
 * The TLS policy of the HTTPS listeners: TLS 1.2 and 1.3 only, forward
 * secrecy, and post-quantum hybrid key exchange for clients that offer it.
 */
export const ALB_TLS_POLICY = elbv2.SslPolicy.TLS13_12_PQ;

/**
 * The principal that delivers Elastic Load Balancing access logs in the
 * regions opened since August 2022 (and, by later reports, in all): it needs
 * no region, so the stack stays environment-agnostic. The older regions'
 * own ELB accounts are granted too when the region is known at synth.
 */
export const ELB_LOG_DELIVERY_SERVICE = 'logdelivery.elasticloadbalancing.amazonaws.com';

/** Identifies the warning every synth gives for a load balancer without HTTPS. */
export const PLAIN_HTTP_WARNING = 'go-lambda-template:albPlainHttp';

/** `/users/{userId}` -> `/users/*`: an ALB path pattern for a route path. */
export function albPathPattern(routePath: string): string {
  return routePath.replace(/\{[^{}]+\}/g, '*');
}

/**
 * An internet-facing Application Load Balancer of the function's own, in a
 * VPC of its own (2 AZs, public subnets only, no NAT gateway: a Lambda target
 * runs outside the VPC; flow logs to CloudWatch Logs), with access logs in an
 * S3 bucket of its own. With `https`: a listener on 443 with that certificate
 * and ALB_TLS_POLICY, and port 80 redirecting to it (301). Without: plain
 * HTTP on port 80, and every synth warns. The listener's default action
 * answers 404; one rule per route path forwards to the function (its Go
 * handler checks the method). With `waf` the service's web ACL protects it.
 * Outputs: `<Name>AlbDnsName`, and `<Name>AlbUrl` when the stack names it.
 *
 * A Lambda target receives at most 1 MB of request body (the ALB answers 413
 * above it); the Go handlers refuse more than 1 MiB (middleware.MaxBodyBytes).
 */
export function wireAlb(ctx: KindContext<AlbFunctionConfig>): void {
  const { stack, service, config, target, alarms, waf } = ctx;
  checkRoutes(config);
  const id = pascalCase(config.name);

  const alb = new elbv2.ApplicationLoadBalancer(stack, `${id}LoadBalancer`, {
    vpc: albVpc(ctx, id),
    internetFacing: true,
    dropInvalidHeaderFields: true,
  });
  logAccessLogs(ctx, alb, `${id}AccessLogsBucket`);
  const listener = config.https ? httpsListener(ctx, alb, config.https) : plainHttpListener(ctx, alb);

  const targetGroup = new elbv2.ApplicationTargetGroup(stack, `${id}TargetGroup`, {
    targets: [new elbv2targets.LambdaTarget(target)],
  });
  const paths = [...new Set(config.routes.map((route) => albPathPattern(route.path)))];
  paths.forEach((pathPattern, i) => {
    listener.addAction(`Route${i + 1}`, {
      priority: i + 1,
      conditions: [elbv2.ListenerCondition.pathPatterns([pathPattern])],
      action: elbv2.ListenerAction.forward([targetGroup]),
    });
  });

  // Alarms on the target group (after the listener rules attach it to the load balancer): the
  // function's 5xx answers of all requests, and TargetResponseTime (in seconds). A failed
  // invocation is the load balancer's own 502, which the function's Errors alarm reports.
  alarms?.forHttpFunction(config, {
    serverErrorRate: (period) => errorRate(
      targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT),
      targetGroup.metrics.requestCount(),
      period,
    ),
    latency: (options) => targetGroup.metrics.targetResponseTime(options),
    latencyUnit: 'seconds',
  });

  waf?.protect(`${id}WebAclAssociation`, alb.loadBalancerArn, alb);
  acknowledgeOpenPorts(alb, config.https !== undefined);

  new CfnOutput(stack, exposedId(config.name, 'AlbDnsName'), {
    description: config.https
      ? `DNS name of the ${config.name} load balancer (HTTPS; point a name of its certificate here)`
      : `DNS name of the ${config.name} load balancer (plain HTTP, port 80)`,
    value: alb.loadBalancerDnsName,
  });
}

/**
 * The security group admits the listeners' ports from anywhere: the load
 * balancer is internet-facing by design. With HTTPS, port 80 only redirects,
 * which checkov's CKV_AWS_260 (port 80 open to the world) cannot tell.
 */
function acknowledgeOpenPorts(alb: elbv2.ApplicationLoadBalancer, https: boolean): void {
  const securityGroup = alb.connections.securityGroups[0];
  const ports = https ? 'ports 443 (HTTPS) and 80 (which only redirects to 443)' : 'port 80';
  acknowledge(securityGroup, 'EC23',
    `The load balancer is internet-facing by design: its security group admits ${ports} from anywhere and ` +
    'nothing else; the function behind it answers only the configured paths (404 otherwise). Narrow the ' +
    'peer (or put CloudFront in front) for a private audience.');
  if (https) {
    (securityGroup.node.defaultChild as CfnResource).addMetadata('checkov', {
      skip: [{ id: 'CKV_AWS_260', comment: 'Port 80 only answers 301 redirects to HTTPS on 443; no request reaches the function over HTTP.' }],
    });
  }
}

/** The load balancer's VPC: 2 AZs, public subnets only, no NAT gateway, flow logs to CloudWatch Logs. */
function albVpc({ stack, service }: KindContext<AlbFunctionConfig>, id: string): ec2.Vpc {
  const flowLogs = new logs.LogGroup(stack, `${id}VpcFlowLogs`, {
    retention: service.logRetentionDays as logs.RetentionDays,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return new ec2.Vpc(stack, `${id}Vpc`, {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
    flowLogs: { FlowLogs: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) } },
  });
}

/** Answers what no route rule forwards. */
function notFound(): elbv2.ListenerAction {
  return elbv2.ListenerAction.fixedResponse(404, { contentType: 'application/json', messageBody: '{"error":"not found"}' });
}

/**
 * HTTPS on 443 with the certificate and ALB_TLS_POLICY; port 80 answers 301
 * to the same URL on HTTPS. The port-80 listener keeps the construct id of
 * the plain HTTP one, so that turning HTTPS on updates it in place:
 * CloudFormation creates replacements before it deletes, and a second
 * listener on port 80 would fail.
 */
function httpsListener(ctx: KindContext<AlbFunctionConfig>, alb: elbv2.ApplicationLoadBalancer, https: AlbCertificate): elbv2.ApplicationListener {
  const listener = alb.addListener('Https', {
    port: 443,
    protocol: elbv2.ApplicationProtocol.HTTPS,
    open: true,
    certificates: [listenerCertificate(ctx, alb, https)],
    sslPolicy: ALB_TLS_POLICY,
    defaultAction: notFound(),
  });
  alb.addListener('Http', {
    port: 80,
    protocol: elbv2.ApplicationProtocol.HTTP,
    open: true,
    defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
  });
  return listener;
}

/** Plain HTTP on 80 (no certificate), as before HTTPS existed; every synth says so. */
function plainHttpListener({ config }: KindContext<AlbFunctionConfig>, alb: elbv2.ApplicationLoadBalancer): elbv2.ApplicationListener {
  Annotations.of(alb).addWarningV2(PLAIN_HTTP_WARNING,
    `The ${config.name} load balancer serves plain HTTP on port 80: requests and responses cross the ` +
    'internet unencrypted. Give its functions entry https: { certificateArn } (or { domainName, hostedZoneId }) ' +
    'in lib/service-config.ts, or answer alb_certificate (make update DATA=alb_certificate=<ARN>).');
  return alb.addListener('Http', { port: 80, protocol: elbv2.ApplicationProtocol.HTTP, open: true, defaultAction: notFound() });
}

/**
 * The HTTPS listener's certificate: the existing one whose ARN is given (of
 * the stack's region, checked when the region is known), or one the stack
 * issues for `domainName` with DNS validation in the hosted zone, which also
 * gets an alias record pointing the name at the load balancer.
 */
function listenerCertificate(
  { stack, config }: KindContext<AlbFunctionConfig>,
  alb: elbv2.ApplicationLoadBalancer,
  https: AlbCertificate,
): elbv2.ListenerCertificate {
  if ('certificateArn' in https) {
    checkCertificateRegion(stack, config, https.certificateArn);
    return elbv2.ListenerCertificate.fromArn(https.certificateArn);
  }
  const id = pascalCase(config.name);
  // By id only: looking the zone up by name would need AWS credentials at synth.
  const zone = route53.HostedZone.fromHostedZoneId(stack, `${id}HostedZone`, https.hostedZoneId);
  const certificate = new acm.Certificate(stack, `${id}Certificate`, {
    domainName: https.domainName,
    validation: acm.CertificateValidation.fromDns(zone),
  });
  new route53.ARecord(stack, `${id}AliasRecord`, {
    zone,
    recordName: `${https.domainName}.`, // fully qualified: the zone's own name is not known at synth
    target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(alb)),
  });
  new CfnOutput(stack, exposedId(config.name, 'AlbUrl'), {
    description: `URL of the ${config.name} load balancer`,
    value: `https://${https.domainName}`,
  });
  return elbv2.ListenerCertificate.fromCertificateManager(certificate);
}

/** A load balancer takes certificates of its own region only. */
function checkCertificateRegion(stack: Stack, config: AlbFunctionConfig, certificateArn: string): void {
  const { service, region } = Arn.split(certificateArn, ArnFormat.SLASH_RESOURCE_NAME);
  if (service !== 'acm') {
    throw new Error(`function '${config.name}': https.certificateArn must be an ACM certificate ARN, got '${certificateArn}'`);
  }
  if (!Token.isUnresolved(stack.region) && region !== stack.region) {
    throw new Error(
      `function '${config.name}': https.certificateArn is in ${region}, the stack in ${stack.region}: ` +
      'a load balancer takes certificates of its own region only',
    );
  }
}

/**
 * Access logs to a bucket of the load balancer's own: S3-managed encryption
 * (the only kind ELB writes to), TLS only, no public access, kept
 * `logRetentionDays`, its own requests logged in the stack's AccessLogsBucket.
 * Its policy lets Elastic Load Balancing write under this account's prefix
 * only: ELB_LOG_DELIVERY_SERVICE, plus the region's legacy ELB account where
 * the region is known at synth and has one (regions opened before August
 * 2022), as CDK's own logAccessLogs grants. The load balancer waits for the
 * policy: ELB checks it can write when access logs are turned on.
 */
function logAccessLogs({ stack, service, config }: KindContext<AlbFunctionConfig>, alb: elbv2.ApplicationLoadBalancer, bucketId: string): void {
  const bucket = new s3.Bucket(stack, bucketId, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: accessLogsBucketOf(stack, service),
    serverAccessLogsPrefix: `${config.name}-alb-logs/`,
    lifecycleRules: [{ expiration: Duration.days(service.logRetentionDays) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  skipLogBucketVersioning(bucket);
  const prefix = config.name;
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    actions: ['s3:PutObject'],
    principals: elbLogDeliveryPrincipals(stack),
    resources: [bucket.arnForObjects(`${prefix}/AWSLogs/${stack.account}/*`)],
  }));
  alb.setAttribute('access_logs.s3.enabled', 'true');
  alb.setAttribute('access_logs.s3.bucket', bucket.bucketName);
  alb.setAttribute('access_logs.s3.prefix', prefix);
  const policy = bucket.policy?.node.defaultChild;
  if (policy !== undefined) alb.node.defaultChild?.node.addDependency(policy);
}

/** Who writes access logs: the log delivery service everywhere, and the legacy ELB account of a known region. */
function elbLogDeliveryPrincipals(stack: Stack): iam.IPrincipal[] {
  const legacyAccount = Token.isUnresolved(stack.region) ? undefined : RegionInfo.get(stack.region).elbv2Account;
  return [
    new iam.ServicePrincipal(ELB_LOG_DELIVERY_SERVICE),
    ...(legacyAccount ? [new iam.AccountPrincipal(legacyAccount)] : []),
  ];
}
