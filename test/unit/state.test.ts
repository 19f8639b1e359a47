import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getSuite } from '../../src/crypto/index.js';
import { encodeCanonical, toHex, utf8 } from '../../src/encoding/index.js';
import { ZERO_HASH } from '../../src/ledger/index.js';
import {
  compareKeys,
  MapSource,
  nextStateRoot,
  type PendingWrite,
  StateOverlay,
  type StateSource,
  writeEntries,
} from '../../src/state/index.js';

const suite = getSuite('ed25519');
const enc = encodeCanonical;
const hex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : toHex(b));

/** A source over a mutable map that counts base reads. */
class CountingSource implements StateSource {
  readonly reads: string[] = [];
  constructor(readonly map: Map<string, Uint8Array>) {}
  getRaw(key: string): Uint8Array | undefined {
    this.reads.push(key);
    return this.map.get(key);
  }
}

function writesHex(w: ReadonlyMap<string, PendingWrite>): [string, string | null][] {
  return [...w].map(([k, v]) => [k, v === null ? null : toHex(v)]);
}

describe('StateOverlay copy-on-write', () => {
  it('reads fall through to the base; set/get round-trips canonical values', () => {
    const base = new Map([['a', enc(1)]]);
    const o = new StateOverlay(new MapSource(base));
    expect(o.get('a')).toBe(1);
    expect(o.get('missing')).toBeUndefined();
    o.set('b', { x: [1, 2], y: 'z' });
    expect(o.get('b')).toEqual({ x: [1, 2], y: 'z' });
    expect(hex(o.getRaw('b'))).toBe(toHex(enc({ y: 'z', x: [1, 2] })));
    // The base map itself is never written.
    expect([...base.keys()]).toEqual(['a']);
  });

  it('tx-layer writes are invisible to the block layer until mergeInto', () => {
    const base = new Map([
      ['k1', enc('base1')],
      ['k2', enc('base2')],
    ]);
    const block = new StateOverlay(new MapSource(base));
    block.set('b', 'block');
    const tx = new StateOverlay(block);
    tx.set('k1', 'tx1');
    tx.set('new', 'txnew');
    tx.delete('k2');
    tx.set('b', 'overwritten');
    // The tx layer sees its own writes.
    expect(tx.get('k1')).toBe('tx1');
    expect(tx.get('new')).toBe('txnew');
    expect(tx.get('k2')).toBeUndefined();
    expect(tx.get('b')).toBe('overwritten');
    // The block layer does not.
    expect(block.get('k1')).toBe('base1');
    expect(block.get('new')).toBeUndefined();
    expect(block.get('k2')).toBe('base2');
    expect(block.get('b')).toBe('block');
    expect(writesHex(block.writes())).toEqual([['b', toHex(enc('block'))]]);

    tx.mergeInto(block);
    expect(block.get('k1')).toBe('tx1');
    expect(block.get('new')).toBe('txnew');
    expect(block.get('k2')).toBeUndefined();
    expect(block.get('b')).toBe('overwritten');
    expect(writesHex(block.writes())).toEqual([
      ['b', toHex(enc('overwritten'))],
      ['k1', toHex(enc('tx1'))],
      ['new', toHex(enc('txnew'))],
      ['k2', null],
    ]);
    // Still nothing reached the base.
    expect(base.get('k1')).toEqual(enc('base1'));
    expect(base.has('new')).toBe(false);
  });

  it('a dropped tx layer leaves the block layer untouched', () => {
    const block = new StateOverlay(new MapSource(new Map([['a', enc(1)]])));
    const before = writesHex(block.writes());
    const tx = new StateOverlay(block);
    tx.set('a', 2);
    tx.delete('a');
    tx.set('c', 3);
    expect(block.get('a')).toBe(1);
    expect(block.get('c')).toBeUndefined();
    expect(writesHex(block.writes())).toEqual(before);
  });

  it('delete shadows the base, and a later set un-shadows it', () => {
    const o = new StateOverlay(new MapSource(new Map([['a', enc('x')]])));
    o.delete('a');
    expect(o.getRaw('a')).toBeUndefined();
    expect(o.get('a')).toBeUndefined();
    expect(writesHex(o.writes())).toEqual([['a', null]]);
    o.set('a', 'y');
    expect(o.get('a')).toBe('y');
    expect(writesHex(o.writes())).toEqual([['a', toHex(enc('y'))]]);
  });

  it('a deletion in a nested layer shadows a value the middle layer wrote', () => {
    const block = new StateOverlay(new MapSource());
    block.set('k', 'v');
    const tx = new StateOverlay(block);
    tx.delete('k');
    expect(tx.get('k')).toBeUndefined();
    expect(block.get('k')).toBe('v');
    tx.mergeInto(block);
    expect(block.get('k')).toBeUndefined();
    expect(writesHex(block.writes())).toEqual([['k', null]]);
  });

  it('writes() keeps insertion order and the last write per key', () => {
    const o = new StateOverlay(new MapSource());
    o.set('z', 1);
    o.set('a', 2);
    o.set('z', 3);
    o.setRaw('m', null);
    expect(writesHex(o.writes())).toEqual([
      ['z', toHex(enc(3))],
      ['a', toHex(enc(2))],
      ['m', null],
    ]);
  });

  it('without cacheReads every read goes to the base and sees base changes', () => {
    const src = new CountingSource(new Map([['a', enc(1)]]));
    const o = new StateOverlay(src);
    expect(o.get('a')).toBe(1);
    expect(o.get('a')).toBe(1);
    expect(o.get('miss')).toBeUndefined();
    expect(o.get('miss')).toBeUndefined();
    expect(src.reads).toEqual(['a', 'a', 'miss', 'miss']);
    src.map.set('a', enc(2));
    src.map.set('miss', enc('now here'));
    expect(o.get('a')).toBe(2);
    expect(o.get('miss')).toBe('now here');
  });

  it('cacheReads caches base reads, including misses', () => {
    const src = new CountingSource(new Map([['a', enc(1)]]));
    const o = new StateOverlay(src, { cacheReads: true });
    expect(o.get('a')).toBe(1);
    expect(o.get('a')).toBe(1);
    expect(o.getRaw('miss')).toBeUndefined();
    expect(o.getRaw('miss')).toBeUndefined();
    expect(src.reads).toEqual(['a', 'miss']);
    // Base changes after the first read are not seen: the overlay remembers what it read.
    src.map.set('a', enc(2));
    src.map.set('miss', enc('now here'));
    expect(o.get('a')).toBe(1);
    expect(o.get('miss')).toBeUndefined();
    expect(src.reads).toEqual(['a', 'miss']);
    // A key never read before is fetched.
    src.map.set('b', enc('b'));
    expect(o.get('b')).toBe('b');
    expect(src.reads).toEqual(['a', 'miss', 'b']);
    // Cached reads never show up as writes.
    expect(o.writes().size).toBe(0);
  });

  it('with cacheReads, own writes and deletions still win over cached reads', () => {
    const src = new CountingSource(new Map([['a', enc(1)]]));
    const o = new StateOverlay(src, { cacheReads: true });
    expect(o.get('a')).toBe(1);
    expect(o.get('miss')).toBeUndefined();
    o.delete('a');
    o.set('miss', 'written');
    expect(o.get('a')).toBeUndefined();
    expect(o.get('miss')).toBe('written');
    // A tx layer on top merging back also wins over the cache.
    const tx = new StateOverlay(o);
    tx.set('a', 5);
    tx.mergeInto(o);
    expect(o.get('a')).toBe(5);
    expect(src.reads).toEqual(['a', 'miss']);
  });
});

