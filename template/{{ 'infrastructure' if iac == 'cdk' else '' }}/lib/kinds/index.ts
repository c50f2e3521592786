import type { FunctionConfig, FunctionKind } from '../config-types';
import { wireApiGwRest } from './apigw-rest';
import type { KindContext, KindWiring } from './types';

/** One line per kind; the mapped type makes a missing kind a compile error. */
export const kindRegistry: { [K in FunctionKind]: KindWiring<Extract<FunctionConfig, { kind: K }>> } = {
  'apigw-rest': wireApiGwRest,
};

export function wireFunction(ctx: KindContext): void {
  const wire = kindRegistry[ctx.config.kind] as KindWiring<FunctionConfig> | undefined;
  if (wire === undefined) {
    throw new Error(`function '${ctx.config.name}': unknown kind '${String(ctx.config.kind)}'`);
  }
  wire(ctx);
}
