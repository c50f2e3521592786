export { scaffolderModuleGoLambdaTemplate as default } from './module';
export { ACTION_ID, DEFAULT_TEMPLATE, copierAnswers, createCopierAction } from './copierAction';
export type { CopierActionOptions } from './copierAction';
