import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import { getSuite, type KeyPair } from '../crypto/index.js';
import { toHex, utf8 } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { type CborMap, DEFAULT_PARAMS, encodeTx, type Genesis, signTx } from '../ledger/index.js';
import { DAY_MS, POINTS_PERMISSIONS, pointsModule } from '../modules/points/index.js';
import { DEFAULT_MODULES, DEFAULT_PERMISSIONS, GongzhiNode, type GroupLedger } from '../node/index.js';
import { DEFAULT_STORE_CACHE_MB } from '../storage/index.js';

/**
 * "A city's day" on one embedded node (issue 15 item 3): residents' green-travel awards, transit-trip
 * awards, redemptions at platforms, evidence anchors and the settlement close, pre-signed and committed
 * through the real node (admission, signature workers, SQLite with synchronous=FULL). Reports tx/s per
 * 10 % slice of the day, database bytes per transaction, RSS and query latency at the end.
 *
 * The full day is 1,000,000 + 200,000 + 50,000 + 10,000 transactions (plus 1,000,000 joins first);
 * `scale` shrinks every count in proportion (the default 0.01 runs in a minute or two).
 */

/** The full day's counts (scale 1). */
export const CITY_DAY = {
  residents: 1_000_000,
  transitTrips: 200_000,
  redemptions: 50_000,
  anchors: 10_000,
} as const;

export interface CityDayOptions {
  /** Fraction of the full day (default 0.01). */
  readonly scale?: number;
  /** Transactions per submitted batch (default 1,000). */
  readonly batch?: number;
  /** Signature workers (default: one per core beyond the main thread, at least 1). */
  readonly verifyWorkers?: number;
  /** SQLite page cache of the group file, MiB (default DEFAULT_STORE_CACHE_MB). */
  readonly cacheMb?: number;
  readonly log?: (message: string) => void;
}

export interface CityDayReport {
  readonly scale: number;
  readonly residents: number;
  readonly transitTrips: number;
  readonly redemptions: number;
  readonly anchors: number;
  readonly verifyWorkers: number;
  readonly cacheMb: number;
  readonly joinsPerSec: number;
  /** The day's transactions (awards, trips, redemptions, anchors) per second, per 10 % slice. */
  readonly sliceTxPerSec: readonly number[];
  readonly lastOverFirst: number;
  readonly dayTxPerSec: number;
  readonly closeMs: number;
  readonly committedTxs: number;
  readonly dbBytes: number;
  readonly dbBytesPerTx: number;
  readonly rssMb: number;
  readonly peakRssMb: number;
  /** In-process reads at the end (GroupLedger query / store), 1,000 samples each. */
  readonly queryMs: {
    readonly balance: { p50: number; p99: number };
    readonly txByHash: { p50: number; p99: number };
    readonly blockByHeight: { p50: number; p99: number };
  };
}

const suite = getSuite('ed25519');
const HOUR = 3_600_000;
const PROGRAM = 'city';

function cityProgram(clearing: string, supervisor: string): CborMap {
  const rule = (kind: string, unit: string, divisor: number) => ({
    kind,
    unit,
    divisor,
    roundTo: 0,
    maxPerDay: 0,
    variants: { default: { baselineMg: 273_000, projectMg: 0, pointsPerBase: 1, pointsPerKg: 0 } },
  });
  return {
    id: PROGRAM,
    name: 'city green travel',
    unit: 'PT',
    precision: 0,
    currency: 'CNY',
    value: 1,
    clearing,
    supervisors: [supervisor],
    expiry: {},
    transfer: 'program',
    closedLoop: true,
    claimWindowMs: 30 * DAY_MS,
    methodology: {
      name: 'bench: 1 point per 10 m walked or cycled, 1 point per 100 m by transit',
      rules: [rule('walk', 'm', 10), rule('transit', 'm', 100)],
    },
  };
}

function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const v = sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
  return Math.round(v * 1000) / 1000;
}

function timed(n: number, f: (i: number) => unknown): { p50: number; p99: number } {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f(i);
    out.push(performance.now() - t);
  }
  out.sort((a, b) => a - b);
  return { p50: pct(out, 50), p99: pct(out, 99) };
}

/** A full garbage collection of this process (the flag is set at run time; V8 allows it). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc === 'function') gc();
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    const st = statSync(join(dir, String(name)));
    if (st.isFile()) total += st.size;
  }
  return total;
}

/**
 * Most transactions submitted and not yet committed: a bound below the node's default mempool limit
 * (100,000) whatever the day's size (110,000 joins went through unbounded, the pool draining as
 * blocks were cut, but nothing guaranteed it).
 */
