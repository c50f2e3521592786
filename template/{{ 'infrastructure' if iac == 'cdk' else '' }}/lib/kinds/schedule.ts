import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { ScheduleFunctionConfig } from '../config-types';
import { pascalCase } from '../naming';
import { TARGET_RETRY_ATTEMPTS, asyncDeadLetterQueue, checkStrings } from './shared';
import type { KindContext } from './types';

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(([^()\s]+(?: [^()\s]+){5})\)$/;

/**
 * Why EventBridge would reject a schedule expression, or undefined: `rate(1 hour)`,
 * `rate(5 minutes)` (singular unit exactly for 1), or `cron(...)` with six fields
 * of which day-of-month or day-of-week is `?`.
 */
export function scheduleExpressionError(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const [value, unit] = [Number(rate[1]), rate[2]];
    if (value < 1) return 'a rate must be at least 1';
    if ((value === 1) !== !unit.endsWith('s')) return `write rate(${value} ${value === 1 ? unit.replace(/s$/, '') : `${unit}s`})`;
    return undefined;
  }
  const cron = CRON.exec(expression);
  if (cron) {
    const fields = cron[1].split(' ');
    if (fields[2] !== '?' && fields[4] !== '?') return 'a cron expression needs ? in day-of-month or day-of-week';
    return undefined;
  }
  return 'expected rate(<n> minute|minutes|hour|hours|day|days) or ' +
    'cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)';
}

/**
 * One EventBridge rule per schedule expression (UTC), `<Name>Schedule1`,
 * `<Name>Schedule2`..., each targeting the function. Runs EventBridge cannot
 * deliver, and those whose invocation fails after Lambda's retries, land in
 * `<Name>DeadLetterQueue`.
 */
export function wireSchedule(ctx: KindContext<ScheduleFunctionConfig>): void {
  const { stack, service, config, target: live } = ctx;
  checkStrings(config, 'schedules', config.schedules);
  for (const expression of config.schedules) {
    const error = scheduleExpressionError(expression);
    if (error !== undefined) {
      throw new Error(`function '${config.name}': schedule '${expression}' is not valid: ${error}`);
    }
  }

  const dlq = asyncDeadLetterQueue(ctx, 'scheduled runs EventBridge could not deliver or whose invocation failed');
  const target = new targets.LambdaFunction(live, { deadLetterQueue: dlq, retryAttempts: TARGET_RETRY_ATTEMPTS });
  config.schedules.forEach((expression, i) => {
    new events.Rule(stack, `${pascalCase(config.name)}Schedule${i + 1}`, {
      description: `${service.projectName}: ${config.name} function, ${expression} (UTC)`,
      schedule: events.Schedule.expression(expression),
      targets: [target],
    });
  });
}
