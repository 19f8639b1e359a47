export { compareKeys, nextStateRoot, writeEntries } from './state-root.js';
export {
  MapSource,
  type PendingWrite,
  type StateReader,
  type StateSource,
  StateOverlay,
} from './state-view.js';
