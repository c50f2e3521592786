import { createTemplateAction, executeShellCommand } from '@backstage/plugin-scaffolder-node';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The id the Software Template's first step (catalog/template.yaml) calls. */
export const ACTION_ID = 'go-lambda-template:copier';

/** Where the template comes from unless app-config (goLambdaTemplate.location) or the step says. */
export const DEFAULT_TEMPLATE = 'gh:org/go-lambda-template';

export interface CopierActionOptions {
  /** Copier source of the template: gh:owner/repo, a git URL or a local path. */
  defaultTemplate?: string;
  /** The copier executable; it needs this template's Python extensions beside it. */
  copierCommand?: string;
}

/**
 * The answers Copier should take from the form. A field the user left empty is left out, so
 * that `--defaults` gives Copier's own default, which may follow other answers (module_path,
 * functions, example_crud...). Lists and objects stay whole: the data file is JSON, which
 * Copier reads as YAML, so the functions list reaches Copier as a list of objects.
 */
export function copierAnswers(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(
      ([, value]) =>
        value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0),
    ),
  );
}

/** The scaffolder action: copier copy --trust --defaults --data-file <answers> <template> <workspace>. */
export function createCopierAction(options: CopierActionOptions = {}) {
  const copier = options.copierCommand ?? 'copier';
  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Generates a Go AWS Lambda project with Copier from go-lambda-template, with the form values as its answers',
    supportsDryRun: false,
    schema: {
      input: {
        values: z =>
          z.record(z.string(), z.unknown()).describe("The template's answers, one entry per copier.yml question"),
        template: z =>
          z.string().optional().describe(`Copier source of the template (default: ${options.defaultTemplate ?? DEFAULT_TEMPLATE})`),
        vcsRef: z => z.string().optional().describe('Git tag, branch or commit of the template (default: its newest tag)'),
        targetPath: z => z.string().optional().describe('Directory of the workspace to generate into (default: the workspace)'),
      },
      output: {
        answersFile: z => z.string().describe('Path of the saved answers in the workspace (.copier-answers.yml)'),
      },
    },
    async handler(ctx) {
      const template = ctx.input.template ?? options.defaultTemplate ?? DEFAULT_TEMPLATE;
      const destination = resolveSafeChildPath(ctx.workspacePath, ctx.input.targetPath ?? '.');
      const dataFile = path.join(await ctx.createTemporaryDirectory(), 'answers.json');
      await fs.writeFile(dataFile, JSON.stringify(copierAnswers(ctx.input.values)));
      const args = ['copy', '--trust', '--defaults', '--data-file', dataFile];
      if (ctx.input.vcsRef) {
        args.push('--vcs-ref', ctx.input.vcsRef);
      }
      args.push(template, destination);
      ctx.logger.info(`Running ${copier} ${args.join(' ')}`);
      await executeShellCommand({ command: copier, args, logger: ctx.logger });
      ctx.output('answersFile', path.join(destination, '.copier-answers.yml'));
    },
  });
}
