import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TraceResolver } from '../../src/api/routes/trace-view.js';
import { TraceBenchChain } from '../../src/bench/trace-bench-chain.js';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import type { TeaParty } from '../../src/demos/tea.js';
import { TEA, TEA_PARTIES, tinSerial } from '../../src/demos/tea-story.js';
import { utf8 } from '../../src/encoding/index.js';
import { ServedDocuments } from '../../src/node/trace-recorder.js';
import { TraceDocumentStore } from '../../src/storage/index.js';
import { tempDir } from '../helpers/fixtures.js';

/**
 * The Digital Link resolver as the ledger grows: what one answer reads must not grow with the
 * number of events on the ledger (or documents in the node's store), and its answers over a fixed
 * data set stay the ones recorded in test/fixtures/trace-resolver/views.json (written before the
 * resolver's storage work, so any change of an answer shows here).
 */

const suite = getSuite('ed25519');
/** Keys from fixed seeds: the same accounts, transaction hashes and answers on every run. */
const fixedKeys = (): Map<TeaParty, KeyPair> =>
  new Map(
    (Object.keys(TEA_PARTIES) as TeaParty[]).map((p) => {
      const secretKey = suite.hash(utf8(`trace resolver fixture ${p}`));
      return [p, { secretKey, publicKey: suite.publicKeyFromSecret(secretKey) }] as const;
    }),
  );

const ids = [
  { gtin: TEA.gtin.tin, lot: TEA.lots.dry, serial: tinSerial(1) },
  { gtin: TEA.gtin.tin, lot: TEA.lots.dry, serial: tinSerial(40) },
  { gtin: TEA.gtin.dry, lot: TEA.lots.dry },
  { gtin: TEA.gtin.fresh, lot: TEA.lots.fresh },
];

/** A ledger with the season and `fillers` more events (their documents kept), counting reads. */
function ledger(dir: string, fillers: number) {
  const bench = new TraceBenchChain(dir, fixedKeys());
  const store = TraceDocumentStore.open(':memory:');
  bench.recordSeason(store);
  for (let j = 0; j < fillers; j += 500) bench.fill(j, Math.min(500, fillers - j), true, store);
  const counts = { state: 0, documents: 0 };
  const mc = bench.chain;
  const g = {
    group: mc.group,
    suite: mc.suite,
    latest: mc.latest,
    stateReader: () => {
      const s = mc.stateReader();
      return {
        getRaw: (k: string) => {
          counts.state++;
          return s.getRaw(k);
        },
        get: (k: string) => {
          counts.state++;
          return s.get(k);
        },
      };
    },
  };
  const docs = new ServedDocuments(mc, {
    text: (group, hash) => {
      counts.documents++;
      return store.text(group, hash);
    },
    get: (group, hash) => store.get(group, hash),
    version: () => store.version(),
  });
  return {
    counts,
    /** Resolve every id twice on a fresh resolver: reads of the first answers, then of the repeats. */
    reads: () => {
      const r = new TraceResolver();
      const out: { state: number; documents: number }[] = [];
      for (let pass = 0; pass < 2; pass++) {
        counts.state = 0;
        counts.documents = 0;
        for (const id of ids) r.view(g, docs, id, 'https://resolver.example');
        out.push({ ...counts });
      }
      return out;
    },
    views: () => {
      const r = new TraceResolver();
      return ids.map((id) => r.view(g, docs, id, 'https://resolver.example'));
    },
    close: () => {
      store.close();
      bench.close();
    },
  };
}

describe('trace resolver: growth', () => {
  it('reads the same number of state keys and documents per answer at 0 and 3,000 more events', () => {
    const a = tempDir('gongzhi-resolver-a-');
    const b = tempDir('gongzhi-resolver-b-');
    const small = ledger(a.dir, 0);
    const large = ledger(b.dir, 3000);
    try {
      const [first, repeat] = small.reads();
      expect(first?.state).toBeGreaterThan(40);
      // A repeat re-reads only the keys its remembered answer read (no walk, no scan).
      expect(repeat?.state).toBeLessThanOrEqual(first?.state ?? 0);
      // Each of the season's 13 events read once (the four traces share them), then not again
      // while the store is unchanged.
      expect(first?.documents).toBe(13);
      expect(repeat?.documents).toBe(0);
      expect(large.reads()).toEqual([first, repeat]);
    } finally {
      small.close();
      large.close();
      a.remove();
      b.remove();
    }
  }, 60_000);

  it('answers as recorded on a fixed data set (the season and 300 more events)', () => {
    const t = tempDir('gongzhi-resolver-fixed-');
    const l = ledger(t.dir, 300);
    try {
      const got = JSON.parse(JSON.stringify(l.views()));
      const want = JSON.parse(
        readFileSync(new URL('../fixtures/trace-resolver/views.json', import.meta.url), 'utf8'),
      );
      expect(got).toEqual(want);
      expect(got.map((v: { verification: { matched: number } }) => v.verification.matched)).toEqual([
        13, 12, 7, 4,
      ]);
    } finally {
      l.close();
      t.remove();
    }
  }, 60_000);
});
