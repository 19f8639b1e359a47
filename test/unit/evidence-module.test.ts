import { describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { type CborValue, toHex, utf8 } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import type { BlockResult } from '../../src/execution/index.js';
import {
  type BlockHeader,
  type CborMap,
  DEFAULT_PARAMS,
  leafHash,
  merkleRoot,
  type SignedTx,
  txHash,
} from '../../src/ledger/index.js';
import {
  evidenceKeys,
  evidenceModule,
  MAX_NOTES,
  MAX_SIGNERS,
  parseAnchorArgs,
  parseRecord,
  readRecord,
  recordValue,
} from '../../src/modules/evidence/index.js';
import type { EvidenceRecordJson } from '../../src/modules/evidence/types.js';
import { MapSource, StateOverlay } from '../../src/state/index.js';
import { MemoryChain } from '../../src/testing/index.js';

const suite = getSuite('ed25519');
/** A one-group in-memory chain driven by the real BlockExecutor, calling the evidence module. */
class TestChain {
  readonly mc = new MemoryChain({
    suite,
    modules: [evidenceModule],
    params: DEFAULT_PARAMS,
    timestamp: 1_700_000_000_000,
    chain: 'test',
  });

  get state(): Map<string, Uint8Array> {
    return this.mc.state;
  }

  get head(): BlockHeader {
    return this.mc.head;
  }

  tx(kp: KeyPair, method: string, args: CborMap): SignedTx {
    return this.mc.tx(kp, 'evidence', method, args).tx;
  }

  run(txs: readonly SignedTx[]): BlockResult {
    return this.mc.runSigned(txs);
  }

  snapshot(): Map<string, string> {
    return new Map([...this.state].map(([k, v]) => [k, toHex(v)]));
  }

  query(name: string, args: Record<string, unknown>): unknown {
    return this.mc.query('evidence', name, args);
  }

  record(digest: Uint8Array): EvidenceRecordJson {
    return this.query('get', { digest: toHex(digest) }) as EvidenceRecordJson;
  }
}

const alice = suite.generateKeyPair();
const bob = suite.generateKeyPair();
const carol = suite.generateKeyPair();
const addr = (kp: KeyPair): string => suite.address(kp.publicKey);

function digestOf(s: string): Uint8Array {
  return suite.hash(utf8(s));
}

function anchorArgs(digest: Uint8Array, extra: Record<string, CborValue> = {}): CborMap {
  return {
    digest,
    alg: 'sha256',
    meta: { type: 'photo', capturedBy: 'officer-17', capturedAt: 1_699_999_000_000, method: 'camera' },
    ...extra,
  };
}

function statusOf(res: BlockResult): string[] {
  return res.receipts.map((r) => r.status);
}

function queryError(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isGongzhiError(e) ? e.code : 'not-gongzhi';
  }
  return undefined;
}

