export { GroupStore, type StoredBlock, type StoredTx } from './group-store.js';
export { type StoredTraceEvent, TRACE_DOCUMENTS_FILE, TraceDocumentStore } from './trace-documents.js';
