import type { CborMap } from '../ledger/index.js';
import { DAY_MS } from '../modules/points/index.js';
import type { Demo, DemoContext } from './demo.js';
import { fmt, runScenario, type Scenario } from './points-kit.js';

const PARK = 'parking';
const MALL = 'merchant';

/** One measured quantity in fen becomes points: 1 point per `yuanPerPoint` yuan. */
function feeMethodology(kind: string, yuanPerPoint: number) {
  return {
    name: `${kind}: 1 point per ¥${yuanPerPoint}`,
    rules: [
      {
        kind,
        unit: 'fen',
        divisor: yuanPerPoint * 100,
        roundTo: 0,
        maxPerDay: 0,
        variants: { default: { baselineMg: 0, projectMg: 0, pointsPerBase: 1, pointsPerKg: 0 } },
      },
    ],
  };
}

function program(s: Scenario, id: string, name: string, methodology: object): CborMap {
  return {
    id,
    name,
    unit: id === PARK ? 'PP' : 'MP',
    precision: 0,
    currency: 'CNY',
    // 1 PP = ¥0.10, 1 MP = ¥0.20: the agreed 2 PP = 1 MP is value-neutral (2 × 10 fen = 1 × 20 fen)
    value: id === PARK ? 10 : 20,
    clearing: s.addr('bank'),
    supervisors: [s.addr('market-regulator')],
    expiry: { ms: 365 * DAY_MS },
    transfer: 'none',
    closedLoop: true,
    claimWindowMs: 7 * DAY_MS,
    methodology,
  } as CborMap;
}

const HOUR = 3_600_000;
let sessionSeq = 0;

/** A parking session recorded by the operator: space (digest), entry/exit, fee in fen. */
function session(
  s: Scenario,
  operator: string,
  space: string,
  driver: string,
  fen: number,
  hoursAgo: number,
): CborMap {
  const exit = Date.now() - hoursAgo * HOUR;
  return {
    program: PARK,
    user: s.addr(driver),
    kind: 'parking-fee',
    quantity: fen,
    periodStart: exit - 2 * HOUR,
    periodEnd: exit,
    device: s.digest(`${operator} space ${space}`),
    evidence: s.digest(`${operator} receipt ${sessionSeq++}`),
    measuredBy: `${operator}-gate-lpr`,
  };
}

function purchase(s: Scenario, shop: string, driver: string, fen: number, minutesAgo: number): CborMap {
  const t = Date.now() - minutesAgo * 60_000;
  return {
    program: MALL,
    user: s.addr(driver),
    kind: 'purchase',
    quantity: fen,
    periodStart: t - 60_000,
    periodEnd: t,
    device: s.digest(`${shop} till / ${driver} ${minutesAgo}`),
    evidence: s.digest(`${shop} invoice ${minutesAgo}`),
    measuredBy: `${shop}-pos`,
  };
}

