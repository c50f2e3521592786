import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCopierAction } from './copierAction';

/**
 * Adds the go-lambda-template:copier action to the scaffolder (new backend system):
 * backend.add(import('@internal/go-lambda-template-scaffolder')).
 * app-config: goLambdaTemplate.location (the template's Copier source) and
 * goLambdaTemplate.copier (the copier executable), both optional.
 */
export const scaffolderModuleGoLambdaTemplate = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'go-lambda-template',
  register(reg) {
    reg.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint, config: coreServices.rootConfig },
      async init({ scaffolder, config }) {
        scaffolder.addActions(
          createCopierAction({
            defaultTemplate: config.getOptionalString('goLambdaTemplate.location'),
            copierCommand: config.getOptionalString('goLambdaTemplate.copier'),
          }),
        );
      },
    });
  },
});
