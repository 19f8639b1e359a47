import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { type CborValue, decodeCanonical, encodeCanonical, toHex, utf8 } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import type { CheckContext, ExecContext } from '../../src/execution/index.js';
import { type CborMap, DEFAULT_PARAMS } from '../../src/ledger/index.js';
import {
  DAY_MS,
  type Effects,
  pointsKeys,
  pointsModule,
  RECORD_CODECS,
  readMessage,
  recordCodecOf,
} from '../../src/modules/points/index.js';
import { MapSource, StateOverlay } from '../../src/state/index.js';
import { PointsSandbox, type SandboxCall } from '../../src/testing/index.js';
import { cborToJson } from '../../src/wire/index.js';
import { fundPool, withdrawPool } from '../helpers/points-money.js';

const T0 = Date.UTC(2026, 0, 10);

const WALK = {
  name: 'walking',
  rules: [
    {
      kind: 'walk',
      unit: 'm',
      divisor: 1000,
      roundTo: 0,
      maxPerDay: 50_000,
      variants: { default: { baselineMg: 273_000, projectMg: 0, pointsPerBase: 0, pointsPerKg: 100 } },
    },
    {
      kind: 'service',
      unit: 'min',
      divisor: 60,
      roundTo: 15,
      maxPerDay: 0,
      variants: { default: { baselineMg: 0, projectMg: 0, pointsPerBase: 100, pointsPerKg: 0 } },
    },
  ],
};

const USERS = ['ann', 'ben'];

function program(sb: PointsSandbox, id: string, over: Record<string, unknown> = {}): CborMap {
  return {
    id,
    name: id,
    unit: 'PT',
    precision: 0,
    currency: 'CNY',
    value: 1,
    clearing: sb.addr('bank'),
    supervisors: [sb.addr('sup')],
    expiry: { blocks: 1000 },
    transfer: 'program',
    closedLoop: false,
    claimWindowMs: 5 * DAY_MS,
    causes: [{ id: 'charity', beneficiary: sb.addr('ngo'), pot: false }],
    methodology: WALK,
    ...over,
  } as CborMap;
}

/** Each claim's period by `who/device`, to name it in a dispute (its id hashes the period). */
const claimPeriods = new Map<string, { periodStart: number; periodEnd: number }>();

function claim(sb: PointsSandbox, p: string, who: string, device: string): CborMap {
  claimPeriods.set(`${who}/${device}`, { periodStart: sb.now - 7_200_000, periodEnd: sb.now - 3_600_000 });
  return {
    program: p,
    user: sb.addr(who),
    kind: 'walk',
    quantity: 9000,
    periodStart: sb.now - 7_200_000,
    periodEnd: sb.now - 3_600_000,
    device: sb.suite.hash(utf8(device)),
    evidence: new Uint8Array(32),
    measuredBy: 'phone',
  };
}

/**
 * A world that writes every record type: two money programs in one book with an exchange agreement
 * (one backer left unfunded), a time bank with services and relationships, a frozen account, a
 * closed period with signed and disputed statements.
 */
