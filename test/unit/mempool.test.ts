import { describe, expect, it } from 'vitest';
import { getSuite, type KeyPair, type VerifyItem } from '../../src/crypto/index.js';
import { toHex } from '../../src/encoding/index.js';
import { GongzhiError } from '../../src/errors/index.js';
import { type AdmissionScope, type CandidateTx, nonceKey } from '../../src/execution/index.js';
import { DEFAULT_PARAMS, encodeTx, signTx, type TxBody, txHash } from '../../src/ledger/index.js';
import { FifoMempool, type FifoMempoolOptions, type SignatureVerifier } from '../../src/node/fifo-mempool.js';
import type { AdmitResult } from '../../src/node/mempool.js';

const suite = getSuite('ed25519');
const alice = suite.generateKeyPair();
const bob = suite.generateKeyPair();
const scope: AdmissionScope = { chain: 'c', group: 'g', suite, params: DEFAULT_PARAMS, height: 1 };

let seq = 0;
/** A signed transaction of `key` (or one signed by `signer`, to get a bad signature). */
function tx(o: Partial<TxBody> & { key?: KeyPair; signer?: KeyPair } = {}): {
  bytes: Uint8Array;
  hex: string;
} {
  const key = o.key ?? alice;
  const body: TxBody = {
    chain: o.chain ?? 'c',
    group: o.group ?? 'g',
    sender: o.sender ?? key.publicKey,
    nonce: o.nonce ?? `n${seq++}`,
    validUntil: o.validUntil ?? 100,
    module: 'evidence',
    method: 'anchor',
    args: o.args ?? { seq: seq++ },
  };
  const signed = signTx(suite, (o.signer ?? key).secretKey, body);
  return { bytes: encodeTx(signed), hex: toHex(txHash(suite, body)) };
}

/** A pool over a fake committed store, recording the codes it reports as rejected. */
function pool(o: Partial<FifoMempoolOptions> = {}) {
  const committedNonces = new Set<string>();
  const committedTxs = new Set<string>();
  const rejected: string[] = [];
  const mp = new FifoMempool({
    limit: o.limit ?? 100,
    committedNonces: { has: (s, n) => committedNonces.has(nonceKey(s, n)) },
    isCommitted: (h) => committedTxs.has(toHex(h)),
    onReject: (code) => rejected.push(code),
    ...(o.verifier === undefined ? {} : { verifier: o.verifier }),
    ...(o.senderLimit === undefined ? {} : { senderLimit: o.senderLimit }),
    ...(o.precheck === undefined ? {} : { precheck: o.precheck }),
  });
  return { mp, committedNonces, committedTxs, rejected };
}

function codeOf(r: AdmitResult | undefined): string | undefined {
  return r && 'error' in r ? r.error.code : undefined;
}

async function admitOne(mp: FifoMempool, bytes: Uint8Array, s: AdmissionScope = scope) {
  const [r] = await mp.admit([bytes], s);
  return r as AdmitResult;
}

const addr = (k: KeyPair) => suite.address(k.publicKey);

