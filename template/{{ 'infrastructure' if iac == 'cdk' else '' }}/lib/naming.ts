/** `my-fn_name` -> `MyFnName`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Id (construct id, CfnOutput name) for something a function exposes,
 * without stuttering when the function name ends with the suffix's first word:
 *   (`api`, `ApiUrl`) -> `ApiUrl`, (`orders-api`, `ApiUrl`) -> `OrdersApiUrl`,
 *   (`hello`, `ApiUrl`) -> `HelloApiUrl`.
 */
export function exposedId(functionName: string, suffix: string): string {
  const prefix = pascalCase(functionName);
  const firstWord = /^[A-Z][a-z0-9]*/.exec(suffix)?.[0];
  if (firstWord !== undefined && prefix.endsWith(firstWord)) {
    return prefix.slice(0, prefix.length - firstWord.length) + suffix;
  }
  return prefix + suffix;
}

/**
 * The CloudWatch namespace of the project's own metrics: the project name.
 * The stack gives every function `METRICS_NAMESPACE` with it, internal/batch
 * writes `FailedItems` there (embedded metric format), and the alarms read it.
 */
export function metricsNamespace(config: { projectName: string }): string {
  return config.projectName;
}