function world(o: { fundBacker?: boolean; holdBen?: boolean; calls?: SandboxCall[] } = {}): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0, sign: false });
  const calls = o.calls;
  if (calls) {
    const block = sb.block.bind(sb);
    sb.block = (cs, ts) => {
      calls.push(...cs);
      return block(cs, ts);
    };
  }
  for (const p of ['green', 'shop']) {
    sb.ok('issuer', 'createProgram', program(sb, p));
    sb.ok('sup', 'approveProgram', { program: p });
    for (const [role, who] of [
      ['distributor', 'dist'],
      ['sponsor', 's0'],
      ['sponsor', 's1'],
      ['platform', 'plat'],
    ] as const) {
      sb.ok('issuer', 'grantRole', { program: p, role, account: sb.addr(who) });
    }
    fundPool(sb, p, 's0', 'bank', 50_000);
    // the sponsor consents to more than is allotted: an allowance stays on record
    sb.ok('s0', 'consentQuota', { program: p, distributor: sb.addr('dist'), amount: 6000 });
    sb.ok('issuer', 'allotQuota', {
      program: p,
      distributor: sb.addr('dist'),
      amount: 5000,
      sponsor: sb.addr('s0'),
    });
    sb.ok('plat', 'listItem', { program: p, item: 'gift', name: 'gift', price: 70, stock: 20 });
    for (const u of USERS) sb.ok(u, 'join', { program: p, consent: new Uint8Array(32) });
    for (const u of USERS) sb.ok('dist', 'claim', claim(sb, p, u, `${p}-${u}`));
  }
  sb.ok('issuer', 'proposeExchange', {
    id: 'x',
    from: 'green',
    to: 'shop',
    rateFrom: 1,
    rateTo: 1,
    backer: sb.addr('s0'),
  });
  sb.ok('issuer', 'acceptExchange', { id: 'x', backer: sb.addr('s1') });
  sb.ok('s0', 'backExchange', { agreement: 'x', program: 'green' });
  sb.ok('s1', 'backExchange', { agreement: 'x', program: 'shop' });
  if (o.fundBacker ?? true) fundPool(sb, 'shop', 's1', 'bank', 5000);
  // a funding request the bank has not confirmed yet
  sb.ok('s1', 'fund', { program: 'green', amount: 5 });
  sb.ok('ann', 'redeem', { program: 'green', platform: sb.addr('plat'), item: 'gift', price: 70 });
  sb.ok('ann', 'donate', { program: 'shop', cause: 'charity', amount: 10 });
  sb.ok('ben', 'transfer', { program: 'green', to: sb.addr('ann'), amount: 5 });
  sb.ok('sup', 'freeze', { program: 'shop', account: sb.addr('plat'), reason: 'audit' });
  sb.ok(
    'issuer',
    'createProgram',
    program(sb, 'tb', {
      currency: 'none',
      value: 0,
      expiry: {},
      debtLimit: 300,
      serviceMaxMinutes: 240,
      causes: [{ id: 'pot', beneficiary: sb.addr('steward'), pot: true }],
    }),
  );
  sb.ok('sup', 'approveProgram', { program: 'tb' });
  // a second supervisor (one of one votes), then a pending vote for a third (one of two)
  sb.ok('sup', 'grantRole', { program: 'tb', role: 'supervisor', account: sb.addr('sup2') });
  sb.ok('sup', 'grantRole', { program: 'tb', role: 'supervisor', account: sb.addr('sup3') });
  for (const u of USERS) sb.ok(u, 'join', { program: 'tb', consent: new Uint8Array(32) });
  sb.ok('ann', 'relate', { program: 'tb', with: sb.addr('ben') });
  const svc = sb.suite.hash(utf8('svc-1'));
  sb.ok('ann', 'logService', {
    program: 'tb',
    id: svc,
    recipient: sb.addr('ben'),
    minutes: 60,
    kind: 'service',
  });
  sb.ok('ben', 'confirmService', { program: 'tb', id: svc });
  sb.ok('ann', 'logService', {
    program: 'tb',
    id: sb.suite.hash(utf8('svc-2')),
    recipient: sb.addr('ben'),
    minutes: 30,
    kind: 'service',
  });
  const [closed] = sb.ok('bank', 'closePeriod', { currency: 'CNY' });
  const period = sb.query('period', {
    currency: 'CNY',
    clearing: sb.addr('bank'),
    period: String(closed?.data.period),
  }) as { statements: string[] };
  const [first, second] = period.statements;
  if (first === undefined || second === undefined) throw new Error('expected statements');
  sb.ok('dist', 'signStatement', { digest: Buffer.from(first, 'hex') });
  sb.ok('bank', 'disputeStatement', { digest: Buffer.from(second, 'hex'), reason: 'numbers differ' });
  // round 2: a registered personal device (bound, claimed with) and a released shared camera
  const dev = sb.suite.hash(utf8('dev-ann'));
  const reg = { program: 'green', measuredBy: 'obd' };
  sb.ok('dist', 'registerDevice', {
    ...reg,
    device: dev,
    asset: sb.suite.hash(utf8('car')),
    member: sb.addr('ann'),
  });
  sb.ok('ann', 'bindDevice', { device: dev, consent: new Uint8Array(32) });
  sb.ok('dist', 'claim', claim(sb, 'green', 'ann', 'dev-ann'));
  const cam = sb.suite.hash(utf8('cam'));
  sb.ok('dist', 'registerDevice', { ...reg, device: cam, asset: sb.suite.hash(utf8('crossing')) });
  sb.ok('dist', 'releaseDevice', { device: cam });
  // an inter-bank statement of agreement x (one issuer of both sides: signed by drawing it up)
  if (o.fundBacker ?? true) {
    sb.ok('ann', 'convert', { agreement: 'x', from: 'green', amount: 10 });
    sb.ok('issuer', 'settleExchange', { agreement: 'x' });
  }
  // a consent record (scope, purpose, source, version) of ann to dist
  sb.ok('ann', 'giveConsent', {
    program: 'green',
    distributor: sb.addr('dist'),
    kinds: ['walk'],
    purpose: 'points',
    source: 'phone',
    version: 1,
    text: new Uint8Array(32),
  });
  // a verifier in shop: an opinion on its methodology, period 1's reductions as units, one retired
  sb.ok('sup', 'grantRole', { program: 'shop', role: 'verifier', account: sb.addr('vvb') });
  const report = new Uint8Array(32);
  sb.ok('vvb', 'validateMethodology', { program: 'shop', version: 1, opinion: 'negative', report });
  sb.ok('vvb', 'verifyReductions', { program: 'shop', period: 1, version: 1, verifiedG: 4000, report });
  sb.ok('issuer', 'useUnits', {
    program: 'shop',
    period: 1,
    version: 1,
    action: 'retire',
    count: 1,
    party: 'ngo',
    note: 'offset',
  });
  // item 14: areas, a breakage schedule, a dispute upheld after ann spent part of the award (so
  // she owes the rest), and an auditor's dispute still open (holding another award of hers)
  sb.ok('issuer', 'defineArea', { program: 'green', area: 'street-1' });
  sb.ok('issuer', 'defineArea', { program: 'green', area: 'c-1', street: 'street-1' });
  sb.ok('ben', 'setArea', { program: 'green', area: 'c-1' });
  sb.ok('issuer', 'confirmArea', { program: 'green', account: sb.addr('ben'), area: 'c-1' });
  // a request still pending (areq), and the area's worker named (areas)
  sb.ok('issuer', 'defineArea', {
    program: 'green',
    area: 'c-2',
    street: 'street-1',
    worker: sb.addr('clerk'),
  });
  sb.ok('ann', 'setArea', { program: 'green', area: 'c-2' });
  // the registrar hands c-2 to another worker (the event areaWorkerChanged)
  sb.ok('issuer', 'setAreaWorker', { program: 'green', area: 'c-2', worker: sb.addr('clerk2') });
  sb.ok('ben', 'redeem', { program: 'green', platform: sb.addr('plat'), item: 'gift', price: 70 });
  sb.ok('issuer', 'setBreakage', { program: 'green', policy: 'scheme', fromHeight: sb.height + 10 });
  const claimOf = (p: string, who: string, device: string) =>
    sb.suite.hash(
      encodeCanonical({
        program: p,
        kind: 'walk',
        device: sb.suite.hash(utf8(device)),
        ...claimPeriods.get(`${who}/${device}`),
      } as CborMap),
    );
  sb.ok('ann', 'donate', { program: 'shop', cause: 'charity', amount: 20 });
  sb.ok('ben', 'openDispute', { program: 'shop', claim: claimOf('shop', 'ann', 'shop-ann'), reason: report });
  sb.ok('sup', 'decideDispute', { program: 'shop', dispute: 1, outcome: 'upheld', report });
  sb.ok('sup', 'openDispute', {
    program: 'green',
    claim: claimOf('green', 'ann', 'dev-ann'),
    reason: report,
  });
  // an auditor's dispute of an award ben already spent this period holds its payable (phold)
  if (o.holdBen ?? true)
    sb.ok('sup', 'openDispute', {
      program: 'green',
      claim: claimOf('green', 'ben', 'green-ben'),
      reason: report,
    });
  return sb;
}