describe('FifoMempool admission', () => {
  it('admits a valid transaction: pending, verified, reapable', async () => {
    const { mp, rejected } = pool();
    const t = tx();
    expect(await admitOne(mp, t.bytes)).toEqual({ hash: t.hex });
    expect(mp.size).toBe(1);
    expect(mp.has(t.hex)).toBe(true);
    expect(mp.get(t.hex)?.candidate.verified).toBe(true);
    expect(rejected).toEqual([]);
  });

  it('refuses each bad transaction with its code and leaves no trace', async () => {
    const cases: [string, Uint8Array, AdmissionScope?][] = [
      ['TX_TOO_LARGE', tx().bytes, { ...scope, params: { ...DEFAULT_PARAMS, maxTxBytes: 50 } }],
      ['TX_MALFORMED', new Uint8Array([1, 2, 3])],
      ['TX_MALFORMED', tx({ sender: new Uint8Array(5) }).bytes],
      ['TX_WRONG_GROUP', tx({ group: 'other' }).bytes],
      ['TX_WRONG_CHAIN', tx({ chain: 'other' }).bytes],
      ['TX_EXPIRED', tx({ validUntil: 4 }).bytes, { ...scope, height: 5 }],
      ['TX_WINDOW_TOO_LONG', tx({ validUntil: 1 + DEFAULT_PARAMS.maxValidityWindow }).bytes],
      ['TX_BAD_SIGNATURE', tx({ signer: bob }).bytes],
    ];
    for (const [code, bytes, s] of cases) {
      const { mp, rejected } = pool();
      const r = await admitOne(mp, bytes, s);
      expect(codeOf(r), code).toBe(code);
      expect(mp.size).toBe(0);
      expect(mp.reap()).toEqual([]);
      expect(rejected).toEqual([code]);
      // The refused transaction's nonce stays free: a good one with it is admitted.
      expect('hash' in (await admitOne(mp, tx().bytes))).toBe(true);
    }
  });

  it('refuses everything once closed', async () => {
    const { mp } = pool();
    mp.close();
    expect(codeOf(await admitOne(mp, tx().bytes))).toBe('NODE_SHUTTING_DOWN');
    expect(mp.size).toBe(0);
  });

  it('tells duplicates: pending, in the same call, committed', async () => {
    const { mp, committedNonces, committedTxs } = pool();
    const t = tx({ nonce: 'dup' });
    await admitOne(mp, t.bytes);
    const again = await admitOne(mp, t.bytes);
    expect(codeOf(again)).toBe('TX_DUPLICATE');
    expect((again as { error: GongzhiError }).error.message).toMatch(/already submitted/);
    const twice = tx();
    const rs = await mp.admit([twice.bytes, twice.bytes], scope);
    expect(rs[0]).toEqual({ hash: twice.hex });
    expect(codeOf(rs[1])).toBe('TX_NONCE_REPLAYED');
    expect(mp.size).toBe(2);

    const done = tx({ nonce: 'done' });
    committedNonces.add(nonceKey(addr(alice), 'done'));
    committedTxs.add(done.hex);
    const r = await admitOne(mp, done.bytes);
    expect(codeOf(r)).toBe('TX_DUPLICATE');
    expect((r as { error: GongzhiError }).error.message).toMatch(/already committed/);
    expect(mp.size).toBe(2);
  });

  it('refuses a nonce used by a pending or a committed transaction of the same sender only', async () => {
    const { mp, committedNonces } = pool();
    await admitOne(mp, tx({ nonce: 'p' }).bytes);
    expect(codeOf(await admitOne(mp, tx({ nonce: 'p' }).bytes))).toBe('TX_NONCE_REPLAYED');
    committedNonces.add(nonceKey(addr(alice), 'c'));
    expect(codeOf(await admitOne(mp, tx({ nonce: 'c' }).bytes))).toBe('TX_NONCE_REPLAYED');
    expect(mp.size).toBe(1);
    // Another sender may use the same nonces.
    expect('hash' in (await admitOne(mp, tx({ key: bob, nonce: 'p' }).bytes))).toBe(true);
    expect('hash' in (await admitOne(mp, tx({ key: bob, nonce: 'c' }).bytes))).toBe(true);
    expect(mp.size).toBe(3);
  });

  it('answers MEMPOOL_FULL beyond its limit', async () => {
    const { mp, rejected } = pool({ limit: 2 });
    const rs = await mp.admit([tx().bytes, tx().bytes, tx().bytes], scope);
    expect(rs.map(codeOf)).toEqual([undefined, undefined, 'MEMPOOL_FULL']);
    expect((rs[2] as { error: GongzhiError }).error.details.retryAfterMs).toBe(200);
    expect(mp.size).toBe(2);
    expect(mp.reap()).toHaveLength(2);
    expect(rejected).toEqual(['MEMPOOL_FULL']);
  });
});

