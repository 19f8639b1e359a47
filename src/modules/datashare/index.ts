export type { AddVersionArgs, PublishArgs } from './catalogue.js';
export { datashareModule } from './datashare-module.js';
export type { AnswerArgs, ConfirmArgs, DeliverArgs } from './deliveries.js';
export { DATASHARE_ERRORS } from './errors.js';
export { MAX_PAGE as DATASHARE_MAX_PAGE } from './queries.js';
export type { DecideArgs, GrantArgs, RequestArgs } from './requests.js';
export { keys as datashareKeys, MODULE as DATASHARE_MODULE, SHARING_CLASSES } from './state.js';
export * from './types.js';