function bytesOf(v: CborValue): Uint8Array {
  return encodeCanonical(v);
}

describe('points records: one strict codec per stored record type', () => {
  it('decodes every record the module wrote and re-encodes it byte for byte', () => {
    const sb = world();
    const seen = new Set<string>();
    for (const [key, bytes] of sb.chain.state) {
      const codec = recordCodecOf(key);
      expect(codec, key).toBeDefined();
      if (!codec) continue;
      seen.add(key.split('/')[1] ?? '');
      expect(toHex(encodeCanonical(codec.encode(codec.decode(decodeCanonical(bytes))))), key).toBe(
        toHex(bytes),
      );
    }
    // the world wrote every record type (pagg and dlist included)
    expect([...seen].sort()).toEqual(Object.keys(RECORD_CODECS).sort());
  });

  it('refuses a stored record with an unknown field, a wrong type or a zero count as CHAIN_INVALID', () => {
    const sb = world();
    const get = (k: string) => decodeCanonical(sb.chain.state.get(k) as Uint8Array) as CborMap;
    const bad: [string, CborValue][] = [
      [pointsKeys.program('green'), { ...get(pointsKeys.program('green')), extra: 1 }],
      [pointsKeys.program('green'), { ...get(pointsKeys.program('green')), status: 'weird' }],
      [
        pointsKeys.holder('green', sb.addr('ann')),
        { ...get(pointsKeys.holder('green', sb.addr('ann'))), lots: [[1, 2]] },
      ],
      [pointsKeys.totals('green'), { ...get(pointsKeys.totals('green')), user: 'many' }],
      [pointsKeys.totals('green'), { ...get(pointsKeys.totals('green')), user: 0 }],
      [pointsKeys.balance('green', `pool:${sb.addr('s0')}`), 'lots'],
      [pointsKeys.methodology('green', 1), { ...get(pointsKeys.methodology('green', 1)), status: 'maybe' }],
      [pointsKeys.journal('green', 0), { ...get(pointsKeys.journal('green', 0)), e: [['user:x', 0]] }],
      [pointsKeys.programs(), ['green', 7]],
    ];
    for (const [key, value] of bad) {
      const codec = recordCodecOf(key);
      let code: string | undefined;
      try {
        codec?.decode(value);
      } catch (e) {
        code = isGongzhiError(e) ? e.code : 'not-gongzhi';
      }
      expect(code, key).toBe('CHAIN_INVALID');
    }
  });

  /** What to damage (bytes, or null to delete the record) and a call that reads it. */
  const damage: [
    string,
    (sb: PointsSandbox) => [key: string, bytes: Uint8Array | null],
    (sb: PointsSandbox) => [string, string, CborMap],
  ][] = [
    [
      'program with an unknown status',
      (sb) => {
        const k = pointsKeys.program('green');
        return [
          k,
          bytesOf({ ...(decodeCanonical(sb.chain.state.get(k) as Uint8Array) as CborMap), status: 'x' }),
        ];
      },
      (sb) => ['ben', 'transfer', { program: 'green', to: sb.addr('ann'), amount: 1 }],
    ],
    [
      'holder whose lot is not a lot',
      (sb) => {
        const k = pointsKeys.holder('green', sb.addr('ben'));
        return [
          k,
          bytesOf({ ...(decodeCanonical(sb.chain.state.get(k) as Uint8Array) as CborMap), lots: ['many'] }),
        ];
      },
      (sb) => ['ben', 'transfer', { program: 'green', to: sb.addr('ann'), amount: 1 }],
    ],
    [
      'totals holding text',
      () => [pointsKeys.totals('green'), bytesOf({ user: 'lots' })],
      (sb) => ['dist', 'claim', claim(sb, 'green', 'ben', 'later')],
    ],
    [
      'pool balance that is not a number',
      (sb) => [pointsKeys.balance('green', `pool:${sb.addr('s0')}`), bytesOf('100')],
      () => ['s0', 'withdraw', { program: 'green', amount: 5 }],
    ],
    [
      'methodology with an extra field',
      (sb) => {
        const k = pointsKeys.methodology('green', 1);
        return [
          k,
          bytesOf({ ...(decodeCanonical(sb.chain.state.get(k) as Uint8Array) as CborMap), note: 'x' }),
        ];
      },
      (sb) => ['dist', 'claim', claim(sb, 'green', 'ben', 'later')],
    ],
    [
      'catalogue item that is not canonical CBOR',
      (sb) => [pointsKeys.item('green', sb.addr('plat'), 'gift'), new Uint8Array([0xff, 0x00])],
      (sb) => ['ben', 'redeem', { program: 'green', platform: sb.addr('plat'), item: 'gift', price: 70 }],
    ],
    [
      'statement with a stranger’s signature',
      (sb) => {
        const [k, v] = [...sb.chain.state].find(([key]) => key.startsWith('points/stmt/')) as [
          string,
          Uint8Array,
        ];
        const s = decodeCanonical(v) as CborMap;
        return [k, bytesOf({ ...s, sigs: { stranger: { height: 1, tx: new Uint8Array(32) } } })];
      },
      (sb) => {
        const [k] = [...sb.chain.state].find(([key]) => key.startsWith('points/stmt/')) as [
          string,
          Uint8Array,
        ];
        return ['bank', 'signStatement', { digest: Buffer.from(k.split('/')[2] ?? '', 'hex') }];
      },
    ],
    [
      'active program whose book is gone',
      (sb) => [pointsKeys.book(`CNY@${sb.addr('bank')}`), null],
      () => ['ann', 'join', { program: 'green', consent: new Uint8Array(32) }],
    ],
  ];

  it.each(damage)(
    'a stored %s refuses the call with CHAIN_INVALID and changes nothing',
    (_name, hurt, call) => {
      const sb = world();
      const [key, bytes] = hurt(sb);
      if (bytes === null) sb.chain.state.delete(key);
      else sb.chain.state.set(key, bytes);
      const before = sb.snapshot();
      const [who, method, args] = call(sb);
      const r = sb.call(who, method, args);
      expect(r.status, r.message).toBe('CHAIN_INVALID');
      expect(r.writes).toEqual([]);
      expect(r.events).toEqual([]);
      expect(sb.snapshot()).toEqual(before);
    },
  );

  it('queries report a damaged record as CHAIN_INVALID and bad parameters as EXEC_BAD_ARGS', () => {
    const sb = world();
    const code = (name: string, args: Record<string, unknown>) => {
      try {
        sb.query(name, args);
      } catch (e) {
        return isGongzhiError(e) ? e.code : 'not-gongzhi';
      }
      return 'ok';
    };
    expect(code('account', { program: 'green', account: sb.addr('ann') })).toBe('ok');
    sb.chain.state.set(pointsKeys.holder('green', sb.addr('ann')), bytesOf({ joined: 1 }));
    expect(code('account', { program: 'green', account: sb.addr('ann') })).toBe('CHAIN_INVALID');
    expect(code('roles', { program: 'green', account: sb.addr('ann') })).toBe('CHAIN_INVALID');
    sb.chain.state.set(pointsKeys.programs(), bytesOf({ not: 'a list' }));
    expect(code('programs', {})).toBe('CHAIN_INVALID');
    expect(code('account', { program: 'Green!', account: sb.addr('ann') })).toBe('EXEC_BAD_ARGS');
    expect(code('journal', { program: 'green', limit: '5000' })).toBe('EXEC_BAD_ARGS');
    expect(code('statement', { digest: 'abc' })).toBe('EXEC_BAD_ARGS');
    expect(code('book', { currency: 'cny', clearing: sb.addr('bank') })).toBe('EXEC_BAD_ARGS');
    expect(code('program', { id: 'nope' })).toBe('POINTS_NOT_FOUND');
  });
});