describe('FifoMempool abuse limits', () => {
  it('refuses beyond the per-sender limit, leaving others free, until the sender’s slots free up', async () => {
    const { mp, rejected } = pool({ senderLimit: 2 });
    const [a1, a2, a3] = [tx(), tx(), tx()];
    const rs = await mp.admit([a1.bytes, a2.bytes, a3.bytes], scope);
    expect(rs.map(codeOf)).toEqual([undefined, undefined, 'MEMPOOL_SENDER_LIMIT']);
    const err = (rs[2] as { error: GongzhiError }).error;
    expect(err.details).toMatchObject({ sender: addr(alice), limit: 2 });
    expect(mp.size).toBe(2);
    expect(mp.has(a3.hex)).toBe(false);
    expect(mp.pendingOf(addr(alice))).toBe(2);
    expect(rejected).toEqual(['MEMPOOL_SENDER_LIMIT']);
    // Another sender is not affected.
    expect('hash' in (await admitOne(mp, tx({ key: bob }).bytes))).toBe(true);
    // The refused transaction left its nonce free: once one of alice's leaves, it is admitted.
    mp.remove([a1.hex]);
    expect(mp.pendingOf(addr(alice))).toBe(1);
    expect(await admitOne(mp, a3.bytes)).toEqual({ hash: a3.hex });
    const c = mp.reap();
    mp.update(1, c, []);
    expect(mp.pendingOf(addr(alice))).toBe(0);
    expect(mp.size).toBe(0);
  });

  it('runs the precheck after the signature and refuses with its error, leaving no trace', async () => {
    const seen: string[] = [];
    const { mp, rejected } = pool({
      precheck: (c) => {
        seen.push(c.sender);
        if (c.sender === addr(bob)) {
          throw new GongzhiError('EXEC_PERMISSION_DENIED', 'not allowed', { account: c.sender });
        }
      },
    });
    const forged = tx({ key: bob, signer: alice });
    const denied = tx({ key: bob, nonce: 'b1' });
    const fine = tx();
    const rs = await mp.admit([forged.bytes, denied.bytes, fine.bytes], scope);
    expect(rs.map(codeOf)).toEqual(['TX_BAD_SIGNATURE', 'EXEC_PERMISSION_DENIED', undefined]);
    expect(rs[1]).toMatchObject({ hash: denied.hex });
    // The forged one never reached the precheck: a bad signature is told as such.
    expect(seen).toEqual([addr(bob), addr(alice)]);
    expect(mp.size).toBe(1);
    expect(mp.has(denied.hex)).toBe(false);
    expect(mp.pendingOf(addr(bob))).toBe(0);
    expect(rejected).toEqual(['TX_BAD_SIGNATURE', 'EXEC_PERMISSION_DENIED']);
  });
});

describe('FifoMempool with a batch verifier', () => {
  /** A verifier that answers when released, rejecting signatures over the listed hashes. */
  function gatedVerifier(bad: Set<string> = new Set()) {
    const gates: (() => void)[] = [];
    const calls: VerifyItem[][] = [];
    const verifier: SignatureVerifier = {
      verifyBatch: (_suite, items) => {
        calls.push([...items]);
        return new Promise((resolve) => {
          gates.push(() => resolve(items.map((i) => !bad.has(toHex(i.message)))));
        });
      },
    };
    const release = () => {
      for (const g of gates.splice(0)) g();
    };
    return { verifier, calls, release };
  }

  it('verifies signatures in one batch and refuses the bad ones with their hash', async () => {
    const good = tx();
    const forged = tx({ signer: bob });
    const v = gatedVerifier(new Set([forged.hex]));
    const { mp, rejected } = pool({ verifier: v.verifier });
    const p = mp.admit([good.bytes, forged.bytes], scope);
    await Promise.resolve();
    expect(mp.size).toBe(0); // nothing is pending before its signature checked out
    v.release();
    const rs = await p;
    expect(v.calls).toHaveLength(1);
    expect(v.calls[0]).toHaveLength(2);
    expect(rs[0]).toEqual({ hash: good.hex });
    expect(rs[1]).toMatchObject({ hash: forged.hex, error: { code: 'TX_BAD_SIGNATURE' } });
    expect(mp.size).toBe(1);
    expect(mp.get(good.hex)?.candidate.verified).toBe(true);
    expect(rejected).toEqual(['TX_BAD_SIGNATURE']);
  });

  it('re-checks after verifying: a concurrent twin is refused, closing refuses the rest', async () => {
    const v = gatedVerifier();
    const { mp } = pool({ verifier: v.verifier });
    const t = tx();
    const first = mp.admit([t.bytes], scope);
    const second = mp.admit([t.bytes], scope);
    v.release();
    const [a] = await first;
    const [b] = await second;
    expect(a).toEqual({ hash: t.hex });
    expect(b).toMatchObject({ hash: t.hex, error: { code: 'TX_NONCE_REPLAYED' } });
    expect(mp.size).toBe(1);

    const late = mp.admit([tx().bytes], scope);
    mp.close();
    v.release();
    expect(codeOf((await late)[0])).toBe('NODE_SHUTTING_DOWN');
    expect(mp.size).toBe(1);
  });
});

