import { utf8 } from '../encoding/index.js';
import type { CborMap } from '../ledger/index.js';
import { DAY_MS } from '../modules/points/index.js';
import { PointsSandbox, type SandboxCall } from '../testing/index.js';

/**
 * CPU cost of awards through the block executor in memory (MemoryChain, pre-verified
 * transactions, blocks of 100): `users` members × `per` walks each. Run twice in one process —
 * a plain program, and one with the round-2 checks on (registered devices with the cross-programme
 * index, and per-distributor consent), and one whose members declared areas (item 14: each award
 * also updates its area's aggregate) — so the ratios are measured under one load.
 * Run: `node dist/bench/main.js --only-points-awards [--awards-users 300 --awards-per 10 --awards-rounds 3]`.
 */

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 20);
const RULES = {
  name: 'walk',
  rules: [
    {
      kind: 'walk',
      unit: 'm',
      divisor: 1000,
      roundTo: 0,
      maxPerDay: 50_000,
      maxRatePerDay: 240_000,
      variants: { default: { baselineMg: 273_000, projectMg: 0, pointsPerBase: 0, pointsPerKg: 10 } },
    },
  ],
};

/** plain; strict: registered devices + consent; areas: plain, every member in one of 8 areas (item 14). */
type Mode = 'plain' | 'strict' | 'areas';

function awardsPerCpuSecond(users: number, per: number, mode: Mode): number {
  const strict = mode === 'strict';
  const sb = new PointsSandbox({ timestamp: T0, sign: false });
  sb.ok('issuer', 'createProgram', {
    id: 'g',
    name: 'g',
    unit: 'CP',
    precision: 2,
    currency: 'CNY',
    value: 1,
    clearing: sb.addr('bank'),
    supervisors: [sb.addr('sup')],
    expiry: {},
    transfer: 'none',
    closedLoop: true,
    claimWindowMs: 30 * DAY_MS,
    methodology: RULES,
    ...(strict ? { registeredDevices: true, dataConsent: true } : {}),
  } as CborMap);
  sb.ok('sup', 'approveProgram', { program: 'g' });
  sb.ok('issuer', 'grantRole', { program: 'g', role: 'distributor', account: sb.addr('dist') });
  sb.ok('issuer', 'grantRole', { program: 'g', role: 'sponsor', account: sb.addr('s') });
  sb.ok('s', 'fund', { program: 'g', amount: 1e9 });
  sb.ok('bank', 'confirmFunding', { program: 'g', sponsor: sb.addr('s'), amount: 1e9 });
  sb.ok('s', 'consentQuota', { program: 'g', distributor: sb.addr('dist'), amount: 1e8 });
  sb.ok('issuer', 'allotQuota', {
    program: 'g',
    distributor: sb.addr('dist'),
    amount: 1e8,
    sponsor: sb.addr('s'),
  });
  const zero = new Uint8Array(32);
  if (mode === 'areas') {
    sb.ok('issuer', 'defineArea', { program: 'g', area: 'street' });
    for (let a = 0; a < 8; a++)
      sb.ok('issuer', 'defineArea', { program: 'g', area: `c${a}`, street: 'street' });
  }
  for (let u = 0; u < users; u++) {
    sb.ok(`u${u}`, 'join', { program: 'g', consent: zero });
    if (mode === 'areas')
      sb.ok('issuer', 'confirmArea', { program: 'g', account: sb.addr(`u${u}`), area: `c${u % 8}` });
    if (!strict) continue;
    const device = sb.suite.hash(utf8(`dev${u}`));
    const member = sb.addr(`u${u}`);
    sb.ok('dist', 'registerDevice', {
      program: 'g',
      device,
      asset: sb.suite.hash(utf8(`car${u}`)),
      measuredBy: 'x',
      member,
    });
    sb.ok(`u${u}`, 'bindDevice', { device, consent: zero });
    sb.ok(`u${u}`, 'giveConsent', {
      program: 'g',
      distributor: sb.addr('dist'),
      kinds: ['walk'],
      purpose: 'p',
      source: 's',
      version: 1,
      text: zero,
    });
  }
  const calls: SandboxCall[] = [];
  for (let i = 0; i < per; i++) {
    for (let u = 0; u < users; u++) {
      const start = T0 - 10 * DAY_MS + i * 2 * HOUR;
      calls.push([
        'dist',
        'claim',
        {
          program: 'g',
          user: sb.addr(`u${u}`),
          kind: 'walk',
          quantity: 2000,
          periodStart: start,
          periodEnd: start + HOUR,
          device: sb.suite.hash(utf8(`dev${u}`)),
          evidence: zero,
          measuredBy: 'x',
        },
      ]);
    }
  }
  const c0 = process.cpuUsage();
  let ok = 0;
  for (let i = 0; i < calls.length; i += 100) {
    for (const r of sb.block(calls.slice(i, i + 100))) if (r.status === 'ok') ok++;
  }
  const c = process.cpuUsage(c0);
  return Math.round(ok / ((c.user + c.system) / 1e6));
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export function benchPointsAwardsCpu(
  o: { users?: number; per?: number; rounds?: number } = {},
): Record<string, number> {
  const users = o.users ?? 300;
  const per = o.per ?? 10;
  const modes = ['plain', 'strict', 'areas'] as const;
  // warm the JIT on every path first, then alternate the variants and take each one's median:
  // the process speeds up over its first runs (measured: areas, plain, areas, plain… gave
  // 1,882, 2,397, 2,203, 2,586 — whichever ran first looked slowest)
  for (const m of modes) awardsPerCpuSecond(Math.min(users, 50), 2, m);
  const runs: Record<(typeof modes)[number], number[]> = { plain: [], strict: [], areas: [] };
  for (let r = 0; r < (o.rounds ?? 3); r++)
    for (const m of modes) runs[m].push(awardsPerCpuSecond(users, per, m));
  const plain = median(runs.plain);
  const strict = median(runs.strict);
  const areas = median(runs.areas);
  return {
    awards: users * per,
    plainPerCpuSec: plain,
    strictPerCpuSec: strict,
    strictOverPlain: Math.round((strict / plain) * 100) / 100,
    areasPerCpuSec: areas,
    areasOverPlain: Math.round((areas / plain) * 100) / 100,
  };
}

/** The `--only-points-awards` entry of `npm run bench`. */
export async function reportPointsAwardsCpu(
  report: (o: Record<string, unknown>, line: string) => void,
  arg: (name: string, dflt: number) => number,
): Promise<void> {
  const r = benchPointsAwardsCpu({
    users: arg('--awards-users', 300),
    per: arg('--awards-per', 10),
    rounds: arg('--awards-rounds', 3),
  });
  report(
    { bench: 'points-awards-cpu', ...r },
    `points awards per CPU-second (in memory, ${r.awards} awards, median of alternating runs): plain ${r.plainPerCpuSec}, ` +
      `with registered devices + consent ${r.strictPerCpuSec} (×${r.strictOverPlain}), ` +
      `members in areas ${r.areasPerCpuSec} (×${r.areasOverPlain})`,
  );
}