describe('points methods: check works out the effects, apply commits them', () => {
  it('a call refused after the books were worked (a convert whose backer cannot pay) changes nothing', () => {
    const sb = world({ fundBacker: false });
    const before = sb.snapshot();
    const r = sb.call('ann', 'convert', { agreement: 'x', from: 'green', amount: 20 });
    expect(r.status).toBe('POINTS_INSUFFICIENT_FUNDS');
    expect(r.writes).toEqual([]);
    expect(r.events).toEqual([]);
    expect(sb.snapshot()).toEqual(before);
    for (const p of ['green', 'shop', 'tb']) expect(sb.audit(p).violations).toEqual([]);
  });

  it('check reads only and returns the same effects each time; apply writes exactly what it is given', () => {
    // ben transfers: his award is not held here
    const sb = world({ holdBen: false });
    const method = pointsModule.methods.transfer;
    if (!method) throw new Error('no transfer');
    const base = new StateOverlay(new MapSource(sb.chain.state));
    const txState = new StateOverlay(base);
    const checkCtx: CheckContext = {
      chain: 'memory',
      group: 'g1',
      height: sb.height + 1,
      timestamp: sb.now + 1000,
      txHash: new Uint8Array(32).fill(7),
      sender: sb.addr('ben'),
      senderKey: sb.key('ben').publicKey,
      suite: sb.suite,
      params: DEFAULT_PARAMS,
      state: { getRaw: (k) => txState.getRaw(k), get: (k) => txState.get(k) },
    };
    const args = method.parse({ program: 'green', to: sb.addr('ann'), amount: 3 });
    const first = method.check(checkCtx, args) as Effects;
    const second = method.check(checkCtx, args) as Effects;
    expect(txState.writes().size).toBe(0);
    expect([...second.writes].map(([k, v]) => [k, v && toHex(v)])).toEqual(
      [...first.writes].map(([k, v]) => [k, v && toHex(v)]),
    );
    expect(second.events).toEqual(first.events);
    expect(first.writes.size).toBeGreaterThan(0);
    const emitted: string[] = [];
    const ctx: ExecContext = { ...checkCtx, state: txState, emit: (name) => emitted.push(name) };
    // apply computes nothing: given no effects it writes nothing
    method.apply(ctx, args, { writes: new Map(), events: [] } satisfies Effects);
    expect(txState.writes().size).toBe(0);
    expect(emitted).toEqual([]);
    method.apply(ctx, args, first);
    expect([...txState.writes()].map(([k, v]) => [k, v && toHex(v)])).toEqual(
      [...first.writes].map(([k, v]) => [k, v && toHex(v)]),
    );
    expect(emitted).toEqual(['transferred']);
  });
});

