import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import { toHex, utf8 } from '../../src/encoding/index.js';
import { type CborMap, DEFAULT_PARAMS, type Genesis } from '../../src/ledger/index.js';
import { DAY_MS, POINTS_PERMISSIONS, pointsModule } from '../../src/modules/points/index.js';
import { DEFAULT_MODULES, DEFAULT_PERMISSIONS, GongzhiNode, type GroupLedger } from '../../src/node/index.js';
import { makeTx, tempDir } from '../helpers/fixtures.js';

const suite = getSuite('ed25519');
const modules = DEFAULT_MODULES.some((m) => m.name === 'points')
  ? DEFAULT_MODULES
  : [...DEFAULT_MODULES, pointsModule];

/** Parties: two orgs on the committee (issuer with points-issuer, bureau with points-supervisor) and people. */
const issuer = suite.generateKeyPair();
const bureau = suite.generateKeyPair();
const nodeKey = suite.generateKeyPair();
const people = new Map<string, KeyPair>();
function key(name: string): KeyPair {
  if (name === 'issuer') return issuer;
  if (name === 'bureau') return bureau;
  let k = people.get(name);
  if (!k) {
    k = suite.generateKeyPair();
    people.set(name, k);
  }
  return k;
}
const addr = (name: string) => suite.address(key(name).publicKey);

const genesis: Genesis = {
  chain: 'points-it',
  group: 'main',
  suite: 'ed25519',
  timestamp: Date.now() - 10 * DAY_MS,
  params: { ...DEFAULT_PARAMS, blockIntervalMs: 10 },
  orgs: [
    {
      id: 'exchange',
      name: 'Issuer',
      admins: [toHex(issuer.publicKey)],
      nodes: [{ id: 'n0', publicKey: toHex(nodeKey.publicKey) }],
    },
    { id: 'bureau', name: 'Supervisor', admins: [toHex(bureau.publicKey)], nodes: [] },
  ],
  committee: {
    members: [
      { account: suite.address(issuer.publicKey), weight: 1 },
      { account: suite.address(bureau.publicKey), weight: 1 },
    ],
    threshold: 67,
  },
  roles: {
    [suite.address(issuer.publicKey)]: ['points-issuer'],
    [suite.address(bureau.publicKey)]: ['points-supervisor'],
  },
  permissions: { ...DEFAULT_PERMISSIONS, ...POINTS_PERMISSIONS },
};

function start(dir: string): Promise<GongzhiNode> {
  return GongzhiNode.start({
    nodeId: 'n0',
    org: 'exchange',
    nodeSecretKey: nodeKey.secretKey,
    genesis: [genesis],
    dataDir: dir,
    logger: pino({ level: 'silent' }),
    modules,
  });
}

async function send(g: GroupLedger, who: string, method: string, args: CborMap) {
  const tx = makeTx(suite, key(who), g, 'points', method, args, { validUntil: g.latest.height + 100 });
  const [r] = await g.submit([tx.bytes]);
  if (!r || 'error' in r) throw r?.error ?? new Error('no result');
  return (await g.waitForCommit(r.hash, 10_000)).receipt;
}

function programArgs(id: string, supervisor: string): CborMap {
  return {
    id,
    name: 'Integration program',
    unit: 'PT',
    precision: 0,
    currency: 'CNY',
    value: 1,
    clearing: addr('bank'),
    supervisors: [addr(supervisor)],
    expiry: { ms: 30 * DAY_MS },
    transfer: 'program',
    closedLoop: true,
    claimWindowMs: 7 * DAY_MS,
    methodology: {
      name: 'one point per metre walked',
      rules: [
        {
          kind: 'walk',
          unit: 'm',
          divisor: 1,
          roundTo: 0,
          maxPerDay: 100_000,
          variants: { default: { baselineMg: 0, projectMg: 0, pointsPerBase: 1, pointsPerKg: 0 } },
        },
      ],
    },
  };
}

