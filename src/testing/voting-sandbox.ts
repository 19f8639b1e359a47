import { sha256 } from '@noble/hashes/sha2';
import { getSuite, type KeyPair } from '../crypto/index.js';
import { toHex, utf8 } from '../encoding/index.js';
import type { CborMap, Receipt } from '../ledger/index.js';
import {
  castArgs,
  computeResult,
  decryptArgs,
  type ElectionRecord,
  recordFromJson,
  trusteeKeyArgs,
  trusteeSharesArgs,
  votingModule,
} from '../modules/voting/index.js';
import { MemoryChain } from './memory-chain.js';

/** A reproducible 32-byte seed named `label` (tests and benchmarks; real clients draw theirs). */
export const seedOf = (label: string): Uint8Array => sha256(utf8(label));

/**
 * A `voting.trusteeShares` message whose share for trustee `to` is off by one (its proof still
 * verifies: the proof covers the commitments, not the encrypted shares) — a dishonest or faulty
 * dealer, for the complaint round in tests and demos.
 */
export function withBadShare(args: CborMap, to: number): CborMap {
  const shares = (args.shares as Uint8Array[]).map((s) => s.slice());
  const s = shares[to - 1] as Uint8Array;
  // The scalar half is little-endian: bump its lowest byte (it stays below q).
  s[32] = ((s[32] ?? 0) + 1) & 0xff;
  return { ...args, shares };
}

/**
 * The voting module on a `MemoryChain` (the real block executor), with a registrar and trustee
 * accounts, for tests and benchmarks: one transaction per block unless batched.
 */
export class VotingSandbox {
  readonly suite = getSuite('ed25519');
  readonly mc = new MemoryChain({
    suite: this.suite,
    modules: [votingModule],
    timestamp: 1_700_000_000_000,
    chain: 'test',
  });
  readonly registrar: KeyPair = this.suite.generateKeyPair();
  readonly trustees: KeyPair[];

  constructor(trustees = 3) {
    this.trustees = Array.from({ length: trustees }, () => this.suite.generateKeyPair());
  }

  address(k: KeyPair): string {
    return this.suite.address(k.publicKey);
  }

  /** Run one call in its own block and return its receipt. */
  call(key: KeyPair, method: string, args: CborMap): Receipt {
    const res = this.mc.run([this.mc.tx(key, 'voting', method, args, { sign: false })]);
    const r = res.receipts[0];
    if (r === undefined) throw new Error(`${method}: dropped (${res.dropped[0]?.error.code})`);
    return r;
  }

  /** Run calls in one block (as a busy node would) and return their receipts. */
  batch(calls: readonly { key: KeyPair; method: string; args: CborMap }[]): readonly Receipt[] {
    return this.mc.run(calls.map((c) => this.mc.tx(c.key, 'voting', c.method, c.args, { sign: false })))
      .receipts;
  }

  /** Like `call`, failing unless the receipt is ok. */
  ok(key: KeyPair, method: string, args: CborMap): Receipt {
    const r = this.call(key, method, args);
    if (r.status !== 'ok') throw new Error(`${method}: ${r.status} ${r.message ?? ''}`);
    return r;
  }

  query(name: string, args: Record<string, unknown>): unknown {
    return this.mc.query('voting', name, args);
  }

  record(id: string): ElectionRecord {
    return recordFromJson(this.query('record', { election: id }));
  }

  /** The state as hex, to compare before/after a refused call. */
  snapshot(): Map<string, string> {
    return new Map([...this.mc.state].map(([k, v]) => [k, toHex(v)]));
  }

  /** Both rounds of key generation for every trustee (seeds `trustee-<id>-<i>`). */
  runDkg(id: string): void {
    const e = () => this.record(id).election;
    const seed = (i: number) => seedOf(`trustee-${id}-${i}`);
    for (const [i, k] of this.trustees.entries())
      this.ok(k, 'trusteeKey', trusteeKeyArgs(e(), i + 1, seed(i + 1)));
    for (const [i, k] of this.trustees.entries()) {
      this.ok(k, 'trusteeShares', trusteeSharesArgs(e(), i + 1, this.record(id).trustees, seed(i + 1)));
    }
  }

  cast(id: string, voter: string, selections: readonly (readonly number[])[], seq = 1): Receipt {
    const e = this.record(id).election;
    return this.call(
      this.registrar,
      'cast',
      castArgs(e, seedOf(voter), selections, seedOf(`${voter}/ballot/${seq}`), seq),
    );
  }

  /** Trustees `which` (1-based) decrypt, then the result is computed and published. */
  decryptAndTally(id: string, which: readonly number[]): Receipt {
    for (const j of which) {
      this.ok(
        this.trustees[j - 1] as KeyPair,
        'decrypt',
        decryptArgs(this.record(id), j, seedOf(`trustee-${id}-${j}`)),
      );
    }
    const r = computeResult(this.record(id));
    return this.call(this.registrar, 'tally', { election: id, plain: r.plain, weighted: r.weighted });
  }
}