describe('FifoMempool reap, update, remove', () => {
  const hexOf = (cs: readonly CandidateTx[]) => cs.map((c) => toHex(c.hash));

  it('reaps in admission order, each transaction once, and keeps them pending', async () => {
    const { mp } = pool();
    const [a, b, c, d] = [tx(), tx(), tx(), tx()];
    await mp.admit([a.bytes, b.bytes], scope);
    await mp.admit([c.bytes], scope);
    expect(hexOf(mp.reap(2))).toEqual([a.hex, b.hex]);
    await mp.admit([d.bytes], scope);
    expect(hexOf(mp.reap())).toEqual([c.hex, d.hex]);
    expect(mp.reap()).toEqual([]);
    expect(mp.size).toBe(4);
  });

  it('does not reap what was removed before it was reaped', async () => {
    const { mp } = pool();
    const [a, b] = [tx(), tx()];
    await mp.admit([a.bytes, b.bytes], scope);
    expect(mp.remove([a.hex, 'ff'.repeat(32)]).map((p) => p.hex)).toEqual([a.hex]);
    expect(hexOf(mp.reap())).toEqual([b.hex]);
  });

  it('update takes out the included and the dropped, and frees their nonces', async () => {
    const { mp } = pool();
    const a = tx({ nonce: 'a' });
    const b = tx({ nonce: 'b' });
    const c = tx({ nonce: 'c' });
    await mp.admit([a.bytes, b.bytes, c.bytes], scope);
    const [ca, cb] = mp.reap();
    const remote = tx({ key: bob });
    const remoteCandidate = {
      hash: Buffer.from(remote.hex, 'hex'),
    } as unknown as CandidateTx;
    const err = new GongzhiError('TX_EXPIRED', 'dropped by the block builder');
    const up = mp.update(
      1,
      [ca as CandidateTx, remoteCandidate],
      [{ hash: (cb as CandidateTx).hash, error: err }],
    );
    expect(up.included.map((p) => p.hex)).toEqual([a.hex]);
    expect(up.removed.map((r) => [r.tx.hex, r.error])).toEqual([[b.hex, err]]);
    expect(mp.size).toBe(1);
    expect(mp.has(c.hex)).toBe(true);
    // b's nonce is free again; a's is now a committed nonce (the store's business, not the pool's).
    expect('hash' in (await admitOne(mp, tx({ nonce: 'b' }).bytes))).toBe(true);
    expect(codeOf(await admitOne(mp, tx({ nonce: 'c' }).bytes))).toBe('TX_NONCE_REPLAYED');
  });

  it('update expires what can no longer enter a block', async () => {
    const { mp } = pool();
    const soon = tx({ validUntil: 3 });
    const later = tx({ validUntil: 4 });
    await mp.admit([soon.bytes, later.bytes], scope);
    expect(mp.update(1, [], []).removed).toEqual([]);
    expect(mp.update(2, [], []).removed).toEqual([]); // next block is 3: still valid
    const up = mp.update(3, [], []);
    expect(up.removed.map((r) => r.tx.hex)).toEqual([soon.hex]);
    expect(up.removed[0]?.error).toMatchObject({ code: 'TX_EXPIRED', details: { validUntil: 3, height: 4 } });
    expect(mp.size).toBe(1);
    expect(mp.update(9, [], []).removed.map((r) => r.tx.hex)).toEqual([later.hex]);
    expect(mp.size).toBe(0);
  });

  it('remove frees the slot and the nonce', async () => {
    const { mp } = pool({ limit: 1 });
    const a = tx({ nonce: 'x' });
    await admitOne(mp, a.bytes);
    expect(codeOf(await admitOne(mp, tx().bytes))).toBe('MEMPOOL_FULL');
    expect(mp.remove([a.hex])).toHaveLength(1);
    expect(mp.remove([a.hex])).toHaveLength(0);
    expect('hash' in (await admitOne(mp, tx({ nonce: 'x' }).bytes))).toBe(true);
  });
});
