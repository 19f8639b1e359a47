export type { BatchSink, OrderedBatch, Orderer } from './orderer.js';
export { SoloOrderer, type SoloOrdererOptions } from './solo-orderer.js';
