import type { TSchema } from '@sinclair/typebox';
import type { CryptoSuite } from '../crypto/index.js';
import type { CborValue } from '../encoding/index.js';
import type { ErrorTable } from '../errors/index.js';
import type { CborMap, ChainParams, Genesis } from '../ledger/index.js';
import type { StateOverlay, StateReader } from '../state/index.js';
import type { AdmitJob, AdmitJobFn } from './admit-job.js';
import type { QueryArgs } from './readers.js';

/**
 * What a method's optional `admit` sees when a node admits the transaction: no block yet (no
 * timestamp), committed state it can only read.
 */
export interface AdmitContext {
  readonly chain: string;
  readonly group: string;
  /** Height of the block the transaction would enter (at admission: the next one). */
  readonly height: number;
  readonly txHash: Uint8Array;
  /** Sender address and public key. */
  readonly sender: string;
  readonly senderKey: Uint8Array;
  readonly suite: CryptoSuite;
  readonly params: ChainParams;
  /** Read-only state: committed state at admission, the transaction's state inside a block. */
  readonly state: StateReader;
}

/** What a method's `check` sees: the block, the sender, and state it can only read. */
export interface CheckContext extends AdmitContext {
  /** The block's orderer timestamp (ms). No clock is read inside execution. */
  readonly timestamp: number;
}

/** What a method's `apply` sees: the same, with the transaction's writable overlay and events. */
export interface ExecContext extends Omit<CheckContext, 'state'> {
  /** The transaction's copy-on-write view: dropped if the call throws. */
  readonly state: StateOverlay;
  emit(name: string, data: CborMap): void;
}

/**
 * One callable method, in the validity/process split: `parse` checks the argument shape
 * (EXEC_BAD_ARGS), `check` is the pure validity check over read-only state and returns what
 * `apply` needs (`P`, e.g. the records it read or a computed posting set), and `apply` performs
 * the writes with that value. The executor always runs them in this order on the same state.
 */
export interface MethodDef<A, P = void> {
  /** One line for OpenAPI, the CLI and the console. */
  readonly summary: string;
  /** JSON Schema of the arguments' JSON view (bytes as lower-case hex strings). */
  readonly args: TSchema;
  parse(args: CborMap): A;
  /**
   * Optional admission check, run by the node before the transaction enters its mempool (after
   * the signature, method lookup and role checks): a throw refuses it with that code — a 4xx
   * answer, no block space, no receipt. It must be deterministic and read state only through
   * `ctx.state` (committed state), and refuse only what can never become valid (a bad proof, an
   * election that is closed for good): state may change before the block, and a block from
   * another node never passed this node's admission, so `check` must still test everything.
   * It may return an `AdmitJob`: the costly state-free rest of the check (a ballot's proofs),
   * which the node runs on its verify worker pool when it has one, else right away.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: an admit that only checks returns nothing
  admit?(ctx: AdmitContext, args: A): AdmitJob | undefined | void;
  check(ctx: CheckContext, args: A): P;
  apply(ctx: ExecContext, args: A, prepared: P): void;
  /**
   * Optional: what the transaction is about within its module (e.g. its election's id), at most
   * `MAX_SUBJECT` characters. The node indexes committed transactions by (module, subject), so
   * one subject's history (`GET …/txs?module=&subject=`) is read without the module's others. Node-side
   * derived data, computed from the parsed arguments: not on the ledger, no outcome depends on it.
   */
  subject?(args: A): string;
}

/** The longest subject a node indexes (a longer one is not indexed). */
export const MAX_SUBJECT = 128;

/** A method with its types erased, as a module's method table holds it. */
// biome-ignore lint/suspicious/noExplicitAny: the table holds methods of different argument types
export type AnyMethod = MethodDef<any, any>;

/** Read-only query context. */
export interface QueryContext {
  readonly state: StateReader;
  readonly suite: CryptoSuite;
  readonly group: string;
  readonly height: number;
}

/** A read-only query: parameters in (strings from a URL, read with `QueryArgs`), JSON out. */
export interface QueryDef<R = unknown> {
  readonly summary: string;
  /** JSON Schema of the parameters: an object schema whose properties are the parameter names. */
  readonly args: TSchema;
  /** JSON Schema of the result's JSON view. */
  readonly result: TSchema;
  run(ctx: QueryContext, args: QueryArgs): R;
}

/** A module's optional genesis section (`genesis.modules.<name>`): read strictly, defaults when absent. */
export interface GenesisSection<G> {
  /** JSON Schema of the section. */
  readonly schema: TSchema;
  readonly defaults: G;
  /** Read the section (a JSON value from the genesis file) strictly: GENESIS_INVALID naming the field. */
  parse(section: unknown): G;
}

/** What a module's genesis initialiser sees. */
export interface GenesisContext<G> {
  readonly genesis: Genesis;
  readonly state: StateOverlay;
  readonly suite: CryptoSuite;
  /** The module's genesis section, parsed (its defaults when absent). */
  readonly config: G;
}

/** What a module declares: one typed manifest (see docs/writing-a-module.md). */
export interface ModuleManifest<G = undefined> {
  /** Module name: the transaction's `module` field and the prefix of its state keys. */
  readonly name: string;
  /** One line for OpenAPI, the CLI and the console. */
  readonly summary: string;
  readonly methods: Readonly<Record<string, AnyMethod>>;
  readonly queries: Readonly<Record<string, QueryDef>>;
  /**
   * Default permission rows: method name → roles allowed to call it (`*` = any account). Genesis
   * starts with these as `<module>.<method>` rows; the committee changes them later. Every method
   * has a row.
   */
  readonly permissions: Readonly<Record<string, readonly string[]>>;
  /** The module's error codes, merged into the one code table. */
  readonly errors: ErrorTable;
  readonly genesis?: GenesisSection<G>;
  /** Writes the module's initial state at block 0. */
  initGenesis?(ctx: GenesisContext<G>): void;
  /**
   * The pure functions its methods' `admit` may hand off as `AdmitJob`s, by kind
   * (`<module>.<name>`). The node's worker threads load the built-in modules' tables.
   */
  readonly admitJobs?: Readonly<Record<string, AdmitJobFn>>;
}

/** A module as the registry and executor hold it (built by `defineModule`). */
export interface LedgerModule extends ModuleManifest<unknown> {
  /** `<module>.<method>` → roles: the rows genesis starts with. */
  readonly permissionRows: Readonly<Record<string, readonly string[]>>;
  /** The module's genesis section of `genesis`, parsed (defaults when absent). */
  genesisConfig(genesis: Genesis): unknown;
}

/** Helper for module state keys: "<module>/<parts joined by />". */
export function stateKey(module: string, ...parts: string[]): string {
  return [module, ...parts].join('/');
}

export type { CborValue };