const IN_FLIGHT = 50_000;

/** Joins signed and committed together: about a hundred blocks, well inside the validity window. */
const JOIN_CHUNK = 100_000;

/**
 * Submit in batches (every batch admitted before the next, at most IN_FLIGHT uncommitted) and wait
 * until all are committed.
 */
async function commitAll(g: GroupLedger, txs: readonly Uint8Array[], batch: number): Promise<number> {
  const t0 = performance.now();
  const waits: Promise<string>[] = [];
  let settled = 0;
  const check = (s: string) => {
    if (s !== 'ok') throw new GongzhiError('EXEC_INTERNAL', `city-day transaction failed: ${s}`);
  };
  for (let i = 0; i < txs.length; i += batch) {
    while (waits.length - settled > IN_FLIGHT) check(await (waits[settled++] as Promise<string>));
    const results = await g.submit(txs.slice(i, i + batch));
    for (const r of results) {
      if ('error' in r) throw r.error;
      waits.push(g.waitForCommit(r.hash, 600_000).then((c) => c.receipt.status));
    }
  }
  for (const s of await Promise.all(waits.slice(settled))) check(s);
  return (performance.now() - t0) / 1000;
}

export async function benchCityDay(opts: CityDayOptions = {}): Promise<CityDayReport> {
  const scale = opts.scale ?? 0.01;
  const log = opts.log ?? (() => undefined);
  const batch = opts.batch ?? 1000;
  const verifyWorkers = opts.verifyWorkers ?? Math.max(1, availableParallelism() - 1);
  const cacheMb = opts.cacheMb ?? DEFAULT_STORE_CACHE_MB;
  const n = (full: number) => Math.max(1, Math.round(full * scale));
  const residents = n(CITY_DAY.residents);
  const trips = Math.min(residents, n(CITY_DAY.transitTrips));
  const redemptions = Math.min(residents, n(CITY_DAY.redemptions));
  const anchors = n(CITY_DAY.anchors);

  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-city-'));
  const [issuer, bureau, nodeKey, dist, clearing, platform, recorder, sponsor] = Array.from(
    { length: 8 },
    () => suite.generateKeyPair(),
  ) as [KeyPair, KeyPair, KeyPair, KeyPair, KeyPair, KeyPair, KeyPair, KeyPair];
  const addr = (k: KeyPair) => suite.address(k.publicKey);
  const genesis: Genesis = {
    chain: 'bench-city',
    group: 'main',
    suite: 'ed25519',
    timestamp: Date.now() - DAY_MS,
    params: { ...DEFAULT_PARAMS },
    orgs: [
      {
        id: 'city',
        name: 'City',
        admins: [toHex(issuer.publicKey)],
        nodes: [{ id: 'n0', publicKey: toHex(nodeKey.publicKey) }],
      },
      { id: 'bureau', name: 'Supervisor', admins: [toHex(bureau.publicKey)], nodes: [] },
    ],
    committee: {
      members: [
        { account: addr(issuer), weight: 1 },
        { account: addr(bureau), weight: 1 },
      ],
      threshold: 67,
    },
    roles: { [addr(issuer)]: ['points-issuer'], [addr(bureau)]: ['points-supervisor'] },
    permissions: { ...DEFAULT_PERMISSIONS, ...POINTS_PERMISSIONS, 'evidence.anchor': ['*'] },
  };
  const node = await GongzhiNode.start({
    nodeId: 'n0',
    org: 'city',
    nodeSecretKey: nodeKey.secretKey,
    genesis: [genesis],
    dataDir: dir,
    verifyWorkers,
    storeCacheMb: cacheMb,
    logger: pino({ level: 'silent' }),
    modules: DEFAULT_MODULES.some((m) => m.name === 'points')
      ? DEFAULT_MODULES
      : [...DEFAULT_MODULES, pointsModule],
  });
  const g = node.group('main');
  let nonce = 0;
  const sign = (k: KeyPair, module: string, method: string, args: CborMap) =>
    encodeTx(
      signTx(suite, k.secretKey, {
        chain: g.chain,
        group: g.group,
        sender: k.publicKey,
        nonce: `c${nonce++}`,
        validUntil: g.latest.height + 900,
        module,
        method,
        args,
      }),
    );
  const points = (k: KeyPair, method: string, args: CborMap) => sign(k, 'points', method, args);
  try {
    const setup: [KeyPair, string, CborMap][] = [
      [issuer, 'createProgram', cityProgram(addr(clearing), addr(bureau))],
      [bureau, 'approveProgram', { program: PROGRAM }],
      [issuer, 'grantRole', { program: PROGRAM, role: 'distributor', account: addr(dist) }],
      // The sponsor pays; the clearing provider (the bank) confirms the money and cannot be a sponsor.
      [issuer, 'grantRole', { program: PROGRAM, role: 'sponsor', account: addr(sponsor) }],
      [issuer, 'grantRole', { program: PROGRAM, role: 'platform', account: addr(platform) }],
      [sponsor, 'fund', { program: PROGRAM, amount: 1e13 }],
      [clearing, 'confirmFunding', { program: PROGRAM, sponsor: addr(sponsor), amount: 1e13 }],
      [sponsor, 'consentQuota', { program: PROGRAM, distributor: addr(dist), amount: 1e12 }],
      [
        issuer,
        'allotQuota',
        { program: PROGRAM, distributor: addr(dist), amount: 1e12, sponsor: addr(sponsor) },
      ],
      [platform, 'listItem', { program: PROGRAM, item: 'ticket', name: 'bus ticket', price: 90 }],
    ];
    for (const [k, m, a] of setup) await commitAll(g, [points(k, m, a)], 1);

    log(`city-day: ${residents} residents (scale ${scale}); generating their keys`);
    const people: KeyPair[] = [];
    for (let i = 0; i < residents; i++) {
      people.push(suite.generateKeyPair());
      if ((i + 1) % JOIN_CHUNK === 0) log(`city-day: ${i + 1} keys`);
    }
    const consent = suite.hash(utf8('consent v1'));
    // Signed a chunk at a time just before it is submitted, like the day's slices: a million joins
    // signed at one height would expire before the last of them is in a block.
    let joinSeconds = 0;
    for (let i = 0; i < residents; i += JOIN_CHUNK) {
      const joins = people
        .slice(i, i + JOIN_CHUNK)
        .map((k) => points(k, 'join', { program: PROGRAM, consent }));
      joinSeconds += await commitAll(g, joins, batch);
      log(`city-day: ${Math.min(residents, i + JOIN_CHUNK)} of ${residents} joins committed`);
    }
    // The suite keeps a signing KeyObject per secret-key array (native memory): the residents'
    // own arrays go, copies stay, so those KeyObjects can be collected instead of counting in the
    // reported RSS for the rest of the day. The few who redeem later sign with a fresh import.
    for (let i = 0; i < residents; i++) {
      const k = people[i] as KeyPair;
      people[i] = { publicKey: k.publicKey, secretKey: Uint8Array.from(k.secretKey) };
    }
    // And collected now, before the day's timing (the bench's client shares the node's process and
    // heap): in the full-size run without this, the first three slices took 1.4–1.7× the process
    // CPU of the next two, the likely cause being this garbage's collection (not established).
    collectGarbage();
    log(`city-day: client heap after the joins ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);

    // The day's stream, in the order a city produces it: every resident's walk/cycle award; a transit
    // trip after every (residents / trips)-th; a redemption by an earlier-awarded resident after every
    // (residents / redemptions)-th; an evidence anchor after every (residents / anchors)-th.
    // Each slice is signed just before it is submitted (outside its timing): a pre-signed full-size
    // day would outlive its transactions' validity window (maxValidityWindow blocks) before its end.
    log(`city-day: building the day (${residents + trips + redemptions + anchors} transactions)`);
    const end = Date.now() - HOUR;
    const claim = (i: number, kind: string, quantity: number) => () =>
      points(dist, 'claim', {
        program: PROGRAM,
        user: addr(people[i] as KeyPair),
        kind,
        quantity,
        periodStart: end - HOUR,
        periodEnd: end,
        device: suite.hash(utf8(`${kind} device ${i}`)),
        evidence: suite.hash(utf8(`${kind} trace ${i}`)),
        measuredBy: 'phone-gps',
      });
    const day: (() => Uint8Array)[] = [];
    let t = 0;
    let r = 0;
    let a = 0;
    for (let i = 0; i < residents; i++) {
      day.push(claim(i, 'walk', 1000 + (i % 4000)));
      if (t < trips && (i + 1) * trips >= (t + 1) * residents) day.push(claim(t++, 'transit', 5000));
      if (r < redemptions && (i + 1) * redemptions >= (r + 1) * residents) {
        // Resident r*k was awarded at least one block's worth earlier (k = residents / redemptions).
        const who = Math.floor((r++ * residents) / redemptions);
        day.push(() =>
          points(people[who] as KeyPair, 'redeem', {
            program: PROGRAM,
            platform: addr(platform),
            item: 'ticket',
            price: 90,
          }),
        );
      }
      if (a < anchors && (i + 1) * anchors >= (a + 1) * residents) {
        const digest = suite.hash(utf8(`city record ${a++}`));
        day.push(() =>
          sign(recorder, 'evidence', 'anchor', {
            digest,
            alg: 'sha256',
            meta: { type: 'bench', capturedBy: 'city', capturedAt: a, method: 'generated' },
          }),
        );
      }
    }
    const slices: number[] = [];
    const per = Math.ceil(day.length / 10);
    let daySeconds = 0;
    for (let s = 0; s < day.length; s += per) {
      const part = day.slice(s, s + per).map((signNow) => signNow());
      const secs = await commitAll(g, part, batch);
      daySeconds += secs;
      slices.push(Math.round(part.length / secs));
      log(`city-day: slice ${slices.length}/10: ${slices.at(-1)} tx/s`);
    }
    const c0 = performance.now();
    await commitAll(g, [points(clearing, 'closePeriod', { currency: 'CNY' })], 1);
    const closeMs = performance.now() - c0;

    const height = g.latest.height;
    const committedTxs = g.store.txCount();
    const dbBytes = dirBytes(dir);
    const mem = process.memoryUsage();
    const sampleHashes: string[] = [];
    for (let h = 1; h <= height && sampleHashes.length < 1000; h += Math.max(1, Math.floor(height / 200))) {
      for (const tx of g.store.txsOfBlock(h).slice(0, 5)) sampleHashes.push(toHex(tx.hash));
    }
    const queryMs = {
      balance: timed(1000, (i) =>
        g.query('points', 'account', {
          program: PROGRAM,
          account: addr(people[(i * 7919) % residents] as KeyPair),
        }),
      ),
      txByHash: timed(1000, (i) => g.committed(sampleHashes[i % sampleHashes.length] as string)),
      blockByHeight: timed(1000, (i) => g.store.blockByHeight(1 + ((i * 7919) % height))),
    };
    const first = slices[0] ?? 0;
    return {
      scale,
      residents,
      transitTrips: trips,
      redemptions,
      anchors,
      verifyWorkers,
      cacheMb,
      joinsPerSec: Math.round(residents / joinSeconds),
      sliceTxPerSec: slices,
      lastOverFirst: first > 0 ? Math.round(((slices.at(-1) ?? 0) / first) * 100) / 100 : 0,
      dayTxPerSec: Math.round(day.length / daySeconds),
      closeMs: Math.round(closeMs),
      committedTxs,
      dbBytes,
      dbBytesPerTx: Math.round(dbBytes / committedTxs),
      rssMb: Math.round(mem.rss / 1e6),
      // maxRSS is in KiB.
      peakRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
      queryMs,
    };
  } finally {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench -- --city-day [--city-scale 0.01]`: one JSON line / one text line. */
export async function reportCityDay(
  report: (o: Record<string, unknown>, line: string) => void,
  arg: (name: string, dflt: number) => number,
  log: (m: string) => void,
): Promise<void> {
  const cache = arg('--city-cache-mb', 0);
  const r = await benchCityDay({
    scale: arg('--city-scale', 0.01),
    ...(cache > 0 ? { cacheMb: cache } : {}),
    log,
  });
  const q = r.queryMs;
  report(
    { bench: 'city-day', ...r },
    `city's day at scale ${r.scale} (${r.residents} awards, ${r.transitTrips} trips, ${r.redemptions} redemptions, ` +
      `${r.anchors} anchors, one close; ${r.verifyWorkers} verify workers, ${r.cacheMb} MiB page cache): tx/s per 10 % slice ${r.sliceTxPerSec.join(', ')} ` +
      `(last/first ${r.lastOverFirst}); joins ${r.joinsPerSec}/s; close ${r.closeMs} ms; ${r.dbBytesPerTx} DB bytes/tx ` +
      `(${r.committedTxs} txs); RSS ${r.rssMb} MB (peak ${r.peakRssMb}); p99 ms balance ${q.balance.p99}, ` +
      `tx by hash ${q.txByHash.p99}, block by height ${q.blockByHeight.p99}`,
  );
}
