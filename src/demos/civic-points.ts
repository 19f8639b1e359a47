import type { CborMap } from '../ledger/index.js';
import { DAY_MS } from '../modules/points/index.js';
import type { Demo, DemoContext } from './demo.js';
import { runScenario, type Scenario } from './points-kit.js';

const PROGRAM = 'civic';

/** Points per civic act, by behaviour recognised by the cameras (parameters on chain). */
export const CIVIC_METHODOLOGY = {
  name: 'Civic behaviour v1 (camera-recognised acts)',
  rules: [
    {
      kind: 'civic-act',
      unit: 'act',
      divisor: 1,
      roundTo: 0,
      maxPerDay: 20,
      variants: Object.fromEntries(
        (
          [
            ['help-elderly', 20],
            ['litter-pickup', 5],
            ['garbage-sorting', 3],
            ['return-cart', 2],
          ] as const
        ).map(([v, pts]) => [v, { baselineMg: 0, projectMg: 0, pointsPerBase: pts, pointsPerKg: 0 }]),
      ),
    },
  ],
};

function config(s: Scenario): CborMap {
  return {
    id: PROGRAM,
    name: 'Dream town civic points (长安梦想小镇文明积分)',
    unit: 'CV',
    precision: 0,
    currency: 'CNY',
    value: 5, // 1 point = ¥0.05
    clearing: s.addr('credit-union'),
    supervisors: [s.addr('street-office')],
    expiry: { ms: 180 * DAY_MS },
    transfer: 'none',
    closedLoop: true,
    claimWindowMs: 3 * DAY_MS,
    capPerWindow: 40,
    capWindowMs: DAY_MS,
    methodology: CIVIC_METHODOLOGY,
  };
}

let clip = 0;

/** An act seen by a camera (only the camera's and the clip's digests go on the ledger). */
function act(s: Scenario, camera: string, resident: string, variant: string, minutesAgo: number): CborMap {
  const t = Date.now() - minutesAgo * 60_000;
  return {
    program: PROGRAM,
    user: s.addr(resident),
    kind: 'civic-act',
    variant,
    quantity: 1,
    periodStart: t - 60_000,
    periodEnd: t,
    device: s.digest(`camera ${camera}`),
    evidence: s.digest(`clip ${clip++} from ${camera}`),
    measuredBy: 'cam-ai-v4',
  };
}