describe('points manifest: argument and result schemas', () => {
  it('describes every call the module accepted and every query result it returned', () => {
    const calls: SandboxCall[] = [];
    const sb = world({ calls });
    // the methods the world does not call
    sb.ok('issuer', 'proposeMethodology', { program: 'green', methodology: WALK });
    sb.ok('sup', 'approveMethodology', { program: 'green', version: 2 });
    sb.ok('issuer', 'revokeRole', { program: 'green', role: 'sponsor', account: sb.addr('s1') });
    sb.ok('sup', 'unfreeze', { program: 'shop', account: sb.addr('plat'), reason: 'done' });
    sb.ok('ann', 'unrelate', { program: 'tb', with: sb.addr('ben') });
    withdrawPool(sb, 'green', 's0', 'bank', 10);
    sb.ok('issuer', 'revokeQuota', {
      program: 'green',
      distributor: sb.addr('dist'),
      amount: 10,
      sponsor: sb.addr('s0'),
    });
    sb.ok('ben', 'rejectService', { program: 'tb', id: sb.suite.hash(utf8('svc-2')) });
    sb.ok('plat', 'delistItem', { program: 'green', item: 'gift' });
    sb.ok('ann', 'cashOut', { program: 'green', amount: 5 });
    sb.ok('ann', 'convert', { agreement: 'x', from: 'green', amount: 20 });
    sb.ok('issuer', 'expire', { program: 'green', accounts: [sb.addr('ann'), sb.addr('ben')] });
    sb.ok('issuer', 'endExchange', { id: 'x' });
    sb.ok('ann', 'donate', { program: 'tb', cause: 'pot', amount: 100 });
    sb.ok('steward', 'grant', { program: 'tb', cause: 'pot', to: sb.addr('ben'), amount: 100 });
    sb.ok('ben', 'leave', { program: 'tb' });
    sb.ok('sup', 'retireMethodology', { program: 'green', version: 2 });
    sb.ok('ann', 'withdrawConsent', { program: 'green', distributor: sb.addr('dist') });
    const xs = sb.query('exchangeStatement', { agreement: 'x' }) as { digest: string };
    const signed = { agreement: 'x', n: 1, digest: Buffer.from(xs.digest, 'hex') };
    expect(sb.status('issuer', 'signExchangeStatement', signed)).toBe('POINTS_ALREADY_SIGNED');
    expect(sb.status('issuer', 'disputeExchangeStatement', { ...signed, reason: 'no' })).toBe(
      'POINTS_ALREADY_SIGNED',
    );
    const ajv = new Ajv({ strict: false, allErrors: true });
    const methods = new Set<string>();
    for (const [, method, args] of calls) {
      const def = pointsModule.methods[method];
      expect(def, method).toBeDefined();
      if (!def) continue;
      methods.add(method);
      const valid = ajv.validate(def.args, cborToJson(args));
      expect(valid, `${method}: ${ajv.errorsText()}`).toBe(true);
    }
    expect([...methods].sort()).toEqual(Object.keys(pointsModule.methods).sort());
    const stmt = [...sb.chain.state.keys()].find((k) => k.startsWith('points/stmt/'))?.split('/')[2];
    const claimKey = [...sb.chain.state.keys()].find((k) => k.startsWith('points/claim/green/'));
    const queries: [string, Record<string, unknown>][] = [
      ['programs', {}],
      ['program', { id: 'green' }],
      ['methodology', { program: 'green' }],
      ['roles', { program: 'green', account: sb.addr('ann') }],
      ['account', { program: 'green', account: sb.addr('ann') }],
      ['balance', { program: 'green', account: 'issuance' }],
      ['quota', { program: 'green', distributor: sb.addr('dist') }],
      ['items', { program: 'green' }],
      ['members', { program: 'green' }],
      ['journal', { program: 'green', limit: '3' }],
      ['totals', { program: 'green' }],
      ['report', { program: 'green', period: '1' }],
      ['report', { program: 'green' }],
      ['book', { currency: 'CNY', clearing: sb.addr('bank') }],
      ['period', { currency: 'CNY', clearing: sb.addr('bank'), period: '1' }],
      ['statement', { digest: stmt }],
      ['claim', { program: 'green', id: claimKey?.split('/')[3] }],
      ['service', { program: 'tb', id: toHex(sb.suite.hash(utf8('svc-1'))) }],
      ['agreement', { id: 'x' }],
      ['device', { device: toHex(sb.suite.hash(utf8('dev-ann'))) }],
      [
        'claimed',
        { asset: toHex(sb.suite.hash(utf8('car'))), day: String(Math.floor((sb.now - 7_200_000) / DAY_MS)) },
      ],
      ['units', { program: 'shop' }],
      ['validations', { program: 'shop', version: '1' }],
      ['exchangeStatement', { agreement: 'x' }],
      ['consents', { program: 'green', account: sb.addr('ann') }],
      ['supervision', { program: 'green', period: '1' }],
      ['expiring', { program: 'green', within: '2000' }],
      ['dispute', { program: 'shop', n: '1' }],
      ['disputes', { program: 'green' }],
      ['breakage', { program: 'green' }],
      ['areas', { program: 'green' }],
      ['memberArea', { program: 'green', account: sb.addr('ben') }],
      ['unconfirmedAreas', { program: 'green' }],
      ['deviceAnomalies', { program: 'green', all: 'true' }],
      [
        'signedAccount',
        {
          program: 'green',
          account: sb.addr('ann'),
          reader: toHex(sb.key('ann').publicKey),
          height: String(sb.height),
          sig: toHex(
            sb.suite.sign(sb.key('ann').secretKey, readMessage('g1', 'green', sb.addr('ann'), sb.height)),
          ),
        },
      ],
    ];
    for (const [name, args] of queries) {
      const q = pointsModule.queries[name];
      expect(q, name).toBeDefined();
      if (!q) continue;
      expect(ajv.validate(q.args, args), `${name} args: ${ajv.errorsText()}`).toBe(true);
      const valid = ajv.validate(q.result, JSON.parse(JSON.stringify(sb.query(name, args))));
      expect(valid, `${name} result: ${ajv.errorsText()}`).toBe(true);
    }
    expect(new Set(queries.map(([n]) => n)).size).toBe(Object.keys(pointsModule.queries).length);
  });
});
