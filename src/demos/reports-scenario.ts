import { encodeCanonical, fromHex } from '../encoding/index.js';
import { isGongzhiError } from '../errors/index.js';
import type { CborMap } from '../ledger/index.js';
import {
  buildInclusionProof,
  childrenRoot,
  type ReportEntry,
  type ReportJson,
  recordsRoot,
  verifyInclusionProof,
} from '../modules/reports/index.js';
import type { DemoContext } from './demo.js';
import type { IdentityNet } from './health-pass.js';

const PERIOD = '2026-11';

/** A district's pension-claim records (kept by the district; only their root goes up). */
function claims(district: string, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) =>
    encodeCanonical({ id: `${district}-${i}`, category: i % 3 === 0 ? 'new-claims' : 'renewals', amount: 1 }),
  );
}

function totals(records: readonly Uint8Array[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) {
    const cat = decodeCategory(r);
    out[cat] = (out[cat] ?? 0) + 1;
  }
  return out;
}

/** The category of a demo record (its CBOR holds the string; a district knows its own encoding). */
function decodeCategory(r: Uint8Array): string {
  return new TextDecoder().decode(r).includes('new-claims') ? 'new-claims' : 'renewals';
}

export function entryOf(r: ReportJson): ReportEntry {
  return {
    office: r.office,
    period: r.period,
    version: r.version,
    kind: r.kind,
    root: fromHex(r.root),
    count: r.count,
    totals: Object.entries(r.totals).sort(([a], [b]) => (a < b ? -1 : 1)),
  };
}

/**
 * Dimension Y: two district offices, a city and a province of the social-security bureau, joined
 * in any order (the districts register first, naming the city before it exists); the city and the
 * province aggregate (checked on the ledger); district 1 corrects its report, which marks the city
 * and province stale until they re-aggregate; a record of district 2 is proved to the province's
 * figure offline.
 */
export async function hierarchyScenario(
  net: IdentityNet,
  ctx: DemoContext,
): Promise<Record<string, unknown>> {
  const call = (who: string, method: string, args: CborMap) => net.ok(who, 'reports', method, args);
  const report = (office: string) =>
    net.group.query('reports', 'report', { office, period: PERIOD }) as ReportJson;
  const aggregateArgs = (office: string, kids: string[], extra: CborMap = {}): CborMap => {
    const rs = kids.map(report);
    const sum: Record<string, number> = {};
    for (const r of rs) for (const [k, v] of Object.entries(r.totals)) sum[k] = (sum[k] ?? 0) + v;
    return {
      office,
      period: PERIOD,
      totals: sum,
      root: childrenRoot(net.suite.hash, rs.map(entryOf)),
      children: rs.map((r) => ({ office: r.office, version: r.version })),
      ...extra,
    };
  };
  await call('ss-district-1', 'registerOffice', {
    office: 'district-1',
    name: 'District 1 bureau',
    parent: 'city',
  });
  await call('ss-district-2', 'registerOffice', {
    office: 'district-2',
    name: 'District 2 bureau',
    parent: 'city',
  });
  await call('ss-city', 'registerOffice', { office: 'city', name: 'City bureau', parent: 'province' });
  await call('ss-province', 'registerOffice', { office: 'province', name: 'Provincial department' });
  await call('ss-province', 'admit', { office: 'province', child: 'city' });
  await call('ss-city', 'admit', { office: 'city', child: 'district-1' });
  await call('ss-city', 'admit', { office: 'city', child: 'district-2' });
  ctx.log('offices joined: district-1, district-2 → city → province (districts registered first)');
  const recs = new Map([
    ['district-1', claims('district-1', 40)],
    ['district-2', claims('district-2', 25)],
  ]);
  for (const [office, rs] of recs) {
    await call(`ss-${office}`, 'submit', {
      office,
      period: PERIOD,
      totals: totals(rs),
      root: recordsRoot(net.suite.hash, rs),
      count: rs.length,
    });
  }
  const wrongSum = await net.send('ss-city', 'reports', 'aggregate', {
    ...aggregateArgs('city', ['district-1', 'district-2']),
    totals: { 'new-claims': 1, renewals: 1 },
  });
  ctx.log(`city aggregate with a wrong sum: ${wrongSum.status}`);
  const outsider = await net.send('social', 'reports', 'registerOffice', {
    office: 'district-9',
    name: 'Not admitted',
    parent: 'city',
  });
  await call('social', 'submit', {
    office: 'district-9',
    period: PERIOD,
    totals: { renewals: 5 },
    root: recordsRoot(net.suite.hash, []),
    count: 0,
  });
  const nonMember = await net.send(
    'ss-city',
    'reports',
    'aggregate',
    aggregateArgs('city', ['district-1', 'district-2', 'district-9']),
  );
  ctx.log(
    `city aggregate including a non-member office: ${nonMember.status} (registration ${outsider.status})`,
  );
  await call('ss-city', 'aggregate', aggregateArgs('city', ['district-1', 'district-2']));
  await call('ss-province', 'aggregate', aggregateArgs('province', ['city']));
  const before = report('province');
  ctx.log(`province v${before.version}: ${JSON.stringify(before.totals)} over ${before.count} records`);

  const fixed = claims('district-1', 41);
  recs.set('district-1', fixed);
  await call('ss-district-1', 'submit', {
    office: 'district-1',
    period: PERIOD,
    totals: totals(fixed),
    root: recordsRoot(net.suite.hash, fixed),
    count: fixed.length,
    reason: 'one claim filed on the last day was missing',
  });
  const staleCity = report('city').stale;
  const staleProvince = report('province').stale;
  ctx.log(`district-1 corrected (v2): city stale ${staleCity}, province stale ${staleProvince}`);
  await call(
    'ss-city',
    'aggregate',
    aggregateArgs('city', ['district-1', 'district-2'], { reason: 'district-1 corrected' }),
  );
  await call(
    'ss-province',
    'aggregate',
    aggregateArgs('province', ['city'], { reason: 'city re-aggregated' }),
  );
  const top = report('province');
  ctx.log(`province v${top.version}: ${JSON.stringify(top.totals)}, stale ${top.stale}`);

  const d2 = recs.get('district-2') ?? [];
  const proof = buildInclusionProof(net.suite.hash, net.suite.hashName, d2, 7, [
    {
      report: entryOf(report('district-2')),
      siblings: [entryOf(report('district-1')), entryOf(report('district-2'))],
    },
    { report: entryOf(report('city')), siblings: [entryOf(report('city'))] },
    { report: entryOf(top) },
  ]);
  const proved = verifyInclusionProof(net.suite.hash, JSON.parse(JSON.stringify(proof)));
  const proofOk = proved.root === top.root && proved.version === top.version;
  const forged = {
    ...proof,
    record: Buffer.from(encodeCanonical({ id: 'fake', category: 'renewals', amount: 1 })).toString('hex'),
  };
  let forgedCode = 'accepted';
  try {
    verifyInclusionProof(net.suite.hash, forged);
  } catch (e) {
    forgedCode = isGongzhiError(e) ? e.code : String(e);
  }
  ctx.log(
    `record district-2-7 proved into the province figure offline: ${proofOk} (${JSON.stringify(proof).length} bytes); a forged record: ${forgedCode}`,
  );
  return {
    wrongSum: wrongSum.status,
    nonMember: nonMember.status,
    staleCity,
    staleProvince,
    provinceVersion: top.version,
    provinceStale: top.stale,
    provinceTotals: top.totals,
    provinceCount: top.count,
    proofOk,
    forgedProof: forgedCode,
  };
}
