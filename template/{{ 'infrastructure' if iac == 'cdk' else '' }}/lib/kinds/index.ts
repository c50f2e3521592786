import type { FunctionConfig, FunctionKind } from '../config-types';
import { wireAlb } from './alb';
import { wireApiGwHttp } from './apigw-http';
import { wireApiGwRest } from './apigw-rest';
import { wireAuthorizer } from './authorizer';
import { wireDirect } from './direct';
import { wireDynamoDbStream } from './dynamodb-stream';
import { wireEventBridge } from './eventbridge';
import { wireFunctionUrl } from './function-url';
import { wireKinesis } from './kinesis';
import { wireS3 } from './s3';
import { wireSchedule } from './schedule';
import { wireSns } from './sns';
import { wireSqs } from './sqs';
import type { KindContext, KindWiring } from './types';

/** One line per kind; the mapped type makes a missing kind a compile error. */
export const kindRegistry: { [K in FunctionKind]: KindWiring<Extract<FunctionConfig, { kind: K }>> } = {
  'apigw-rest': wireApiGwRest,
  'apigw-http': wireApiGwHttp,
  'alb': wireAlb,
  'function-url': wireFunctionUrl,
  's3': wireS3,
  'sqs': wireSqs,
  'dynamodb-stream': wireDynamoDbStream,
  'sns': wireSns,
  'eventbridge': wireEventBridge,
  'kinesis': wireKinesis,
  'schedule': wireSchedule,
  'direct': wireDirect,
  'authorizer': wireAuthorizer,
};

export function wireFunction(ctx: KindContext): void {
  const wire = kindRegistry[ctx.config.kind] as KindWiring<FunctionConfig> | undefined;
  if (wire === undefined) {
    throw new Error(`function '${ctx.config.name}': unknown kind '${String(ctx.config.kind)}'`);
  }
  wire(ctx);
}
