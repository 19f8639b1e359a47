import type { CborMap } from '../ledger/index.js';
import { DAY_MS } from '../modules/points/index.js';
import type { Demo, DemoContext } from './demo.js';
import { fmt, runScenario, type Scenario } from './points-kit.js';

/**
 * Carbon-inclusion oversight (issue 17, item 14): a community scheme whose supervisor and verifier
 * can undo a fraudulent award. An auditor's dispute holds the points until decided; an upheld one
 * claws them back — from the balance, or as a recorded debt when already spent, repaid by the
 * next award; expired points go to the community's tree fund by the scheme's breakage policy; the
 * bureau reads every figure by community and street from the area aggregates.
 */

const PROGRAM = 'community-carbon';
const EXPIRY_BLOCKS = 30;
const BEIJING_MS = 8 * 3_600_000;

const METHODOLOGY = {
  name: 'Community parked days (one local day per car)',
  rules: [
    {
      kind: 'parked-day',
      unit: 'day',
      divisor: 1,
      roundTo: 0,
      maxPerDay: 1,
      maxRatePerDay: 1,
      // the 1.6–2.5 L tier of green travel: 5.98 kg by car − 22 km × 28.6 g by subway
      variants: { default: { baselineMg: 5_980_000, projectMg: 629_200, pointsPerBase: 60, pointsPerKg: 0 } },
    },
  ],
  sources: {
    'parked-day.default.baselineMg': 'mission figure: 22 km × 273 g/km car commute',
    'parked-day.default.projectMg': 'mission figure: 22 km × 28.6 g/pkm by subway',
  },
};

function programConfig(s: Scenario): CborMap {
  return {
    id: PROGRAM,
    name: 'Community carbon points (社区碳普惠)',
    unit: 'CP',
    precision: 2,
    currency: 'CNY',
    value: 1,
    clearing: s.addr('clearing-bank'),
    supervisors: [s.addr('env-bureau')],
    expiry: { blocks: EXPIRY_BLOCKS },
    transfer: 'none',
    closedLoop: true,
    claimWindowMs: 30 * DAY_MS,
    causes: [{ id: 'trees', beneficiary: s.addr('tree-fund'), pot: false }],
    methodology: METHODOLOGY,
  };
}

/** A parked day `day` local days ago, reported by the resident's car box (only digests go on chain). */
function parkedDay(s: Scenario, who: string, day: number): CborMap {
  const today = Math.floor((Date.now() + BEIJING_MS) / DAY_MS);
  const start = (today - day) * DAY_MS - BEIJING_MS;
  return {
    program: PROGRAM,
    user: s.addr(who),
    kind: 'parked-day',
    quantity: 1,
    periodStart: start,
    periodEnd: start + DAY_MS,
    device: s.digest(`car box of ${who}`),
    evidence: s.digest(`car box report ${who} day -${day}`),
    measuredBy: 'obd-box-v3',
  };
}

const coupon = (s: Scenario): CborMap => ({
  program: PROGRAM,
  platform: s.addr('coupon-mall'),
  item: 'coupon',
  price: 100,
});

