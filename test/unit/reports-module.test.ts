import { describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { encodeCanonical, toHex } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import {
  buildInclusionProof,
  childrenRoot,
  type ReportEntry,
  type ReportInclusionProof,
  type ReportJson,
  recordsRoot,
  reportsModule,
  verifyInclusionProof,
} from '../../src/modules/reports/index.js';
import { MemoryChain } from '../../src/testing/index.js';

const suite = getSuite('ed25519');
const H = suite.hash;

/** The reports module on an in-memory chain; one named key per office operator. */
class Net {
  readonly mc = new MemoryChain({ suite, modules: [reportsModule], timestamp: 1_767_225_600_000 });
  private readonly keys = new Map<string, KeyPair>();
  key(name: string): KeyPair {
    let k = this.keys.get(name);
    if (!k) {
      k = suite.generateKeyPair();
      this.keys.set(name, k);
    }
    return k;
  }
  /** One transaction in its own block; its receipt status. */
  call(who: string, method: string, args: CborMap): string {
    const res = this.mc.run([this.mc.tx(this.key(who), 'reports', method, args)]);
    return res.receipts[0]?.status ?? 'dropped';
  }
  ok(who: string, method: string, args: CborMap): void {
    const s = this.call(who, method, args);
    if (s !== 'ok') throw new Error(`${method} by ${who}: ${s}`);
  }
  snapshot(): string {
    return JSON.stringify([...this.mc.state].map(([k, v]) => [k, toHex(v)]));
  }
  /** The call fails with `code` and changes nothing. */
  refused(who: string, method: string, args: CborMap, code: string): void {
    const before = this.snapshot();
    expect(this.call(who, method, args)).toBe(code);
    expect(this.snapshot()).toBe(before);
  }
  report(office: string, period = '2026-q3', version?: number): ReportJson {
    return this.mc.query('reports', 'report', {
      office,
      period,
      ...(version === undefined ? {} : { version: String(version) }),
    }) as ReportJson;
  }
}

/** A district's records: opaque bytes kept by the district (here: CBOR {id, category, amount}). */
function records(prefix: string, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) =>
    encodeCanonical({ id: `${prefix}-${i}`, category: i % 2 === 0 ? 'births' : 'deaths', amount: 1 }),
  );
}

function totalsOf(n: number): Record<string, number> {
  return { births: Math.ceil(n / 2), deaths: Math.floor(n / 2) };
}

function entry(r: ReportJson): ReportEntry {
  return {
    office: r.office,
    period: r.period,
    version: r.version,
    kind: r.kind,
    root: Uint8Array.from(Buffer.from(r.root, 'hex')),
    count: r.count,
    totals: Object.entries(r.totals).sort(([a], [b]) => (a < b ? -1 : 1)),
  };
}

