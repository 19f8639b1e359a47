import type { CryptoSuite } from '../crypto/index.js';
import type { CborValue } from '../encoding/index.js';
import type { CborMap, ChainParams, Genesis } from '../ledger/index.js';
import type { StateOverlay, StateReader } from '../state/index.js';

/** What a method sees while it executes inside a block. No clock, no randomness. */
export interface ExecContext {
  readonly chain: string;
  readonly group: string;
  readonly height: number;
  /** The block's orderer timestamp (ms). */
  readonly timestamp: number;
  readonly txHash: Uint8Array;
  /** Sender address and public key. */
  readonly sender: string;
  readonly senderKey: Uint8Array;
  readonly suite: CryptoSuite;
  readonly params: ChainParams;
  /** The transaction's copy-on-write view: dropped if the call throws. */
  readonly state: StateOverlay;
  emit(name: string, data: CborMap): void;
}

/**
 * One callable method: `parse` checks the argument shape (EXEC_BAD_ARGS), `check` is the pure
 * validity check (reads only), `apply` performs the writes once `check` passed.
 */
export interface MethodDef<A> {
  parse(args: CborMap): A;
  check(ctx: ExecContext, args: A): void;
  apply(ctx: ExecContext, args: A): void;
}

/** Read-only query context. */
export interface QueryContext {
  readonly state: StateReader;
  readonly suite: CryptoSuite;
  readonly group: string;
  readonly height: number;
}

/** A read-only query: JSON arguments in, JSON out. */
export type QueryDef = (ctx: QueryContext, args: Readonly<Record<string, unknown>>) => unknown;

/** A deterministic ledger module: methods change state, queries read it. */
export interface LedgerModule {
  readonly name: string;
  readonly methods: Readonly<Record<string, MethodDef<unknown>>>;
  readonly queries: Readonly<Record<string, QueryDef>>;
  /** Writes the module's initial state from the genesis document. */
  initGenesis?(genesis: Genesis, state: StateOverlay, suite: CryptoSuite): void;
}

/** Type-erasing helper so method tables can hold methods of different argument types. */
export function defineMethod<A>(def: MethodDef<A>): MethodDef<unknown> {
  return def as MethodDef<unknown>;
}

/** Helper for module state keys: "<module>/<parts joined by />". */
export function stateKey(module: string, ...parts: string[]): string {
  return [module, ...parts].join('/');
}

export type { CborValue };
