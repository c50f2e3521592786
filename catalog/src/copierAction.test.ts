import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ACTION_ID, copierAnswers, createCopierAction } from './copierAction';

describe('copierAnswers', () => {
  it('leaves out what the form left empty and keeps lists of objects whole', () => {
    const functions = [{ name: 'api', event: 'apigw-http', memory: 512 }];
    expect(
      copierAnswers({ project_name: 'x', module_path: '', jwt_issuer: undefined, aws_services: [], functions, ci: false }),
    ).toEqual({ project_name: 'x', functions, ci: false });
  });
});

// The template's own checkout (COPIER_TEMPLATE) into COPIER_WORKSPACE, with the answers a form
// filled like catalog/template.yaml's would send; tests/test_catalog.py then builds the project.
const template = process.env.COPIER_TEMPLATE;
const workspace = process.env.COPIER_WORKSPACE;
(template && workspace ? it : it.skip)('runs copier copy with the form answers into the workspace', async () => {
  const action = createCopierAction();
  expect(action.id).toBe(ACTION_ID);
  await fs.mkdir(workspace!, { recursive: true }); // the scaffolder's task workspace
  const ctx = createMockActionContext({
    workspacePath: workspace!,
    input: {
      template: template!,
      vcsRef: 'HEAD',
      values: {
        project_name: 'from-backstage',
        description: 'Made by the scaffolder',
        module_path: '',
        events: ['apigw-http'],
        aws_services: [],
        functions: [
          { name: 'api', event: 'apigw-http', memory: 512, auth: 'iam' },
          { name: 'nightly', event: 'schedule' },
        ],
        jwt_issuer: '',
        catalog_info: true,
        catalog_owner: 'group:default/payments',
        catalog_system: 'orders',
        catalog_lifecycle: 'production',
      },
    },
  });
  // The mock hands out the workspace as the temporary directory; Backstage gives one of its own.
  const temporary = await fs.mkdtemp(path.join(os.tmpdir(), 'copier-action-'));
  ctx.createTemporaryDirectory = async () => temporary;
  await action.handler(ctx as any);
  expect(JSON.parse(await fs.readFile(path.join(temporary, 'answers.json'), 'utf8')).functions).toHaveLength(2);
  const answers = parse(await fs.readFile(path.join(workspace!, '.copier-answers.yml'), 'utf8'));
  expect(ctx.output).toHaveBeenCalledWith('answersFile', path.join(workspace!, '.copier-answers.yml'));
  expect(answers.project_name).toBe('from-backstage');
  expect(answers.module_path).toBe('github.com/example/from-backstage');
  expect(answers.functions).toEqual([
    { name: 'api', event: 'apigw-http', memory: 512, auth: 'iam' },
    { name: 'nightly', event: 'schedule' },
  ]);
  expect(answers.catalog_owner).toBe('group:default/payments');
});
