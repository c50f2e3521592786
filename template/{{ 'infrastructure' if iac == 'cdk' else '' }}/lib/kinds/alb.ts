import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import { errorRate } from '../alarms';
import type { AlbFunctionConfig } from '../config-types';
import { exposedId, pascalCase } from '../naming';
import { acknowledge, checkRoutes } from './shared';
import type { KindContext } from './types';

/** `/users/{userId}` -> `/users/*`: an ALB path pattern for a route path. */
export function albPathPattern(routePath: string): string {
  return routePath.replace(/\{[^{}]+\}/g, '*');
}

/**
 * An internet-facing Application Load Balancer of the function's own, in a
 * VPC of its own (2 AZs, public subnets only, no NAT gateway: a Lambda target
 * runs outside the VPC; flow logs to CloudWatch Logs). HTTP listener on port
 * 80 whose default action answers 404; one rule per route path forwards to
 * the function (its Go handler checks the method). Output: `<Name>AlbDnsName`.
 *
 * HTTPS needs a certificate for a domain of yours, which offline synth cannot
 * have: add an ACM certificate (`certificates: [ListenerCertificate.fromArn(arn)]`)
 * with a listener on 443 and turn this one into a redirect (`ListenerAction.redirect`).
 */
export function wireAlb({ stack, service, config, fn, alarms }: KindContext<AlbFunctionConfig>): void {
  checkRoutes(config);
  const id = pascalCase(config.name);

  const flowLogs = new logs.LogGroup(stack, `${id}VpcFlowLogs`, {
    retention: service.logRetentionDays as logs.RetentionDays,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const vpc = new ec2.Vpc(stack, `${id}Vpc`, {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
    flowLogs: { FlowLogs: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) } },
  });

  const alb = new elbv2.ApplicationLoadBalancer(stack, `${id}LoadBalancer`, {
    vpc,
    internetFacing: true,
    dropInvalidHeaderFields: true,
  });
  const listener = alb.addListener('Http', {
    port: 80,
    protocol: elbv2.ApplicationProtocol.HTTP,
    open: true,
    defaultAction: elbv2.ListenerAction.fixedResponse(404, {
      contentType: 'application/json',
      messageBody: '{"error":"not found"}',
    }),
  });
  const targetGroup = new elbv2.ApplicationTargetGroup(stack, `${id}TargetGroup`, {
    targets: [new elbv2targets.LambdaTarget(fn)],
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

  acknowledge(alb, 'ELB2',
    'No ALB access logs: their bucket policy must name the Elastic Load Balancing account of the region, ' +
    'which this environment-agnostic stack does not know at synth. The function logs one JSON line per ' +
    'request and the VPC has flow logs. Enable them with alb.logAccessLogs(bucket) once the stack has a region.');
  const securityGroup = alb.connections.securityGroups[0];
  acknowledge(securityGroup, 'EC23',
    'The load balancer is internet-facing by design: its security group admits port 80 from anywhere and ' +
    'nothing else; the function behind it answers only the configured paths (404 otherwise). Narrow the ' +
    'peer (or put CloudFront in front) for a private audience.');

  new CfnOutput(stack, exposedId(config.name, 'AlbDnsName'), {
    description: `DNS name of the ${config.name} load balancer (HTTP, port 80)`,
    value: alb.loadBalancerDnsName,
  });
}
