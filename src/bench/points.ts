import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { getSuite, type KeyPair } from '../crypto/index.js';
import { toHex, utf8 } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import type { CandidateTx } from '../execution/index.js';
import { type CborMap, DEFAULT_PARAMS, encodeTx, type Genesis, signTx } from '../ledger/index.js';
import { DAY_MS, POINTS_PERMISSIONS, pointsModule } from '../modules/points/index.js';
import { DEFAULT_MODULES, DEFAULT_PERMISSIONS, GongzhiNode, type GroupLedger } from '../node/index.js';
import { MemoryChain } from '../testing/index.js';

export interface BenchPointsOptions {
  /** Distinct users for the award/transfer run (default 10,000). */
  readonly users?: number;
  /** Posting lines in the settled period (default 1,000,000). */
  readonly postings?: number;
  /** Signature-verification worker threads of the node (default 1). */
  readonly verifyWorkers?: number;
  /** Transactions per submitted batch (default 1,000). */
  readonly batch?: number;
  readonly log?: (message: string) => void;
}

const suite = getSuite('ed25519');
const HOUR = 3_600_000;

function walkProgram(id: string, clearing: string, supervisor: string, expiryBlocks = 0): CborMap {
  return {
    id,
    name: 'bench walking points',
    unit: 'PT',
    precision: 0,
    currency: 'CNY',
    value: 1,
    clearing,
    supervisors: [supervisor],
    expiry: expiryBlocks > 0 ? { blocks: expiryBlocks } : {},
    transfer: 'program',
    closedLoop: true,
    claimWindowMs: 30 * DAY_MS,
    methodology: {
      name: 'bench: 1 point per 10 m walked',
      rules: [
        {
          kind: 'walk',
          unit: 'm',
          divisor: 10,
          roundTo: 0,
          maxPerDay: 0,
          variants: { default: { baselineMg: 273_000, projectMg: 0, pointsPerBase: 1, pointsPerKg: 0 } },
        },
      ],
    },
  };
}

function memMb(): { rssMb: number; heapMb: number; maxRssMb: number } {
  const m = process.memoryUsage();
  return {
    rssMb: Math.round(m.rss / 1e6),
    heapMb: Math.round(m.heapUsed / 1e6),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1e3),
  };
}

/** Submit pre-signed transactions in batches (all in flight) and wait until every one is committed. */
async function commitAll(
  g: GroupLedger,
  txs: readonly Uint8Array[],
  batch: number,
): Promise<{ seconds: number; failed: number }> {
  const t0 = performance.now();
  const waits: Promise<string>[] = [];
  for (let i = 0; i < txs.length; i += batch) {
    const results = await g.submit(txs.slice(i, i + batch));
    for (const r of results) {
      if ('error' in r) throw r.error;
      waits.push(g.waitForCommit(r.hash, 120_000).then((c) => c.receipt.status));
    }
  }
  const statuses = await Promise.all(waits);
  return { seconds: (performance.now() - t0) / 1000, failed: statuses.filter((s) => s !== 'ok').length };
}