describe('evidence.anchor', () => {
  it('creates the record, emits anchored and indexes the signer', () => {
    const c = new TestChain();
    const d = digestOf('file-1');
    const tx = c.tx(alice, 'anchor', anchorArgs(d, { batch: { count: 3 } }));
    const res = c.run([tx]);
    expect(statusOf(res)).toEqual(['ok']);
    const receipt = res.receipts[0]!;
    expect(receipt.events).toEqual([
      {
        module: 'evidence',
        name: 'anchored',
        data: { digest: d, alg: 'sha256', signer: addr(alice), batchCount: 3 },
      },
    ]);
    expect(receipt.writes.map(([k]) => k)).toEqual([
      evidenceKeys.record(toHex(d)),
      evidenceKeys.signerItem(addr(alice), 0),
      evidenceKeys.signerCount(addr(alice)),
    ]);
    const h = toHex(txHash(suite, tx.body));
    expect(c.record(d)).toEqual({
      digest: toHex(d),
      alg: 'sha256',
      meta: { type: 'photo', capturedBy: 'officer-17', capturedAt: 1_699_999_000_000, method: 'camera' },
      batch: { count: 3 },
      anchoredAt: { height: 1, timestamp: res.header.timestamp, tx: h },
      signers: [{ account: addr(alice), height: 1, tx: h }],
      notes: [],
    });
    expect(c.query('bySigner', { account: addr(alice) })).toEqual({
      account: addr(alice),
      total: 1,
      offset: 0,
      digests: [toHex(d)],
    });
  });

  it('keeps an optional ref and round-trips the stored record', () => {
    const c = new TestChain();
    const d = digestOf('file-ref');
    const args = anchorArgs(d);
    c.run([c.tx(alice, 'anchor', { ...args, meta: { ...(args.meta as CborMap), ref: 'case/2024/001' } })]);
    const stored = readRecord(new StateOverlay(new MapSource(c.state)), d)!;
    expect(stored.meta.ref).toBe('case/2024/001');
    expect(parseRecord(recordValue(stored))).toEqual(stored);
  });

  it('rejects a digest that is already anchored with EVIDENCE_EXISTS and changes nothing', () => {
    const c = new TestChain();
    const d = digestOf('file-1');
    c.run([c.tx(alice, 'anchor', anchorArgs(d))]);
    const before = c.snapshot();
    const res = c.run([c.tx(bob, 'anchor', anchorArgs(d))]);
    expect(statusOf(res)).toEqual(['EVIDENCE_EXISTS']);
    expect(res.receipts[0]!.writes).toEqual([]);
    expect(res.receipts[0]!.events).toEqual([]);
    expect(res.writes.size).toBe(0);
    expect(c.snapshot()).toEqual(before);
  });

  it('rejects the second anchor of the same digest within one block', () => {
    const c = new TestChain();
    const d = digestOf('same-block');
    const res = c.run([c.tx(alice, 'anchor', anchorArgs(d)), c.tx(bob, 'anchor', anchorArgs(d))]);
    expect(statusOf(res)).toEqual(['ok', 'EVIDENCE_EXISTS']);
    expect(c.record(d).signers.map((s) => s.account)).toEqual([addr(alice)]);
    expect(c.query('bySigner', { account: addr(bob) })).toMatchObject({ total: 0, digests: [] });
  });

  it.each([
    ['a short digest', { digest: new Uint8Array(31) }, 'EVIDENCE_BAD_DIGEST'],
    ['a digest that is text', { digest: 'ab'.repeat(32) }, 'EVIDENCE_BAD_DIGEST'],
    ['an unknown alg', { alg: 'md5' }, 'EXEC_BAD_ARGS'],
    ['an unknown field', { extra: 1 }, 'EXEC_BAD_ARGS'],
    ['batch.count 0', { batch: { count: 0 } }, 'EXEC_BAD_ARGS'],
    ['batch with extra fields', { batch: { count: 2, root: 1 } }, 'EXEC_BAD_ARGS'],
    [
      'meta without capturedAt',
      { meta: { type: 'photo', capturedBy: 'x', method: 'camera' } },
      'EXEC_BAD_ARGS',
    ],
    [
      'negative capturedAt',
      { meta: { type: 'photo', capturedBy: 'x', capturedAt: -1, method: 'camera' } },
      'EXEC_BAD_ARGS',
    ],
    [
      'an empty meta.type',
      { meta: { type: '', capturedBy: 'x', capturedAt: 1, method: 'camera' } },
      'EXEC_BAD_ARGS',
    ],
    [
      'an unknown meta field',
      { meta: { type: 'a', capturedBy: 'x', capturedAt: 1, method: 'camera', gps: 'x' } },
      'EXEC_BAD_ARGS',
    ],
  ] as const)('rejects %s', (_name, extra, code) => {
    const c = new TestChain();
    const res = c.run([c.tx(alice, 'anchor', anchorArgs(digestOf('x'), extra as Record<string, CborValue>))]);
    expect(statusOf(res)).toEqual([code]);
    expect(c.state.size).toBe(0);
  });

  it('parses arguments purely', () => {
    const d = digestOf('pure');
    expect(parseAnchorArgs(anchorArgs(d))).toEqual({
      digest: d,
      alg: 'sha256',
      meta: { type: 'photo', capturedBy: 'officer-17', capturedAt: 1_699_999_000_000, method: 'camera' },
    });
  });
});