async function run(ctx: DemoContext): Promise<Readonly<Record<string, unknown>>> {
  return runScenario(
    ctx,
    'parking',
    [
      {
        id: 'market-regulator',
        name: 'District market regulator — supervisor',
        roles: ['points-supervisor'],
      },
      {
        id: 'parking-alliance',
        name: 'Parking operators alliance (斐德坊) — parking points issuer',
        roles: ['points-issuer'],
      },
      {
        id: 'merchant-association',
        name: 'Merchants association — merchant points issuer',
        roles: ['points-issuer'],
      },
      { id: 'lot-east', name: 'East car park — operator' },
      { id: 'lot-west', name: 'West car park — operator' },
      { id: 'cafe', name: 'Café — merchant' },
      { id: 'bookstore', name: 'Bookstore — merchant' },
      { id: 'bank', name: 'Bank — clearing & settlement, lender' },
    ],
    async (s) => {
      const refusals: string[] = [];
      await s.call(
        'parking-alliance',
        'createProgram',
        program(s, PARK, 'Parking points', feeMethodology('parking-fee', 1)),
      );
      await s.call(
        'merchant-association',
        'createProgram',
        program(s, MALL, 'Merchant points', feeMethodology('purchase', 10)),
      );
      await s.all([
        ['market-regulator', 'approveProgram', { program: PARK }],
        ['market-regulator', 'approveProgram', { program: MALL }],
      ]);
      s.log(
        'parking points (1 PP per ¥1 of fees, 1 PP = ¥0.10) and merchant points (1 MP per ¥10 spent, 1 MP = ¥0.20), both cleared by the bank',
      );
      const operators = ['lot-east', 'lot-west'];
      const shops = ['cafe', 'bookstore'];
      const grants: [string, string, string, string][] = [];
      for (const o of operators) {
        grants.push(['parking-alliance', PARK, 'distributor', o], ['parking-alliance', PARK, 'sponsor', o]);
        grants.push(['merchant-association', MALL, 'platform', o]);
      }
      for (const m of shops) {
        grants.push(
          ['merchant-association', MALL, 'distributor', m],
          ['merchant-association', MALL, 'sponsor', m],
        );
        grants.push(['parking-alliance', PARK, 'platform', m], ['merchant-association', MALL, 'platform', m]);
      }
      await s.all(
        grants.map(
          ([who, p, role, acct]) => [who, 'grantRole', { program: p, role, account: s.addr(acct) }] as const,
        ),
      );
      await s.all([
        ...operators.map((o) => [o, 'fund', { program: PARK, amount: 100_000 }] as const),
        ...shops.map((m) => [m, 'fund', { program: MALL, amount: 50_000 }] as const),
        ...operators.map(
          (o) => [o, 'consentQuota', { program: PARK, distributor: s.addr(o), amount: 5000 }] as const,
        ),
        ...shops.map(
          (m) => [m, 'consentQuota', { program: MALL, distributor: s.addr(m), amount: 2000 }] as const,
        ),
      ]);
      // the bank confirms each deposit arrived before it counts
      await s.all([
        ...operators.map(
          (o) => ['bank', 'confirmFunding', { program: PARK, sponsor: s.addr(o), amount: 100_000 }] as const,
        ),
        ...shops.map(
          (m) => ['bank', 'confirmFunding', { program: MALL, sponsor: s.addr(m), amount: 50_000 }] as const,
        ),
      ]);
      await s.all([
        ...operators.map(
          (o) =>
            [
              'parking-alliance',
              'allotQuota',
              { program: PARK, distributor: s.addr(o), amount: 5000, sponsor: s.addr(o) },
            ] as const,
        ),
        ...shops.map(
          (m) =>
            [
              'merchant-association',
              'allotQuota',
              { program: MALL, distributor: s.addr(m), amount: 2000, sponsor: s.addr(m) },
            ] as const,
        ),
      ]);
      s.log(
        'operators distribute and sponsor parking points (¥1,000 each, quota 5,000 PP); shops do the same for merchant points; each accepts the other’s points',
      );

      const drivers = ['driver-1', 'driver-2', 'driver-3'];
      await s.all(
        drivers.flatMap((d) =>
          [PARK, MALL].map((p) => [d, 'join', { program: p, consent: s.digest(`${d} joins ${p}`) }] as const),
        ),
      );
      const sessions: [string, string, string, number, number][] = [
        ['lot-east', 'A-01', 'driver-1', 2000, 50],
        ['lot-east', 'A-02', 'driver-2', 1500, 49],
        ['lot-west', 'B-07', 'driver-3', 3000, 48],
        ['lot-east', 'A-01', 'driver-1', 2500, 26],
        ['lot-west', 'B-07', 'driver-1', 1800, 25],
        ['lot-east', 'A-02', 'driver-3', 4000, 3],
        ['lot-west', 'B-09', 'driver-2', 1200, 2],
      ];
      for (const [o, space, d, fen, h] of sessions) await s.call(o, 'claim', session(s, o, space, d, fen, h));
      refusals.push(
        await s.refused(
          'lot-east',
          'claim',
          session(s, 'lot-east', 'A-02', 'driver-3', 4000, 3),
          'POINTS_DUPLICATE_CLAIM',
        ),
      );
      refusals.push(
        await s.refused('cafe', 'claim', session(s, 'cafe', 'X', 'driver-2', 100, 1), 'POINTS_WRONG_ROLE'),
      );
      const fees = sessions.reduce((x, [, , , f]) => x + f, 0);
      s.log(
        `${sessions.length} parking sessions recorded by the operators' gates (¥${fmt(fees, 2)} in fees) → parking points; a re-sent session → POINTS_DUPLICATE_CLAIM`,
      );

      await s.all([
        ['cafe', 'claim', purchase(s, 'cafe', 'driver-2', 32_000, 90)],
        ['bookstore', 'claim', purchase(s, 'bookstore', 'driver-2', 18_500, 80)],
        ['cafe', 'claim', purchase(s, 'cafe', 'driver-1', 9_900, 70)],
      ]);
      s.log(
        'shoppers earn merchant points: driver-2 ¥320 at the café (32 MP) and ¥185 at the bookstore (18 MP), driver-1 ¥99 (9 MP)',
      );

      await s.all([
        ['cafe', 'listItem', { program: PARK, item: 'coffee', name: 'Coffee', price: 30 }],
        ['bookstore', 'listItem', { program: PARK, item: 'notebook', name: 'Notebook', price: 40 }],
        ['lot-east', 'listItem', { program: MALL, item: 'hour', name: 'One hour parking', price: 20 }],
        ['lot-west', 'listItem', { program: MALL, item: 'hour', name: 'One hour parking', price: 20 }],
      ]);
      await s.call('driver-1', 'redeem', {
        program: PARK,
        platform: s.addr('cafe'),
        item: 'coffee',
        price: 30,
      });
      await s.call('driver-3', 'redeem', {
        program: PARK,
        platform: s.addr('bookstore'),
        item: 'notebook',
        price: 40,
      });
      await s.call('driver-2', 'redeem', {
        program: MALL,
        platform: s.addr('lot-east'),
        item: 'hour',
        quantity: 2,
        price: 20,
      });
      refusals.push(
        await s.refused(
          'driver-1',
          'transfer',
          { program: PARK, to: s.addr('driver-2'), amount: 5 },
          'POINTS_TRANSFER_NOT_ALLOWED',
        ),
      );
      s.log(
        'parking points spent at shops (driver-1 a coffee, driver-3 a notebook), merchant points for parking (driver-2, 2 hours at the east lot); points cannot be transferred',
      );

      await s.call('parking-alliance', 'proposeExchange', {
        id: 'park-merchant',
        from: PARK,
        to: MALL,
        rateFrom: 2,
        rateTo: 1,
        backer: s.addr('lot-east'),
      });
      await s.call('merchant-association', 'acceptExchange', { id: 'park-merchant', backer: s.addr('cafe') });
      // each backer signs for the side whose arriving points its pool backs
      await s.all([
        ['lot-east', 'backExchange', { agreement: 'park-merchant', program: PARK }],
        ['cafe', 'backExchange', { agreement: 'park-merchant', program: MALL }],
      ]);
      refusals.push(
        await s.refused(
          'driver-3',
          'convert',
          { agreement: 'park-merchant', from: PARK, amount: 11 },
          'POINTS_BAD_AMOUNT',
        ),
      );
      await s.call('driver-3', 'convert', { agreement: 'park-merchant', from: PARK, amount: 20 });
      s.log(
        'agreed rate 2 PP = 1 MP, recorded by both issuers: driver-3 converts 20 PP into 10 MP (both programs post)',
      );

      const closed = await s.call('bank', 'closePeriod', { currency: 'CNY' });
      const period = s.query<{ statements: string[]; programs: Record<string, number>[] }>('period', {
        currency: 'CNY',
        clearing: s.addr('bank'),
        period: 1,
      });
      const names = new Map([...operators, ...shops, 'bank'].map((n) => [s.addr(n), n]));
      const nameOf = (a: unknown) => names.get(a as string) ?? String(a);
      const statements = period.statements.map((d) => ({
        d,
        st: s.query<{ kind: string; parties: string[]; body: Record<string, unknown> }>('statement', {
          digest: d,
        }),
      }));
      for (const { d, st } of statements) {
        for (const p of st.parties)
          await s.call(nameOf(p), 'signStatement', { digest: Buffer.from(d, 'hex') });
      }
      const operatorStatements = statements
        .filter(({ st }) => st.kind === 'activity' && st.body.program === PARK)
        .map(({ d, st }) => {
          const c = st.body.counters as Record<string, number>;
          const status = s.query<{ status: string }>('statement', { digest: d }).status;
          return {
            operator: nameOf(st.body.distributor),
            sessions: c.claims ?? 0,
            feesFen: c['q:parking-fee'] ?? 0,
            awarded: c.awarded ?? 0,
            status,
            digest: d,
          };
        });
      const pairs = statements
        .filter(({ st }) => st.kind === 'pair')
        .map(({ st }) => ({
          a: nameOf(st.body.a),
          b: nameOf(st.body.b),
          aToB: st.body.aToB as number,
          bToA: st.body.bToA as number,
          payer: nameOf(st.body.netPayer),
          payee: nameOf(st.body.netPayee),
          net: st.body.net as number,
        }));
      s.log(
        `monthly settlement (period digest ${Buffer.from(closed[0]?.data.digest as Uint8Array)
          .toString('hex')
          .slice(
            0,
            16,
          )}…): ${pairs.map((p) => `${p.payer} → ${p.payee} ¥${fmt(p.net, 2)} (gross ${fmt(p.aToB, 2)} / ${fmt(p.bToA, 2)})`).join('; ')}`,
      );
      s.log(
        `operator statements signed by operator and bank — what the bank lends against: ${operatorStatements.map((o) => `${o.operator} ${o.sessions} sessions, ¥${fmt(o.feesFen, 2)} fees`).join('; ')}`,
      );
      const audits = { [PARK]: s.audit(PARK), [MALL]: s.audit(MALL) };
      s.log(`audit: both programs balance: ${audits[PARK].balanced && audits[MALL].balanced}`);
      return {
        sessions: sessions.length,
        feesFen: fees,
        operatorStatements,
        pairs,
        balances: Object.fromEntries(
          drivers.map((d) => [d, { [PARK]: s.balance(PARK, d), [MALL]: s.balance(MALL, d) }]),
        ),
        refusals,
        audits,
      };
    },
  );
}

export const parkingDemo: Demo = {
  name: 'parking',
  description:
    'Shandu parking interchange: operators’ sessions and fee statements, parking ↔ merchant points, monthly netting',
  run,
};