/** Awards and transfers per second through a real in-process node (SQLite, signatures verified). */
async function nodeRun(users: number, batch: number, verifyWorkers: number, log: (m: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-points-'));
  const issuer = suite.generateKeyPair();
  const bureau = suite.generateKeyPair();
  const nodeKey = suite.generateKeyPair();
  const dist = suite.generateKeyPair();
  const sponsor = suite.generateKeyPair();
  const bank = suite.generateKeyPair();
  const addr = (k: KeyPair) => suite.address(k.publicKey);
  const genesis: Genesis = {
    chain: 'bench-points',
    group: 'main',
    suite: 'ed25519',
    timestamp: Date.now() - DAY_MS,
    params: { ...DEFAULT_PARAMS },
    orgs: [
      {
        id: 'issuer',
        name: 'Issuer',
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
    permissions: { ...DEFAULT_PERMISSIONS, ...POINTS_PERMISSIONS },
  };
  const node = await GongzhiNode.start({
    nodeId: 'n0',
    org: 'issuer',
    nodeSecretKey: nodeKey.secretKey,
    genesis: [genesis],
    dataDir: dir,
    verifyWorkers,
    logger: pino({ level: 'silent' }),
    modules: DEFAULT_MODULES.some((m) => m.name === 'points')
      ? DEFAULT_MODULES
      : [...DEFAULT_MODULES, pointsModule],
  });
  let nonce = 0;
  const g = node.group('main');
  const sign = (k: KeyPair, method: string, args: CborMap) =>
    encodeTx(
      signTx(suite, k.secretKey, {
        chain: g.chain,
        group: g.group,
        sender: k.publicKey,
        nonce: `b${nonce++}`,
        validUntil: g.latest.height + 900,
        module: 'points',
        method,
        args,
      }),
    );
  try {
    const P = 'bench';
    const setup: [KeyPair, string, CborMap][] = [
      [issuer, 'createProgram', walkProgram(P, addr(bank), addr(bureau))],
      [bureau, 'approveProgram', { program: P }],
      [issuer, 'grantRole', { program: P, role: 'distributor', account: addr(dist) }],
      [issuer, 'grantRole', { program: P, role: 'sponsor', account: addr(sponsor) }],
      [sponsor, 'fund', { program: P, amount: 1_000_000_000 }],
      [bank, 'confirmFunding', { program: P, sponsor: addr(sponsor), amount: 1_000_000_000 }],
      [sponsor, 'consentQuota', { program: P, distributor: addr(dist), amount: 500_000_000 }],
      [
        issuer,
        'allotQuota',
        { program: P, distributor: addr(dist), amount: 500_000_000, sponsor: addr(sponsor) },
      ],
    ];
    for (const [k, m, a] of setup) {
      const r = await commitAll(g, [sign(k, m, a)], 1);
      if (r.failed > 0) throw new GongzhiError('EXEC_INTERNAL', `bench setup ${m} failed`);
    }
    log(
      `points: pre-signing ${users} joins, ${users} awards and ${users} transfers (${users} distinct users)`,
    );
    const keys = Array.from({ length: users }, () => suite.generateKeyPair());
    const end = Date.now() - HOUR;
    const t0 = performance.now();
    const joins = keys.map((k) => sign(k, 'join', { program: P, consent: suite.hash(utf8('consent v1')) }));
    const awards = keys.map((k, i) =>
      sign(dist, 'claim', {
        program: P,
        user: addr(k),
        kind: 'walk',
        quantity: 1000 + (i % 5000),
        periodStart: end - HOUR,
        periodEnd: end,
        device: suite.hash(utf8(`phone ${i}`)),
        evidence: suite.hash(utf8(`trace ${i}`)),
        measuredBy: 'phone-gps',
      }),
    );
    const transfers = keys.map((k, i) =>
      sign(k, 'transfer', { program: P, to: addr(keys[(i + 1) % users] as KeyPair), amount: 50 }),
    );
    const presignSeconds = (performance.now() - t0) / 1000;
    log(`points: committing ${users} joins`);
    const j = await commitAll(g, joins, batch);
    log(`points: committing ${users} awards (claims through the methodology)`);
    const a = await commitAll(g, awards, batch);
    log(`points: committing ${users} transfers`);
    const t = await commitAll(g, transfers, batch);
    const totals = g.query('points', 'totals', { program: P }) as { balanced: boolean };
    if (!totals.balanced || j.failed + a.failed + t.failed > 0) {
      throw new GongzhiError('EXEC_INTERNAL', 'bench run left failures or unbalanced books', {
        failed: j.failed + a.failed + t.failed,
      });
    }
    return {
      users,
      presignSeconds,
      joinsPerSec: Math.round(users / j.seconds),
      awardsPerSec: Math.round(users / a.seconds),
      transfersPerSec: Math.round(users / t.seconds),
    };
  } finally {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One settlement period with `lines` posting lines, executed in memory through the block executor
 * (pre-verified transactions, no SQLite), then closed: the close time does not depend on the number of
 * postings, only on the pairs of parties, because aggregates are maintained as postings happen.
 */
function settlementRun(lines: number, log: (m: string) => void) {
  const t0Ts = Date.UTC(2026, 0, 1);
  // Journal entries and claim records are written (encoded, hashed into receipts and the state
  // root) but not kept in memory: a node keeps them in SQLite, and nothing here reads them back.
  const chain = new MemoryChain({
    suite,
    modules: [pointsModule],
    timestamp: t0Ts,
    sink: (key) => key.startsWith('points/journal/') || key.startsWith('points/claim/'),
  });
  // Transactions here are pre-verified (signatures are measured in the node run), so the accounts
  // need only public keys: derived from names instead of generating 10,000 key pairs.
  const k = (name: string) => ({
    publicKey: suite.hash(utf8(`bench ${name}`)),
    secretKey: new Uint8Array(0),
    name,
  });
  const issuer = k('issuer');
  const bureau = k('bureau');
  const bank = k('bank');
  const dist = k('dist');
  const sponsors = Array.from({ length: 10 }, (_, i) => k(`s${i}`));
  const platforms = Array.from({ length: 20 }, (_, i) => k(`p${i}`));
  const users = Array.from({ length: Math.min(10_000, Math.max(100, Math.ceil(lines / 10))) }, (_, i) =>
    k(`u${i}`),
  );
  const addr = (x: KeyPair) => suite.address(x.publicKey);
  const P = 'settle';
  let ts = t0Ts;
  const block = (txs: CandidateTx[]) => {
    ts += 1000;
    const res = chain.run(txs, ts);
    const bad = res.receipts.find((r) => r.status !== 'ok');
    if (bad)
      throw new GongzhiError(
        'EXEC_INTERNAL',
        `bench settlement tx failed: ${bad.status} ${bad.message ?? ''}`,
      );
    return res;
  };
  const tx = (from: KeyPair, method: string, args: CborMap) =>
    chain.tx(from, 'points', method, args, { sign: false });
  // lots expire 2 blocks after issue: each round's unspent points expire before the sweep
  block([tx(issuer, 'createProgram', walkProgram(P, addr(bank), addr(bureau), 2))]);
  block([tx(bureau, 'approveProgram', { program: P })]);
  block([
    tx(issuer, 'grantRole', { program: P, role: 'distributor', account: addr(dist) }),
    ...sponsors.map((s) => tx(issuer, 'grantRole', { program: P, role: 'sponsor', account: addr(s) })),
    ...platforms.map((p) => tx(issuer, 'grantRole', { program: P, role: 'platform', account: addr(p) })),
  ]);
  block([
    ...sponsors.map((s) => tx(s, 'fund', { program: P, amount: 1e13 })),
    ...sponsors.map((s) => tx(s, 'consentQuota', { program: P, distributor: addr(dist), amount: 1e12 })),
    ...platforms.map((p) => tx(p, 'listItem', { program: P, item: 'gift', name: 'gift', price: 90 })),
  ]);
  block(sponsors.map((s) => tx(bank, 'confirmFunding', { program: P, sponsor: addr(s), amount: 1e13 })));
  block(
    sponsors.map((s) =>
      tx(issuer, 'allotQuota', { program: P, distributor: addr(dist), amount: 1e12, sponsor: addr(s) }),
    ),
  );
  for (let i = 0; i < users.length; i += 5000) {
    block(users.slice(i, i + 5000).map((u) => tx(u, 'join', { program: P, consent: new Uint8Array(32) })));
  }
  // Each round, every user is awarded 100 points (2 lines: quota → user), redeems a 90-point gift
  // at a platform (4 lines: user → redeemed, reserve → payable) and the 10 left expire (4 lines:
  // user → expired, reserve → pool; one sweep transaction covers 250 users).
  const SWEEP = 250;
  const perRound = users.length * 10;
  const rounds = Math.max(1, Math.ceil(lines / perRound));
  log(
    `points: filling one period with ${rounds * perRound} posting lines (${rounds} rounds × ${users.length} users: award, redemption, expiry)`,
  );
  const before = memMb();
  const t0 = performance.now();
  let n = 0;
  const inBlocks = (txs: CandidateTx[]) => {
    for (let i = 0; i < txs.length; i += 5000) {
      block(txs.slice(i, i + 5000));
      n += Math.min(5000, txs.length - i);
    }
  };
  const CHUNK = 5000;
  for (let r = 0; r < rounds; r++) {
    const start = t0Ts - 20 * DAY_MS + r * HOUR;
    // per chunk: a block of awards, then a block of redemptions (lots live 2 blocks)
    for (let c = 0; c < users.length; c += CHUNK) {
      const chunk = users.slice(c, c + CHUNK);
      inBlocks(
        chunk.map((u, k) =>
          tx(dist, 'claim', {
            program: P,
            user: addr(u),
            kind: 'walk',
            quantity: 1000,
            periodStart: start,
            periodEnd: start + HOUR,
            device: suite.hash(utf8(u.name)),
            evidence: new Uint8Array(32),
            measuredBy: 'bench',
            sponsor: addr(sponsors[(c + k + r) % sponsors.length] as KeyPair),
          }),
        ),
      );
      inBlocks(
        chunk.map((u, k) =>
          tx(u, 'redeem', {
            program: P,
            platform: addr(platforms[((c + k) * 7 + r) % platforms.length] as KeyPair),
            item: 'gift',
            price: 90,
          }),
        ),
      );
    }
    const sweeps: CandidateTx[] = [];
    for (let i = 0; i < users.length; i += SWEEP) {
      sweeps.push(tx(bank, 'expire', { program: P, accounts: users.slice(i, i + SWEEP).map(addr) }));
    }
    inBlocks(sweeps);
  }
  const fillSeconds = (performance.now() - t0) / 1000;
  const totals = chain.query('points', 'report', { program: P }) as { activity: Record<string, number> };
  const postingLines = totals.activity.lines ?? 0;
  const postingSets = totals.activity.postings ?? 0;
  const mid = memMb();
  const c0 = performance.now();
  const closed = block([tx(bank, 'closePeriod', { currency: 'CNY' })]);
  const closeMs = performance.now() - c0;
  const after = memMb();
  const data = closed.receipts[0]?.events[0]?.data as { statements: number; pairs: number };
  return {
    settlementLines: postingLines,
    settlementPostingSets: postingSets,
    settlementTxs: n,
    fillSeconds: Math.round(fillSeconds * 10) / 10,
    fillLinesPerSec: Math.round(postingLines / fillSeconds),
    fillTxPerSec: Math.round(n / fillSeconds),
    closeMs: Math.round(closeMs * 10) / 10,
    closePairs: data.pairs,
    closeStatements: data.statements,
    stateKeys: chain.state.size,
    writtenOnceMb: Math.round(chain.sunkBytes / 1e6),
    heapBeforeFillMb: before.heapMb,
    heapAfterFillMb: mid.heapMb,
    heapAfterCloseMb: after.heapMb,
    rssAfterCloseMb: after.rssMb,
    peakRssMb: after.maxRssMb,
  };
}

/**
 * The points benchmark: awards and transfers per second through a real in-process node with
 * `users` distinct users (pre-signed), then the settlement of one period holding `postings` posting
 * lines (time and memory). Returns flat figures; `npm run bench` prints them.
 */
export async function benchPoints(opts: BenchPointsOptions = {}): Promise<Record<string, number>> {
  const log = opts.log ?? (() => undefined);
  const a = await nodeRun(opts.users ?? 10_000, opts.batch ?? 1000, opts.verifyWorkers ?? 1, log);
  const b = settlementRun(opts.postings ?? 1_000_000, log);
  return { ...a, ...b };
}