describe('evidence.cosign', () => {
  it('adds co-signers in order and emits cosigned', () => {
    const c = new TestChain();
    const d = digestOf('contract');
    c.run([c.tx(alice, 'anchor', anchorArgs(d))]);
    const tb = c.tx(bob, 'cosign', { digest: d });
    const res = c.run([tb, c.tx(carol, 'cosign', { digest: d })]);
    expect(statusOf(res)).toEqual(['ok', 'ok']);
    expect(res.receipts[0]!.events).toEqual([
      { module: 'evidence', name: 'cosigned', data: { digest: d, signer: addr(bob), signers: 2 } },
    ]);
    const r = c.record(d);
    expect(r.signers.map((s) => [s.account, s.height])).toEqual([
      [addr(alice), 1],
      [addr(bob), 2],
      [addr(carol), 2],
    ]);
    expect(r.signers[1]!.tx).toBe(toHex(txHash(suite, tb.body)));
    expect(c.query('bySigner', { account: addr(carol) })).toMatchObject({ total: 1, digests: [toHex(d)] });
  });

  it('fails with EVIDENCE_ALREADY_SIGNED for the anchorer and for a repeat, EVIDENCE_NOT_FOUND when absent', () => {
    const c = new TestChain();
    const d = digestOf('contract');
    c.run([c.tx(alice, 'anchor', anchorArgs(d)), c.tx(bob, 'cosign', { digest: d })]);
    const before = c.snapshot();
    const res = c.run([
      c.tx(alice, 'cosign', { digest: d }),
      c.tx(bob, 'cosign', { digest: d }),
      c.tx(carol, 'cosign', { digest: digestOf('nothing') }),
      c.tx(carol, 'cosign', { digest: d, extra: true }),
    ]);
    expect(statusOf(res)).toEqual([
      'EVIDENCE_ALREADY_SIGNED',
      'EVIDENCE_ALREADY_SIGNED',
      'EVIDENCE_NOT_FOUND',
      'EXEC_BAD_ARGS',
    ]);
    expect(c.snapshot()).toEqual(before);
  });

  it(`stops at ${MAX_SIGNERS} signers with EVIDENCE_LIMIT`, () => {
    const c = new TestChain();
    const d = digestOf('crowded');
    const keys = Array.from({ length: MAX_SIGNERS }, () => suite.generateKeyPair());
    const res = c.run([
      c.tx(alice, 'anchor', anchorArgs(d)),
      ...keys.map((k) => c.tx(k, 'cosign', { digest: d })),
    ]);
    expect(statusOf(res).slice(0, MAX_SIGNERS)).toEqual(Array(MAX_SIGNERS).fill('ok'));
    expect(statusOf(res)[MAX_SIGNERS]).toBe('EVIDENCE_LIMIT');
    expect(c.record(d).signers).toHaveLength(MAX_SIGNERS);
  });
});