function sum(...rs: ReportJson[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r.totals)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** province ← city ← {d1, d2}, with the children registered before their parents. */
function tree(): { net: Net; recs: Map<string, Uint8Array[]> } {
  const net = new Net();
  net.ok('d1', 'registerOffice', { office: 'd1', name: 'District 1', parent: 'city' });
  net.ok('d2', 'registerOffice', { office: 'd2', name: 'District 2', parent: 'city' });
  net.ok('city', 'registerOffice', { office: 'city', name: 'City', parent: 'prov' });
  net.ok('prov', 'registerOffice', { office: 'prov', name: 'Province' });
  net.ok('prov', 'admit', { office: 'prov', child: 'city' });
  net.ok('city', 'admit', { office: 'city', child: 'd1' });
  net.ok('city', 'admit', { office: 'city', child: 'd2' });
  const recs = new Map([
    ['d1', records('d1', 5)],
    ['d2', records('d2', 8)],
  ]);
  for (const [d, rs] of recs) {
    net.ok(d, 'submit', {
      office: d,
      period: '2026-q3',
      totals: totalsOf(rs.length),
      root: recordsRoot(H, rs),
      count: rs.length,
    });
  }
  return { net, recs };
}

function aggregateArgs(net: Net, office: string, kids: string[], extra: CborMap = {}): CborMap {
  const rs = kids.map((k) => net.report(k));
  return {
    office,
    period: '2026-q3',
    totals: sum(...rs),
    root: childrenRoot(H, rs.map(entry)),
    children: rs.map((r) => ({ office: r.office, version: r.version })),
    ...extra,
  };
}

describe('reports: hierarchy, aggregation, proofs', () => {
  it('joins a tree registered bottom-up, sums on the ledger and proves a record to the top', () => {
    const { net, recs } = tree();
    expect(net.mc.query('reports', 'office', { office: 'city' })).toMatchObject({
      parentJoined: true,
      children: ['d1', 'd2'],
    });
    net.ok('city', 'aggregate', aggregateArgs(net, 'city', ['d1', 'd2']));
    net.ok('prov', 'aggregate', aggregateArgs(net, 'prov', ['city']));
    const top = net.report('prov');
    expect(top).toMatchObject({
      kind: 'aggregate',
      count: 13,
      totals: { births: 7, deaths: 6 },
      stale: false,
    });

    const d2 = recs.get('d2') as Uint8Array[];
    const proof = buildInclusionProof(H, 'sha256', d2, 3, [
      { report: entry(net.report('d2')), siblings: [entry(net.report('d1')), entry(net.report('d2'))] },
      { report: entry(net.report('city')), siblings: [entry(net.report('city'))] },
      { report: entry(top) },
    ]);
    // Offline: recomputes to the top report, which the verifier compares with the ledger's.
    const json = JSON.parse(JSON.stringify(proof)) as ReportInclusionProof;
    const got = verifyInclusionProof(H, json);
    expect(got).toEqual({ ...entry(top), root: top.root, totals: top.totals });
    expect(got.root).toBe(net.report('prov').root);

    // A record that is not in d2's records, or a tampered total, does not verify.
    const forged = { ...json, record: toHex(encodeCanonical({ id: 'x', category: 'births', amount: 1 })) };
    expect(code(() => verifyInclusionProof(H, forged))).toBe('REPORTS_BAD_PROOF');
    const p1 = json.path[1];
    if (p1 === undefined) throw new Error('no level 1');
    const tampered = {
      ...json,
      path: [
        json.path[0],
        { ...p1, report: { ...p1.report, totals: { births: 70, deaths: 6 } } },
        json.path[2],
      ],
    } as ReportInclusionProof;
    expect(code(() => verifyInclusionProof(H, tampered))).toBe('REPORTS_BAD_PROOF');
  });

  it('a correction marks every report above it stale until each level re-aggregates', () => {
    const { net } = tree();
    net.ok('city', 'aggregate', aggregateArgs(net, 'city', ['d1', 'd2']));
    net.ok('prov', 'aggregate', aggregateArgs(net, 'prov', ['city']));
    const fixed = records('d1', 6);
    net.refused(
      'd1',
      'submit',
      { office: 'd1', period: '2026-q3', totals: totalsOf(6), root: recordsRoot(H, fixed), count: 6 },
      'REPORTS_REASON_REQUIRED',
    );
    net.ok('d1', 'submit', {
      office: 'd1',
      period: '2026-q3',
      totals: totalsOf(6),
      root: recordsRoot(H, fixed),
      count: 6,
      reason: 'one birth registered late',
    });
    expect(net.report('d1')).toMatchObject({ version: 2, stale: false, reason: 'one birth registered late' });
    expect(net.report('d1', '2026-q3', 1)).toMatchObject({ stale: true, staleBecause: ['d1@1'] });
    expect(net.report('city')).toMatchObject({ version: 1, stale: true, staleBecause: ['d1@2'] });
    expect(net.report('prov')).toMatchObject({ version: 1, stale: true, staleBecause: ['d1@2'] });
    // The province cannot sum a stale city report; the city cannot sum the superseded d1 report.
    net.refused(
      'prov',
      'aggregate',
      aggregateArgs(net, 'prov', ['city'], { reason: 'r' }),
      'REPORTS_STALE_CHILD',
    );
    const old = aggregateArgs(net, 'city', ['d1', 'd2'], { reason: 'd1 corrected' });
    net.refused(
      'city',
      'aggregate',
      {
        ...old,
        children: [
          { office: 'd1', version: 1 },
          { office: 'd2', version: 1 },
        ],
      },
      'REPORTS_STALE_CHILD',
    );
    net.ok('city', 'aggregate', old);
    expect(net.report('city')).toMatchObject({ version: 2, stale: false, totals: { births: 7, deaths: 7 } });
    expect(net.report('prov').stale).toBe(true);
    net.ok('prov', 'aggregate', aggregateArgs(net, 'prov', ['city'], { reason: 'city re-aggregated' }));
    expect(net.report('prov')).toMatchObject({ version: 2, stale: false, count: 14 });
  });

  it('refuses bad reports with their codes and no state change', () => {
    const { net } = tree();
    const good = aggregateArgs(net, 'city', ['d1', 'd2']);
    net.refused('city', 'aggregate', { ...good, totals: { births: 8, deaths: 6 } }, 'REPORTS_BAD_SUM');
    net.refused('city', 'aggregate', { ...good, totals: { births: 7 } }, 'REPORTS_BAD_SUM');
    net.refused('city', 'aggregate', { ...good, root: new Uint8Array(32) }, 'REPORTS_BAD_ROOT');
    net.refused('city', 'aggregate', aggregateArgs(net, 'city', ['d1']), 'REPORTS_INCOMPLETE');
    net.refused('d1', 'aggregate', good, 'REPORTS_NOT_OPERATOR');
    // d3 names the city as parent but was never admitted: not a member.
    net.ok('d3', 'registerOffice', { office: 'd3', name: 'District 3', parent: 'city' });
    net.ok('d3', 'submit', {
      office: 'd3',
      period: '2026-q3',
      totals: { births: 1 },
      root: recordsRoot(H, []),
      count: 0,
    });
    net.refused('city', 'aggregate', aggregateArgs(net, 'city', ['d1', 'd2', 'd3']), 'REPORTS_NOT_MEMBER');
    net.ok('city', 'aggregate', good);
    // An admitted office that names another parent is not a member either.
    net.ok('prov', 'admit', { office: 'prov', child: 'd3' });
    net.refused('prov', 'aggregate', aggregateArgs(net, 'prov', ['city', 'd3']), 'REPORTS_NOT_MEMBER');
    net.refused(
      'city',
      'submit',
      { office: 'city', period: '2026-q3', totals: {}, root: new Uint8Array(32), count: 0 },
      'REPORTS_HAS_CHILDREN',
    );
    net.refused('x', 'registerOffice', { office: 'd1', name: 'again' }, 'REPORTS_OFFICE_EXISTS');
    net.refused('d1', 'admit', { office: 'd1', child: 'prov' }, 'REPORTS_CYCLE');
    net.refused(
      'x',
      'submit',
      { office: 'nowhere', period: '2026-q3', totals: {}, root: new Uint8Array(32), count: 0 },
      'REPORTS_OFFICE_NOT_FOUND',
    );
    net.refused(
      'd1',
      'submit',
      { office: 'd1', period: '2026-q3', totals: { Births: 1 }, root: new Uint8Array(32), count: 0 },
      'EXEC_BAD_ARGS',
    );
    net.refused(
      'city',
      'aggregate',
      {
        ...good,
        reason: 'r',
        children: [
          { office: 'd1', version: 9 },
          { office: 'd2', version: 1 },
        ],
      },
      'REPORTS_NO_REPORT',
    );
  });
});

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isGongzhiError(e) ? e.code : String(e);
  }
  return undefined;
}