describe('writeEntries / nextStateRoot', () => {
  const v1 = enc('one');
  const v2 = enc({ n: 2 });

  it('sorts keys in code-unit order, hashes values, and maps deletions to null', () => {
    const w = new Map<string, PendingWrite>([
      ['b', v1],
      ['a0', null],
      ['a/b', v2],
      ['B', v1],
      ['\u{10000}', v2],
      ['\uffff', v1],
    ]);
    const entries = writeEntries(suite, w);
    // '\uD800\uDC00' (U+10000) sorts before '\uFFFF' in UTF-16 code-unit order.
    expect(entries.map(([k]) => k)).toEqual(['B', 'a/b', 'a0', 'b', '\u{10000}', '\uffff']);
    expect(entries.map(([, h]) => (h === null ? null : toHex(h)))).toEqual([
      toHex(suite.hash(v1)),
      toHex(suite.hash(v2)),
      null,
      toHex(suite.hash(v1)),
      toHex(suite.hash(v2)),
      toHex(suite.hash(v1)),
    ]);
  });

  it('compareKeys is a strict total order consistent with ===', () => {
    expect(compareKeys('a', 'b')).toBe(-1);
    expect(compareKeys('b', 'a')).toBe(1);
    expect(compareKeys('a', 'a')).toBe(0);
    expect(compareKeys('a', 'ab')).toBe(-1);
    expect(compareKeys('Z', 'a')).toBe(-1);
  });

  it('nextStateRoot is H(canonical {prev, writes: [[key, H(value)|null], ...]})', () => {
    const prev = suite.hash(utf8('prev'));
    const w = new Map<string, PendingWrite>([
      ['y', v1],
      ['x', null],
    ]);
    const expected = suite.hash(
      encodeCanonical({
        prev,
        writes: [
          ['x', null],
          ['y', suite.hash(v1)],
        ],
      }),
    );
    expect(toHex(nextStateRoot(suite, prev, writeEntries(suite, w)))).toBe(toHex(expected));
  });

  it('an empty write set still moves the root (H(cbor{prev, writes: []}) ≠ prev)', () => {
    const r = nextStateRoot(suite, ZERO_HASH, []);
    expect(toHex(r)).toBe(toHex(suite.hash(encodeCanonical({ prev: ZERO_HASH, writes: [] }))));
    expect(toHex(r)).not.toBe(toHex(ZERO_HASH));
    expect(toHex(nextStateRoot(suite, r, []))).not.toBe(toHex(r));
  });

  it('a deletion differs from no write and from writing a value', () => {
    const prev = ZERO_HASH;
    const none = nextStateRoot(suite, prev, writeEntries(suite, new Map()));
    const del = nextStateRoot(suite, prev, writeEntries(suite, new Map([['k', null]])));
    const put = nextStateRoot(suite, prev, writeEntries(suite, new Map([['k', enc(null)]])));
    expect(new Set([toHex(none), toHex(del), toHex(put)]).size).toBe(3);
  });

  it('uses the suite hash (sm3 vs sha256 differ)', () => {
    const w = new Map<string, PendingWrite>([['k', v1]]);
    const sm2 = getSuite('sm2');
    expect(toHex(nextStateRoot(sm2, ZERO_HASH, writeEntries(sm2, w)))).not.toBe(
      toHex(nextStateRoot(suite, ZERO_HASH, writeEntries(suite, w))),
    );
  });

  const writeSet = fc.uniqueArray(
    fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.option(fc.uint8Array({ maxLength: 16 }))),
    { selector: ([k]) => k, minLength: 1, maxLength: 20 },
  );

  it('is independent of insertion order', () => {
    fc.assert(
      fc.property(writeSet, fc.nat(), (pairs, seed) => {
        const a = new Map<string, PendingWrite>(pairs.map(([k, v]) => [k, v]));
        const shuffled = pairs.slice();
        let s = seed;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) % 2 ** 31;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [
            shuffled[j] as (typeof pairs)[number],
            shuffled[i] as (typeof pairs)[number],
          ];
        }
        const b = new Map<string, PendingWrite>(shuffled.map(([k, v]) => [k, v]));
        const ea = writeEntries(suite, a);
        const eb = writeEntries(suite, b);
        expect(ea.map(([k]) => k)).toEqual([...pairs.map(([k]) => k)].sort());
        expect(toHex(nextStateRoot(suite, ZERO_HASH, ea))).toBe(toHex(nextStateRoot(suite, ZERO_HASH, eb)));
        const reversed = new Map<string, PendingWrite>([...a].reverse());
        expect(toHex(nextStateRoot(suite, ZERO_HASH, writeEntries(suite, reversed)))).toBe(
          toHex(nextStateRoot(suite, ZERO_HASH, ea)),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('a different prev, key or value gives a different root', () => {
    fc.assert(
      fc.property(
        writeSet,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(),
        (pairs, p1, p2, pick) => {
          fc.pre(toHex(p1) !== toHex(p2));
          const w = new Map<string, PendingWrite>(pairs.map(([k, v]) => [k, v]));
          const e = writeEntries(suite, w);
          const root = toHex(nextStateRoot(suite, p1, e));
          expect(toHex(nextStateRoot(suite, p2, e))).not.toBe(root);
          const [k, v] = pairs[pick % pairs.length] as [string, Uint8Array | null];
          const changed = new Map(w);
          changed.set(k, v === null ? new Uint8Array() : null);
          expect(toHex(nextStateRoot(suite, p1, writeEntries(suite, changed)))).not.toBe(root);
          const renamed = new Map(w);
          renamed.delete(k);
          renamed.set(`${k}\u0000`, v);
          fc.pre(!w.has(`${k}\u0000`));
          expect(toHex(nextStateRoot(suite, p1, writeEntries(suite, renamed)))).not.toBe(root);
        },
      ),
      { numRuns: 200 },
    );
  });
});