describe('evidence.note', () => {
  it('lets signers append notes and rejects everyone else', () => {
    const c = new TestChain();
    const d = digestOf('noted');
    c.run([c.tx(alice, 'anchor', anchorArgs(d)), c.tx(bob, 'cosign', { digest: d })]);
    const res = c.run([
      c.tx(alice, 'note', { digest: d, text: 'original handed to archive' }),
      c.tx(bob, 'note', { digest: d, text: '复核无误' }),
      c.tx(carol, 'note', { digest: d, text: 'not mine' }),
      c.tx(alice, 'note', { digest: d, text: 'x'.repeat(1025) }),
      c.tx(alice, 'note', { digest: d, text: '' }),
      c.tx(alice, 'note', { digest: digestOf('nothing'), text: 'x' }),
    ]);
    expect(statusOf(res)).toEqual([
      'ok',
      'ok',
      'EVIDENCE_NOT_SIGNER',
      'EXEC_BAD_ARGS',
      'EXEC_BAD_ARGS',
      'EVIDENCE_NOT_FOUND',
    ]);
    expect(res.receipts[1]!.events).toEqual([
      { module: 'evidence', name: 'noted', data: { digest: d, signer: addr(bob), index: 1 } },
    ]);
    expect(c.record(d).notes.map((n) => [n.account, n.height, n.text])).toEqual([
      [addr(alice), 2, 'original handed to archive'],
      [addr(bob), 2, '复核无误'],
    ]);
  });

  it('accepts a 1024-character note', () => {
    const c = new TestChain();
    const d = digestOf('long');
    const res = c.run([
      c.tx(alice, 'anchor', anchorArgs(d)),
      c.tx(alice, 'note', { digest: d, text: 'y'.repeat(1024) }),
    ]);
    expect(statusOf(res)).toEqual(['ok', 'ok']);
  });

  it(`stops at ${MAX_NOTES} notes with EVIDENCE_LIMIT`, () => {
    const c = new TestChain();
    const d = digestOf('chatty');
    c.run([c.tx(alice, 'anchor', anchorArgs(d))]);
    const res = c.run(
      Array.from({ length: MAX_NOTES + 1 }, (_, i) => c.tx(alice, 'note', { digest: d, text: `n${i}` })),
    );
    expect(statusOf(res).filter((s) => s === 'ok')).toHaveLength(MAX_NOTES);
    expect(statusOf(res)[MAX_NOTES]).toBe('EVIDENCE_LIMIT');
  });
});

describe('evidence.revoke', () => {
  it('marks only the sender as revoked, keeps everything else, and blocks further notes', () => {
    const c = new TestChain();
    const d = digestOf('disputed');
    c.run([c.tx(alice, 'anchor', anchorArgs(d)), c.tx(bob, 'cosign', { digest: d })]);
    const rv = c.tx(bob, 'revoke', { digest: d, reason: 'signed the wrong file' });
    const res = c.run([rv]);
    expect(statusOf(res)).toEqual(['ok']);
    expect(res.receipts[0]!.events).toEqual([
      {
        module: 'evidence',
        name: 'revoked',
        data: { digest: d, signer: addr(bob), reason: 'signed the wrong file' },
      },
    ]);
    const r = c.record(d);
    expect(r.signers[0]!.revoked).toBeUndefined();
    expect(r.signers[1]!.revoked).toEqual({
      height: 2,
      tx: toHex(txHash(suite, rv.body)),
      reason: 'signed the wrong file',
    });
    expect(c.query('bySigner', { account: addr(bob) })).toMatchObject({ total: 1 });

    const before = c.snapshot();
    const again = c.run([
      c.tx(bob, 'revoke', { digest: d, reason: 'again' }),
      c.tx(bob, 'note', { digest: d, text: 'after revoking' }),
      c.tx(bob, 'cosign', { digest: d }),
      c.tx(carol, 'revoke', { digest: d, reason: 'not a signer' }),
      c.tx(alice, 'revoke', { digest: digestOf('nothing'), reason: 'x' }),
      c.tx(alice, 'revoke', { digest: d, reason: '' }),
    ]);
    expect(statusOf(again)).toEqual([
      'EVIDENCE_REVOKED',
      'EVIDENCE_REVOKED',
      'EVIDENCE_ALREADY_SIGNED',
      'EVIDENCE_NOT_SIGNER',
      'EVIDENCE_NOT_FOUND',
      'EXEC_BAD_ARGS',
    ]);
    expect(c.snapshot()).toEqual(before);
  });

  it('lets the anchorer revoke too; the record stays', () => {
    const c = new TestChain();
    const d = digestOf('mine');
    c.run([c.tx(alice, 'anchor', anchorArgs(d))]);
    expect(statusOf(c.run([c.tx(alice, 'revoke', { digest: d, reason: 'duplicate upload' })]))).toEqual([
      'ok',
    ]);
    expect(c.record(d).signers[0]!.revoked?.reason).toBe('duplicate upload');
    expect(statusOf(c.run([c.tx(alice, 'anchor', anchorArgs(d))]))).toEqual(['EVIDENCE_EXISTS']);
  });
});

