export {
  type AdmissionScope,
  assertAdmissible,
  type CandidateTx,
  type NonceIndex,
} from './admission-check.js';
export type { Authorizer, ParamsReader } from './authorizer.js';
export {
  BlockExecutor,
  type BlockExecutorOptions,
  type BlockInput,
  type BlockResult,
  type DroppedTx,
} from './block-executor.js';
export {
  defineMethod,
  type ExecContext,
  type LedgerModule,
  type MethodDef,
  type QueryContext,
  type QueryDef,
  stateKey,
} from './module.js';
export { ModuleRegistry } from './registry.js';