async function run(ctx: DemoContext): Promise<Readonly<Record<string, unknown>>> {
  return runScenario(
    ctx,
    'civic-points',
    [
      { id: 'town-committee', name: 'Dream town committee — issuer', roles: ['points-issuer'] },
      { id: 'street-office', name: 'Street office (街道办) — supervisor', roles: ['points-supervisor'] },
      { id: 'camera-net', name: 'Community IoT camera network — distributor' },
      { id: 'town-fund', name: 'Community development fund — sponsor' },
      { id: 'grocery', name: 'Grocery — local shop' },
      { id: 'barber', name: 'Barber — local shop' },
      { id: 'credit-union', name: 'Rural credit union — clearing' },
    ],
    async (s) => {
      const refusals: string[] = [];
      await s.call('town-committee', 'createProgram', config(s));
      await s.call('street-office', 'approveProgram', { program: PROGRAM });
      await s.all([
        [
          'town-committee',
          'grantRole',
          { program: PROGRAM, role: 'distributor', account: s.addr('camera-net') },
        ],
        ['town-committee', 'grantRole', { program: PROGRAM, role: 'sponsor', account: s.addr('town-fund') }],
        ['town-committee', 'grantRole', { program: PROGRAM, role: 'platform', account: s.addr('grocery') }],
        ['town-committee', 'grantRole', { program: PROGRAM, role: 'platform', account: s.addr('barber') }],
      ]);
      await s.call('town-fund', 'fund', { program: PROGRAM, amount: 50_000 });
      await s.call('credit-union', 'confirmFunding', {
        program: PROGRAM,
        sponsor: s.addr('town-fund'),
        amount: 50_000,
      });
      // the fund signs what quota it backs: 80 now and 200 later
      await s.call('town-fund', 'consentQuota', {
        program: PROGRAM,
        distributor: s.addr('camera-net'),
        amount: 280,
      });
      await s.call('town-committee', 'allotQuota', {
        program: PROGRAM,
        distributor: s.addr('camera-net'),
        amount: 80,
        sponsor: s.addr('town-fund'),
      });
      s.log(
        'town committee issues civic points (1 point = ¥0.05), approved by the street office; the development fund’s money is confirmed by the credit union, the fund signs the quota it backs; the camera network may award 80 points (its quota)',
      );
      const residents = ['wu', 'zheng', 'feng'];
      await s.all(
        residents.map(
          (r) =>
            [
              r,
              'join',
              { program: PROGRAM, consent: s.digest(`${r} agrees to camera-based points`) },
            ] as const,
        ),
      );
      s.log(
        'residents join and consent to camera-recognised acts being scored (only digests of clips on the ledger)',
      );

      const acts: [string, string, string, number][] = [
        ['gate-1', 'wu', 'help-elderly', 300],
        ['plaza-2', 'zheng', 'litter-pickup', 290],
        ['plaza-2', 'wu', 'garbage-sorting', 280],
        ['gate-1', 'feng', 'return-cart', 270],
        ['gate-1', 'zheng', 'return-cart', 260],
        ['plaza-2', 'zheng', 'help-elderly', 250],
        ['market-3', 'feng', 'litter-pickup', 240],
      ];
      for (const [cam, r, v, m] of acts) await s.call('camera-net', 'claim', act(s, cam, r, v, m));
      const capped = await s.call('camera-net', 'claim', act(s, 'market-3', 'wu', 'help-elderly', 230));
      s.log(
        `${acts.length + 1} acts recognised by 3 cameras; wu reaches the 40-point daily cap (last award clipped to ${capped[0]?.data.points})`,
      );
      refusals.push(
        await s.refused(
          'camera-net',
          'claim',
          act(s, 'market-3', 'wu', 'return-cart', 220),
          'POINTS_CAP_EXCEEDED',
        ),
      );
      refusals.push(
        await s.refused(
          'camera-net',
          'claim',
          act(s, 'gate-1', 'zheng', 'help-elderly', 500),
          'POINTS_DUPLICATE_CLAIM',
        ),
      );
      refusals.push(
        await s.refused(
          'camera-net',
          'claim',
          act(s, 'gate-1', 'feng', 'help-elderly', 200),
          'POINTS_OVER_QUOTA',
        ),
      );
      s.log(
        'an older clip from a camera that already reported later → POINTS_DUPLICATE_CLAIM; the quota is spent → POINTS_OVER_QUOTA',
      );
      await s.call('town-committee', 'allotQuota', {
        program: PROGRAM,
        distributor: s.addr('camera-net'),
        amount: 200,
        sponsor: s.addr('town-fund'),
      });
      await s.call('camera-net', 'claim', act(s, 'gate-1', 'feng', 'help-elderly', 190));
      s.log('the committee allots 200 more; feng’s help to an elderly neighbour is awarded');

      await s.call('street-office', 'freeze', {
        program: PROGRAM,
        account: s.addr('camera-net'),
        reason: 'resident complaint about mis-recognition',
      });
      refusals.push(
        await s.refused(
          'camera-net',
          'claim',
          act(s, 'plaza-2', 'zheng', 'return-cart', 180),
          'POINTS_FROZEN',
        ),
      );
      await s.call('street-office', 'unfreeze', {
        program: PROGRAM,
        account: s.addr('camera-net'),
        reason: 'recognition model re-audited',
      });
      s.log(
        'the street office freezes the camera network after a complaint (awards refused: POINTS_FROZEN), unfreezes it after an audit',
      );

      await s.all([
        ['grocery', 'listItem', { program: PROGRAM, item: 'eggs', name: 'Ten eggs', price: 25, stock: 50 }],
        ['barber', 'listItem', { program: PROGRAM, item: 'haircut', name: 'Haircut ¥2 off', price: 40 }],
      ]);
      await s.call('wu', 'redeem', {
        program: PROGRAM,
        platform: s.addr('barber'),
        item: 'haircut',
        price: 40,
      });
      await s.call('feng', 'redeem', {
        program: PROGRAM,
        platform: s.addr('grocery'),
        item: 'eggs',
        price: 25,
      });
      refusals.push(
        await s.refused(
          'zheng',
          'redeem',
          { program: PROGRAM, platform: s.addr('barber'), item: 'haircut', price: 40 },
          'POINTS_INSUFFICIENT_BALANCE',
        ),
      );
      s.log('wu spends 40 points on a haircut, feng 25 on eggs; zheng has 27 — not enough for a haircut');

      await s.call('credit-union', 'closePeriod', { currency: 'CNY' });
      const period = s.query<{ statements: string[] }>('period', {
        currency: 'CNY',
        clearing: s.addr('credit-union'),
        period: 1,
      });
      const names = new Map(
        ['town-fund', 'grocery', 'barber', 'camera-net', 'credit-union'].map((n) => [s.addr(n), n]),
      );
      const nameOf = (a: unknown) => names.get(a as string) ?? String(a);
      const owed: { payer: string; payee: string; net: number }[] = [];
      for (const d of period.statements) {
        const st = s.query<{ kind: string; parties: string[]; body: Record<string, unknown> }>('statement', {
          digest: d,
        });
        for (const p of st.parties)
          await s.call(nameOf(p), 'signStatement', { digest: Buffer.from(d, 'hex') });
        if (st.kind === 'pair')
          owed.push({
            payer: nameOf(st.body.netPayer),
            payee: nameOf(st.body.netPayee),
            net: st.body.net as number,
          });
      }
      s.log(
        `credit union settles the period: ${owed.map((o) => `${o.payer} pays ${o.payee} ¥${(o.net / 100).toFixed(2)}`).join('; ')}; statements signed by both sides`,
      );
      const report = s.query<{ activity: Record<string, number> }>('report', { program: PROGRAM, period: 1 });
      const audit = s.audit(PROGRAM);
      s.log(
        `street office report: ${report.activity.claims} acts, ${report.activity.awarded} points awarded (${report.activity.capped} clipped by the cap), ${report.activity.redeemed} redeemed; books balance: ${audit.balanced}`,
      );
      return {
        balances: Object.fromEntries(residents.map((r) => [r, s.balance(PROGRAM, r)])),
        activity: report.activity,
        owed,
        refusals,
        audit,
      };
    },
  );
}

export const civicPointsDemo: Demo = {
  name: 'civic-points',
  description:
    'Shandu civic points: community IoT cameras (a distributor with a quota) award acts, spent at local shops',
  run,
};
