export { compareKeys, nextStateRoot, writeEntries } from './state-root.js';
export {
  MapSource,
  type PendingWrite,
  StateOverlay,
  type StateReader,
  type StateSource,
} from './state-view.js';
