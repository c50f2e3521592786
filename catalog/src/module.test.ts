import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint, TemplateAction } from '@backstage/plugin-scaffolder-node';
import { ACTION_ID } from './copierAction';
import scaffolderModule from './index';

describe('the scaffolder module', () => {
  it('adds the copier action with the template location from app-config', async () => {
    const added: TemplateAction<any, any, any>[] = [];
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions: (...a: TemplateAction<any, any, any>[]) => added.push(...a) }]],
      features: [
        scaffolderModule,
        mockServices.rootConfig.factory({ data: { goLambdaTemplate: { location: 'gh:acme/go-lambda-template' } } }),
      ],
    });
    expect(added.map(a => a.id)).toEqual([ACTION_ID]);
    expect(JSON.stringify(added[0].schema)).toContain('gh:acme/go-lambda-template');
  });
});
