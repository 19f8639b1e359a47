export {
  type AdmissionScope,
  assertAdmissible,
  type CandidateTx,
  type NonceIndex,
  nonceKey,
} from './admission-check.js';
export {
  type AdmitJob,
  type AdmitJobFn,
  type AdmitJobOutcome,
  type AdmitJobRunner,
  outcomeError,
  runAdmitJobFn,
} from './admit-job.js';
export type { Authorizer, ParamsReader } from './authorizer.js';
export {
  BlockExecutor,
  type BlockExecutorOptions,
  type BlockInput,
  type BlockResult,
  type DroppedTx,
} from './block-executor.js';
export {
  defineAdmitJob,
  defineErrors,
  defineMethod,
  defineModule,
  defineQuery,
  S,
} from './define-module.js';
export { admitByMethod, runAdmitJob } from './method-admission.js';
export {
  type AdmitContext,
  type AnyMethod,
  type CheckContext,
  type ExecContext,
  type GenesisContext,
  type GenesisSection,
  type LedgerModule,
  MAX_SUBJECT,
  type MethodDef,
  type ModuleManifest,
  type QueryContext,
  type QueryDef,
  stateKey,
} from './module.js';
export {
  type Codec,
  defineCodec,
  defineValueCodec,
  digestCodec,
  flagCodec,
  QueryArgs,
  readArgs,
  readArgsAt,
  readRecordFields,
  readStored,
  stringListCodec,
  uintCodec,
  writeStored,
} from './readers.js';
export { type MethodInfo, type ModuleInfo, ModuleRegistry, type QueryInfo } from './registry.js';
export { methodSubject, txSubject } from './tx-subject.js';