async function run(ctx: DemoContext): Promise<Readonly<Record<string, unknown>>> {
  return runScenario(
    ctx,
    'carbon-oversight',
    [
      { id: 'carbon-exchange', name: 'Green Exchange (绿色交易所) — issuer', roles: ['points-issuer'] },
      {
        id: 'env-bureau',
        name: 'Environment Bureau (生态环境局) — supervisor',
        roles: ['points-supervisor'],
      },
      { id: 'station', name: 'Community service station (社区服务站) — distributor' },
      { id: 'insurer', name: 'Car insurer — sponsor' },
      { id: 'coupon-mall', name: 'Coupon mall — redemption platform' },
      { id: 'clearing-bank', name: 'Clearing bank — clearing & settlement' },
      { id: 'cert-body', name: 'Certification body — verifier' },
      { id: 'tree-fund', name: 'Community tree fund — breakage beneficiary' },
    ],
    async (s) => {
      const refusals: string[] = [];
      await s.call('carbon-exchange', 'createProgram', programConfig(s));
      await s.call('env-bureau', 'approveProgram', { program: PROGRAM });
      await s.all([
        [
          'carbon-exchange',
          'grantRole',
          { program: PROGRAM, role: 'distributor', account: s.addr('station') },
        ],
        ['carbon-exchange', 'grantRole', { program: PROGRAM, role: 'sponsor', account: s.addr('insurer') }],
        [
          'carbon-exchange',
          'grantRole',
          { program: PROGRAM, role: 'platform', account: s.addr('coupon-mall') },
        ],
        ['env-bureau', 'grantRole', { program: PROGRAM, role: 'verifier', account: s.addr('cert-body') }],
        ['insurer', 'fund', { program: PROGRAM, amount: 100_000 }],
        ['insurer', 'consentQuota', { program: PROGRAM, distributor: s.addr('station'), amount: 5000 }],
      ]);
      await s.call('clearing-bank', 'confirmFunding', {
        program: PROGRAM,
        sponsor: s.addr('insurer'),
        amount: 100_000,
      });
      await s.all([
        [
          'carbon-exchange',
          'allotQuota',
          { program: PROGRAM, distributor: s.addr('station'), amount: 5000, sponsor: s.addr('insurer') },
        ],
        ['coupon-mall', 'listItem', { program: PROGRAM, item: 'coupon', name: 'Coupon ¥1', price: 100 }],
        ['carbon-exchange', 'defineArea', { program: PROGRAM, area: 'jinsong' }],
        ['carbon-exchange', 'defineArea', { program: PROGRAM, area: 'panjiayuan' }],
      ]);
      await s.all([
        ['carbon-exchange', 'defineArea', { program: PROGRAM, area: 'jinsong-east', street: 'jinsong' }],
        ['carbon-exchange', 'defineArea', { program: PROGRAM, area: 'jinsong-west', street: 'jinsong' }],
      ]);
      s.log(
        'program "community-carbon" approved; station distributes, insurer sponsors ¥1,000 (confirmed by the clearing bank), cert body verifies; areas: Jinsong street (east, west communities), Panjiayuan street',
      );
      const people = ['li', 'wang', 'zhao'];
      await s.all(
        people.map((p) => [p, 'join', { program: PROGRAM, consent: s.digest(`${p} consents v1`) }] as const),
      );
      await s.all([
        ['li', 'setArea', { program: PROGRAM, area: 'jinsong-east' }],
        ['wang', 'setArea', { program: PROGRAM, area: 'jinsong-east' }],
        ['zhao', 'setArea', { program: PROGRAM, area: 'jinsong-west' }],
      ]);
      // a member's own word counts nowhere: the registrar (the issuer) confirms each request
      await s.all(
        (
          [
            ['li', 'jinsong-east'],
            ['wang', 'jinsong-east'],
            ['zhao', 'jinsong-west'],
          ] as const
        ).map(
          ([p, area]) =>
            ['carbon-exchange', 'confirmArea', { program: PROGRAM, account: s.addr(p), area }] as const,
        ),
      );
      s.log(
        'li and wang ask for Jinsong east, zhao for Jinsong west; the exchange, as registrar, confirms them (each move recorded)',
      );

      // breakage: points issued from the next block on go, when they expire, to the tree fund
      refusals.push(
        await s.refused(
          'carbon-exchange',
          'setBreakage',
          { program: PROGRAM, policy: 'cause', cause: 'trees', fromHeight: s.group.latest.height },
          'POINTS_BAD_CONFIG',
        ),
      );
      const fromHeight = s.group.latest.height + 2;
      await s.call('carbon-exchange', 'setBreakage', {
        program: PROGRAM,
        policy: 'cause',
        cause: 'trees',
        fromHeight,
      });
      s.log(
        `breakage policy: points issued from block ${fromHeight} on go to the tree fund when they expire (never retroactive: a past height is refused, POINTS_BAD_CONFIG)`,
      );

      const award = async (who: string, day: number) =>
        (await s.call('station', 'claim', parkedDay(s, who, day)))[0]?.data.claim as Uint8Array;
      await award('li', 5);
      await award('li', 4);
      await award('li', 3);
      await award('wang', 5);
      const wangSuspect = await award('wang', 4);
      await award('zhao', 5);
      const zhaoSuspect = await award('zhao', 4);
      s.log('parked days: li 3, wang 2, zhao 2 (0.60 CP and 5.35 kg CO2e each)');

      // 1. an auditor's dispute holds the award: wang cannot spend the held points
      await s.call('cert-body', 'openDispute', {
        program: PROGRAM,
        claim: wangSuspect,
        reason: s.digest('traffic camera saw the car on the ring road that day'),
      });
      refusals.push(await s.refused('wang', 'redeem', coupon(s), 'POINTS_HELD'));
      refusals.push(
        await s.refused(
          'env-bureau',
          'openDispute',
          { program: PROGRAM, claim: wangSuspect, reason: s.digest('same') },
          'POINTS_EXISTS',
        ),
      );
      refusals.push(
        await s.refused(
          'cert-body',
          'decideDispute',
          { program: PROGRAM, dispute: 1, outcome: 'upheld', report: s.digest('self') },
          'POINTS_WRONG_ROLE',
        ),
      );
      const reserveBefore = s.plain(PROGRAM, `reserve:${s.addr('insurer')}`);
      const [wangDecision] = await s.call('env-bureau', 'decideDispute', {
        program: PROGRAM,
        dispute: 1,
        outcome: 'upheld',
        report: s.digest('bureau report 2026-017'),
      });
      const reserveAfter = s.plain(PROGRAM, `reserve:${s.addr('insurer')}`);
      s.log(
        `the cert body disputes wang's day −4 (its dispute holds the 0.60 CP: a coupon is refused, POINTS_HELD; it cannot decide its own dispute, POINTS_WRONG_ROLE); the bureau upholds it: 0.60 CP clawed back from his balance, the insurer's reserve ¥${fmt(reserveBefore, 2)} → ¥${fmt(reserveAfter, 2)}`,
      );

      // 2. already spent: the claw-back is recorded as owed, repaid first by the next award
      await s.call('zhao', 'redeem', coupon(s));
      await s.call('li', 'openDispute', {
        program: PROGRAM,
        claim: zhaoSuspect,
        reason: s.digest('his car was at the garage lot, not at home'),
      });
      const [zhaoDecision] = await s.call('cert-body', 'decideDispute', {
        program: PROGRAM,
        dispute: 2,
        outcome: 'upheld',
        report: s.digest('cert body report 17-2'),
      });
      const zhaoOwing = s.query<{ balance: number; owed?: number }>('account', {
        program: PROGRAM,
        account: s.addr('zhao'),
      });
      refusals.push(
        await s.refused(
          'env-bureau',
          'openDispute',
          { program: PROGRAM, claim: zhaoSuspect, reason: s.digest('again') },
          'POINTS_INVALID_STATE',
        ),
      );
      await award('zhao', 3);
      const zhaoRepaid = s.balance(PROGRAM, 'zhao');
      s.log(
        `li reports zhao's day −4 (a resident's report holds nothing); zhao had spent 1.00 CP of his 1.20; upheld: ${fmt(zhaoDecision?.data.fromBalance as number, 2)} CP from his balance, ${fmt(zhaoDecision?.data.owed as number, 2)} CP recorded as owed (balance ${fmt(zhaoOwing.balance, 2)}, never below zero without that record); his next parked day repays it first: balance ${fmt(zhaoRepaid, 2)} CP`,
      );

      // 3. time passes; the unspent points expire and go to the tree fund
      const lastLot = Math.max(
        ...people.flatMap((p) =>
          s
            .query<{ lots: { exp: number }[] }>('account', { program: PROGRAM, account: s.addr(p) })
            .lots.map((l) => l.exp),
        ),
      );
      while (s.group.latest.height < lastLot) {
        await s.call('coupon-mall', 'listItem', {
          program: PROGRAM,
          item: 'coupon',
          name: 'Coupon ¥1',
          price: 100,
        });
      }
      const [swept] = await s.call('clearing-bank', 'expire', {
        program: PROGRAM,
        accounts: people.map((p) => s.addr(p)),
      });
      const breakage = s.query<Record<string, number>>('breakage', { program: PROGRAM });
      s.log(
        `after ${EXPIRY_BLOCKS} blocks the clearing bank sweeps ${fmt(swept?.data.points as number, 2)} CP of expired points: by the policy of their issue height they go to the tree fund (${fmt(breakage.toCause ?? 0, 2)} CP), the insurer owes it ¥${fmt(breakage.money ?? 0, 2)}`,
      );

      await s.call('clearing-bank', 'closePeriod', { currency: 'CNY' });
      const paidTrees = s.plain(PROGRAM, `paid:${s.addr('insurer')}:${s.addr('tree-fund')}`);
      const paidMall = s.plain(PROGRAM, `paid:${s.addr('insurer')}:${s.addr('coupon-mall')}`);
      const areas = s.query<{
        areas: Record<string, number | string>[];
        streets: Record<string, number | string>[];
        whole: Record<string, number>;
      }>('areas', { program: PROGRAM, period: 1 });
      for (const a of areas.areas) {
        if (a.awarded === 0) continue;
        s.log(
          `area ${a.area} (${a.street}): ${a.claims} claims, ${fmt(a.awarded as number, 2)} CP awarded, ${a.reductionKg} kg CO2e, ${fmt(a.redeemed as number, 2)} redeemed, ${fmt(a.expired as number, 2)} expired, ${fmt(a.clawedBack as number, 2)} clawed back (${a.clawedBackKg} kg withdrawn)`,
        );
      }
      const audit = s.audit(PROGRAM);
      s.log(
        `period 1 closed: insurer paid the coupon mall ¥${fmt(paidMall, 2)} and the tree fund ¥${fmt(paidTrees, 2)}; audit from public queries: ${audit.postingSets} posting sets, books ${audit.balanced ? 'balance' : 'DO NOT balance'}`,
      );
      return {
        program: PROGRAM,
        refusals,
        wangDecision: wangDecision?.data,
        zhaoDecision: zhaoDecision?.data,
        zhaoOwing,
        zhaoRepaid,
        reserveReleased: reserveBefore - reserveAfter,
        breakage,
        paidTrees,
        paidMall,
        areas,
        disputes: s.query('disputes', { program: PROGRAM }),
        audit,
      };
    },
  );
}

export const carbonOversightDemo: Demo = {
  name: 'carbon-oversight',
  description:
    'Carbon-inclusion oversight: disputes hold and claw back awards, breakage to a community fund, reports by area',
  run,
};
