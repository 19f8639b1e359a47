import { type CryptoSuite, getSuite, type KeyPair } from '../crypto/index.js';
import { toHex } from '../encoding/index.js';
import type { CborMap, Receipt } from '../ledger/index.js';
import { type AuditReport, auditProgram } from '../modules/points/audit.js';
import { pointsModule } from '../modules/points/points-module.js';
import { MemoryChain } from './memory-chain.js';

/** A named call for `PointsSandbox.block`. */
export type SandboxCall = readonly [actor: string, method: string, args: CborMap];

/**
 * The points module on an in-memory chain with named actors: each `call` is one signed transaction
 * in its own block. For tests, property tests and benchmarks.
 */
export class PointsSandbox {
  readonly suite: CryptoSuite;
  readonly chain: MemoryChain;
  private readonly keyring = new Map<string, KeyPair>();

  constructor(o: { timestamp?: number; suite?: CryptoSuite; sign?: boolean } = {}) {
    this.suite = o.suite ?? getSuite('ed25519');
    this.chain = new MemoryChain({
      suite: this.suite,
      modules: [pointsModule],
      timestamp: o.timestamp ?? 1_767_225_600_000,
    });
    this.sign = o.sign ?? true;
  }

  private readonly sign: boolean;

  key(name: string): KeyPair {
    let k = this.keyring.get(name);
    if (!k) {
      k = this.suite.generateKeyPair();
      this.keyring.set(name, k);
    }
    return k;
  }

  addr(name: string): string {
    return this.suite.address(this.key(name).publicKey);
  }

  /** Timestamp of the latest block. */
  get now(): number {
    return this.chain.head.timestamp;
  }

  get height(): number {
    return this.chain.head.height;
  }

  /** Run calls as one block at `ts` (default: one second after the head); returns the receipts. */
  block(calls: readonly SandboxCall[], ts?: number): Receipt[] {
    const txs = calls.map(([who, method, args]) =>
      this.chain.tx(this.key(who), 'points', method, args, { sign: this.sign }),
    );
    return [...this.chain.run(txs, ts).receipts];
  }

  /** One call in its own block; returns its receipt. */
  call(who: string, method: string, args: CborMap, ts?: number): Receipt {
    const [r] = this.block([[who, method, args]], ts);
    if (!r) throw new Error('no receipt');
    return r;
  }

  /** One call that must succeed; returns its events. */
  ok(who: string, method: string, args: CborMap, ts?: number): Receipt['events'] {
    const r = this.call(who, method, args, ts);
    if (r.status !== 'ok') throw new Error(`${who} ${method}: ${r.status} ${r.message ?? ''}`);
    return r.events;
  }

  /** The status code of one call. */
  status(who: string, method: string, args: CborMap, ts?: number): string {
    return this.call(who, method, args, ts).status;
  }

  query(name: string, args: Readonly<Record<string, unknown>> = {}): unknown {
    return this.chain.query('points', name, args);
  }

  /** All state, values as hex (to compare before/after). */
  snapshot(): Map<string, string> {
    return new Map([...this.chain.state].map(([k, v]) => [k, toHex(v)]));
  }

  audit(program: string): AuditReport {
    return auditProgram(this.chain.state, program);
  }
}
