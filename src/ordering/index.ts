export {
  BlockCutter,
  type CutBlock,
  comparePos,
  type StreamEntry,
  type StreamPosition,
} from './jetstream/block-cutter.js';
export {
  ensureOrderingStream,
  ensureStream,
  JetStreamOrderer,
  type JetStreamOrdererOptions,
  type StreamSettings,
  streamNames,
} from './jetstream/jetstream-orderer.js';
export {
  decodeStreamMessage,
  encodeStreamMessage,
  openStreamEnvelope,
  type StreamMessage,
  type StreamSeal,
  sealStreamMessage,
} from './jetstream/messages.js';
export { DEFAULT_PUBLISH_BUDGET_MS, publishWithRetry } from './jetstream/publish.js';
export { fetched, type MessageHandler, StreamReader, type StreamRecord } from './jetstream/stream-reader.js';
export {
  type BatchSink,
  type DropSink,
  type OrderedBatch,
  type OrderedSink,
  type Orderer,
  type OrderingHealth,
  type ReaderStatus,
  settleWithin,
} from './orderer.js';
export { SoloOrderer, type SoloOrdererOptions } from './solo-orderer.js';