describe('a failing transaction changes no state', () => {
  it('leaves the block write set to the successful transactions', () => {
    const c = new TestChain();
    const d1 = digestOf('one');
    const d2 = digestOf('two');
    const res = c.run([
      c.tx(alice, 'anchor', anchorArgs(d1)),
      c.tx(bob, 'note', { digest: d1, text: 'not a signer' }),
      c.tx(bob, 'anchor', anchorArgs(d2)),
    ]);
    expect(statusOf(res)).toEqual(['ok', 'EVIDENCE_NOT_SIGNER', 'ok']);
    const okKeys = [...res.receipts[0]!.writes, ...res.receipts[2]!.writes].map(([k]) => k).sort();
    expect([...res.writes.keys()].sort()).toEqual(okKeys);
    expect(c.record(d1).notes).toEqual([]);
  });

  it('is deterministic: the same block on the same state gives the same header', () => {
    const a = new TestChain();
    const b = new TestChain();
    const d = digestOf('det');
    const tx1 = a.tx(alice, 'anchor', anchorArgs(d));
    const tx2 = a.tx(bob, 'cosign', { digest: d });
    expect(a.run([tx1, tx2]).hash).toEqual(b.run([tx1, tx2]).hash);
  });
});

describe('queries', () => {
  it('get: EVIDENCE_BAD_DIGEST for bad hex, EVIDENCE_NOT_FOUND when absent, accepts upper case', () => {
    const c = new TestChain();
    const d = digestOf('q');
    c.run([c.tx(alice, 'anchor', anchorArgs(d))]);
    expect(queryError(() => c.query('get', { digest: 'zz' }))).toBe('EVIDENCE_BAD_DIGEST');
    expect(queryError(() => c.query('get', {}))).toBe('EVIDENCE_BAD_DIGEST');
    expect(queryError(() => c.query('get', { digest: toHex(digestOf('none')) }))).toBe('EVIDENCE_NOT_FOUND');
    expect((c.query('get', { digest: toHex(d).toUpperCase() }) as EvidenceRecordJson).digest).toBe(toHex(d));
  });

  it('bySigner pages through an account’s digests', () => {
    const c = new TestChain();
    const ds = Array.from({ length: 5 }, (_, i) => digestOf(`page-${i}`));
    c.run(ds.map((d) => c.tx(alice, 'anchor', anchorArgs(d))));
    expect(c.query('bySigner', { account: addr(alice), offset: '1', limit: '2' })).toEqual({
      account: addr(alice),
      total: 5,
      offset: 1,
      digests: [toHex(ds[1]!), toHex(ds[2]!)],
    });
    expect(c.query('bySigner', { account: addr(alice), offset: 4 })).toMatchObject({
      digests: [toHex(ds[4]!)],
    });
    expect(queryError(() => c.query('bySigner', { account: addr(alice), limit: 'lots' }))).toBe(
      'EXEC_BAD_ARGS',
    );
    expect(queryError(() => c.query('bySigner', { account: addr(alice), limit: 1.5 }))).toBe('EXEC_BAD_ARGS');
    expect(queryError(() => c.query('bySigner', {}))).toBe('EXEC_BAD_ARGS');
  });
});

it('leafHash of the tx list is the txRoot (sanity of the harness)', () => {
  const c = new TestChain();
  const t = c.tx(alice, 'anchor', anchorArgs(digestOf('h')));
  const res = c.run([t]);
  expect(res.header.txRoot).toEqual(merkleRoot(suite.hash, [leafHash(suite.hash, txHash(suite, t.body))]));
});
