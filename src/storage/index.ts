export { GroupStore, type StoredBlock, type StoredTx } from './group-store.js';
