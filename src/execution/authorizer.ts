import type { StateReader } from '../state/index.js';

/** Decides whether `sender` may call `module.method` given current state; throws a typed error if not. */
export interface Authorizer {
  authorize(state: StateReader, sender: string, module: string, method: string): void;
}

/** Reads the chain parameters in force from state. */
export type ParamsReader = (state: StateReader) => import('../ledger/index.js').ChainParams;