describe('points module on a real node', () => {
  let tmp: { dir: string; remove: () => void };
  let node: GongzhiNode;
  let g: GroupLedger;

  beforeEach(async () => {
    tmp = tempDir('gongzhi-points-');
    node = await start(tmp.dir);
    g = node.group('main');
  });

  afterEach(async () => {
    await node.close();
    tmp.remove();
  });

  it('genesis permissions gate creation and approval before the program role table', async () => {
    // a stranger cannot create a program: the Authorizer refuses before the module runs
    await expect(send(g, 'mallory', 'createProgram', programArgs('p1', 'bureau'))).rejects.toMatchObject({
      code: 'EXEC_PERMISSION_DENIED',
    });
    // a listed supervisor without the genesis role cannot approve
    expect((await send(g, 'issuer', 'createProgram', programArgs('p1', 'auditor'))).status).toBe('ok');
    await expect(send(g, 'auditor', 'approveProgram', { program: 'p1' })).rejects.toMatchObject({
      code: 'EXEC_PERMISSION_DENIED',
    });
    // the genesis supervisor passes the Authorizer but is not this program's supervisor
    expect((await send(g, 'bureau', 'approveProgram', { program: 'p1' })).status).toBe('POINTS_WRONG_ROLE');
    expect((await send(g, 'issuer', 'createProgram', programArgs('p2', 'bureau'))).status).toBe('ok');
    expect((await send(g, 'bureau', 'approveProgram', { program: 'p2' })).status).toBe('ok');
    // '*' methods: anyone reaches the module, whose role table decides
    expect((await send(g, 'mallory', 'fund', { program: 'p2', amount: 1 })).status).toBe('POINTS_WRONG_ROLE');
    expect((await send(g, 'alice', 'join', { program: 'p2', consent: suite.hash(utf8('ok')) })).status).toBe(
      'ok',
    );
  });

  it('runs a program through the node, survives a restart, and rejected calls write nothing', async () => {
    const ok = async (who: string, method: string, args: CborMap) => {
      const r = await send(g, who, method, args);
      expect(r.status, `${method}: ${r.message ?? ''}`).toBe('ok');
      return r;
    };
    await ok('issuer', 'createProgram', programArgs('walk', 'bureau'));
    await ok('bureau', 'approveProgram', { program: 'walk' });
    for (const [role, who] of [
      ['distributor', 'app'],
      ['sponsor', 'insurer'],
      ['platform', 'shop'],
    ] as const) {
      await ok('issuer', 'grantRole', { program: 'walk', role, account: addr(who) });
    }
    // the sponsor asks, the clearing bank confirms; the sponsor signs the quota it backs
    await ok('insurer', 'fund', { program: 'walk', amount: 100_000 });
    await ok('bank', 'confirmFunding', { program: 'walk', sponsor: addr('insurer'), amount: 100_000 });
    await ok('insurer', 'consentQuota', { program: 'walk', distributor: addr('app'), amount: 50_000 });
    await ok('issuer', 'allotQuota', {
      program: 'walk',
      distributor: addr('app'),
      amount: 50_000,
      sponsor: addr('insurer'),
    });
    await ok('alice', 'join', { program: 'walk', consent: suite.hash(utf8('alice consent')) });
    const end = Date.now() - 3_600_000;
    const award = await ok('app', 'claim', {
      program: 'walk',
      user: addr('alice'),
      kind: 'walk',
      quantity: 4200,
      periodStart: end - 3_600_000,
      periodEnd: end,
      device: suite.hash(utf8('alice phone')),
      evidence: suite.hash(utf8('gps trace')),
      measuredBy: 'phone-gps',
    });
    expect(award.events[0]?.data).toMatchObject({ points: 4200 });
    await ok('shop', 'listItem', { program: 'walk', item: 'tea', name: 'Tea', price: 1000 });
    await ok('alice', 'redeem', { program: 'walk', platform: addr('shop'), item: 'tea', price: 1000 });

    const before = [
      ...['totals', 'journal'].map((q) => JSON.stringify(g.query('points', q, { program: 'walk' }))),
    ];
    const refused = await send(g, 'alice', 'redeem', {
      program: 'walk',
      platform: addr('shop'),
      item: 'tea',
      quantity: 5,
      price: 1000,
    });
    expect(refused.status).toBe('POINTS_INSUFFICIENT_BALANCE');
    expect(refused.writes).toEqual([]);
    expect(
      ['totals', 'journal'].map((q) => JSON.stringify(g.query('points', q, { program: 'walk' }))),
    ).toEqual(before);

    const balance = () =>
      (g.query('points', 'account', { program: 'walk', account: addr('alice') }) as { balance: number })
        .balance;
    expect(balance()).toBe(3200);
    const height = g.latest.height;
    await node.close();
    node = await start(tmp.dir);
    g = node.group('main');
    expect(g.latest.height).toBe(height);
    expect(balance()).toBe(3200);
    expect((g.query('points', 'totals', { program: 'walk' }) as { balanced: boolean }).balanced).toBe(true);
    // the node keeps working after the restart: the bank settles the period
    const closed = await ok('bank', 'closePeriod', { currency: 'CNY' });
    expect(closed.events[0]?.data).toMatchObject({ period: 1, pairs: 1 });
    const period = g.query('points', 'period', { currency: 'CNY', clearing: addr('bank'), period: 1 }) as {
      statements: string[];
    };
    const pair = period.statements
      .map((d) => g.query('points', 'statement', { digest: d }) as { kind: string; body: { net: number } })
      .find((x) => x.kind === 'pair');
    expect(pair?.body.net).toBe(1000);
  });
});
