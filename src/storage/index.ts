export { iterateCurrentState } from './current-state.js';
export { assertEmptyDir, groupFilesOf, restrictConsortiumFiles } from './files.js';
export {
  checkStoreCacheMb,
  DEFAULT_STORE_CACHE_MB,
  GroupStore,
  type GroupStoreOptions,
  type StoredBlock,
  type StoredTx,
  type StoredTxEntry,
} from './group-store.js';
export { asStorageError, checkStoreIntegrity, type IntegrityReport } from './integrity.js';
export { PENDING_SECRETS_FILE, PendingSecretStore } from './pending-secrets.js';
export { type StoredTraceEvent, TRACE_DOCUMENTS_FILE, TraceDocumentStore } from './trace-documents.js';
export { ensureTreesFrom, readTreesFrom, TREES_FROM_KEY } from './trees-from.js';
export { SUBJECT_BODIES_SQL, SUBJECT_PAGE_SQL } from './tx-subjects.js';
export {
  CHECKPOINT_INTERVAL_MS,
  FALLBACK_AUTOCHECKPOINT_PAGES,
  WalCheckpointer,
} from './wal-checkpointer.js';
