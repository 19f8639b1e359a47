import type { CborMap } from '../ledger/index.js';
import { DAY_MS } from '../modules/points/index.js';
import type { Demo, DemoContext } from './demo.js';
import { fmt, runScenario, type Scenario } from './points-kit.js';

/** 1 hour of service = 1 credit (100 minor units), rounded half-up to the quarter hour. */
export const TIME_BANK_METHODOLOGY = {
  name: 'Time bank v1: 1 h = 1 credit, quarter-hour rounding',
  rules: [
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

const A = 'xihu-timebank';
const B = 'binjiang-timebank';

function timeBank(s: Scenario, id: string, name: string, center: string): CborMap {
  return {
    id,
    name,
    unit: 'HOUR',
    precision: 2,
    currency: 'none',
    value: 0,
    clearing: s.addr(center),
    supervisors: [s.addr('civil-affairs')],
    expiry: {},
    transfer: 'program',
    closedLoop: true,
    claimWindowMs: 30 * DAY_MS,
    debtLimit: 2000,
    serviceMaxMinutes: 1440,
    causes: [{ id: 'community-pot', beneficiary: s.addr(center), pot: true }],
    methodology: TIME_BANK_METHODOLOGY,
  };
}

let serviceSeq = 0;

/** The provider logs a service; the recipient confirms it (both sides sign on the ledger). */
async function service(
  s: Scenario,
  program: string,
  provider: string,
  recipient: string,
  minutes: number,
  what: string,
): Promise<number> {
  const id = s.digest(`${program} service ${serviceSeq++}: ${what}`);
  await s.call(provider, 'logService', {
    program,
    id,
    recipient: s.addr(recipient),
    minutes,
    kind: 'service',
  });
  const ev = await s.call(recipient, 'confirmService', { program, id });
  return ev[0]?.data.credits as number;
}

async function run(ctx: DemoContext): Promise<Readonly<Record<string, unknown>>> {
  return runScenario(
    ctx,
    'time-bank',
    [
      {
        id: 'civil-affairs',
        name: 'Civil Affairs Bureau (民政局) — supervisor',
        roles: ['points-supervisor'],
      },
      { id: 'xihu-center', name: 'Xihu community service centre — time bank A', roles: ['points-issuer'] },
      {
        id: 'binjiang-center',
        name: 'Binjiang community service centre — time bank B',
        roles: ['points-issuer'],
      },
    ],
    async (s) => {
      const refusals: string[] = [];
      await s.call(
        'xihu-center',
        'createProgram',
        timeBank(s, A, 'Xihu time bank (链动社区)', 'xihu-center'),
      );
      await s.call(
        'binjiang-center',
        'createProgram',
        timeBank(s, B, 'Binjiang time bank', 'binjiang-center'),
      );
      await s.all([
        ['civil-affairs', 'approveProgram', { program: A }],
        ['civil-affairs', 'approveProgram', { program: B }],
      ]);
      s.log(
        'two community time banks created (1 h = 1 credit, quarter-hour rounding, debt limit 20 h) and approved by civil affairs',
      );
      const membersA = ['grandma-liu', 'volunteer-xu', 'student-he', 'nurse-ma'];
      const membersB = ['volunteer-yang', 'volunteer-xu'];
      await s.all([
        ...membersA.map((m) => [m, 'join', { program: A, consent: s.digest(`${m} joins ${A}`) }] as const),
        ...membersB.map((m) => [m, 'join', { program: B, consent: s.digest(`${m} joins ${B}`) }] as const),
      ]);
      s.log(`members join: ${membersA.join(', ')} in A; ${membersB.join(', ')} in B`);

      const c1 = await service(s, A, 'volunteer-xu', 'grandma-liu', 130, 'cleaning');
      const c2 = await service(s, A, 'student-he', 'nurse-ma', 50, 'tutoring her son');
      const c3 = await service(s, A, 'nurse-ma', 'grandma-liu', 90, 'health check');
      const c4 = await service(s, A, 'student-he', 'volunteer-xu', 7, 'a quick errand');
      s.log(
        `services logged by the provider, confirmed by the recipient: xu 2h10 cleaning → ${fmt(c1, 2)}, he 50 min tutoring → ${fmt(c2, 2)}, ma 1h30 health check → ${fmt(c3, 2)}, he 7 min errand → ${fmt(c4, 2)} credits`,
      );

      const big = s.digest('xihu: 20 h of renovation');
      await s.call('volunteer-xu', 'logService', {
        program: A,
        id: big,
        recipient: s.addr('grandma-liu'),
        minutes: 1200,
        kind: 'service',
      });
      refusals.push(
        await s.refused('student-he', 'confirmService', { program: A, id: big }, 'POINTS_WRONG_ROLE'),
      );
      refusals.push(
        await s.refused('grandma-liu', 'confirmService', { program: A, id: big }, 'POINTS_DEBT_LIMIT'),
      );
      await s.call('volunteer-xu', 'rejectService', { program: A, id: big });
      s.log(
        'a 20 h job for grandma would pass her 20 h debt limit: refused (POINTS_DEBT_LIMIT); only the recipient can confirm (POINTS_WRONG_ROLE); xu withdraws it',
      );

      await s.call('volunteer-xu', 'donate', { program: A, cause: 'community-pot', amount: 100 });
      await s.call('xihu-center', 'grant', {
        program: A,
        cause: 'community-pot',
        to: s.addr('grandma-liu'),
        amount: 100,
      });
      refusals.push(
        await s.refused(
          'student-he',
          'transfer',
          { program: A, to: s.addr('nurse-ma'), amount: 500 },
          'POINTS_INSUFFICIENT_BALANCE',
        ),
      );
      s.log(
        'xu donates 1 credit to the community pot; the centre grants it to grandma, paying down her debt',
      );

      await s.call('xihu-center', 'proposeExchange', {
        id: 'xihu-binjiang',
        from: A,
        to: B,
        rateFrom: 1,
        rateTo: 1,
        // no more than 10 h may be out on net between the two banks, either way
        positionLimit: 1000,
      });
      await s.call('binjiang-center', 'acceptExchange', { id: 'xihu-binjiang' });
      await s.call('volunteer-xu', 'convert', { agreement: 'xihu-binjiang', from: A, amount: 100 });
      const c5 = await service(s, B, 'volunteer-yang', 'volunteer-xu', 60, 'moving help in Binjiang');
      s.log(
        `exchange agreement A ↔ B at 1:1 recorded by both centres; xu converts 1 credit and pays yang ${fmt(c5, 2)} in B`,
      );
      await s.call('xihu-center', 'settleExchange', { agreement: 'xihu-binjiang' });
      const st = s.query<{ n: number; aToB: number; bToA: number; closing: number; digest: string }>(
        'exchangeStatement',
        { agreement: 'xihu-binjiang' },
      );
      await s.call('binjiang-center', 'signExchangeStatement', {
        agreement: 'xihu-binjiang',
        n: st.n,
        digest: Buffer.from(st.digest, 'hex'),
      });
      s.log(
        `inter-bank statement ${st.n}: ${fmt(st.aToB, 2)} h A→B, ${fmt(st.bToA, 2)} h B→A, net position ${fmt(st.closing, 2)} h — drawn up by Xihu, signed by Binjiang by its digest`,
      );

      const balances = (program: string, members: string[]) =>
        Object.fromEntries(members.map((m) => [m, s.balance(program, m)]));
      const tA = s.query<{ points: Record<string, number> }>('totals', { program: A }).points;
      const tB = s.query<{ points: Record<string, number> }>('totals', { program: B }).points;
      const bA = balances(A, membersA);
      const bB = balances(B, membersB);
      const sumMembers = (b: Record<string, number>) => Object.values(b).reduce((x, y) => x + y, 0);
      const systemSum =
        sumMembers(bA) +
        (tA.donated ?? 0) +
        (tA.exchange ?? 0) +
        sumMembers(bB) +
        (tB.donated ?? 0) +
        (tB.exchange ?? 0);
      s.log(
        `balances A: ${Object.entries(bA)
          .map(([k, v]) => `${k} ${fmt(v, 2)}`)
          .join(', ')}; B: ${Object.entries(bB)
          .map(([k, v]) => `${k} ${fmt(v, 2)}`)
          .join(', ')}; system-wide sum ${systemSum}`,
      );

      await s.all([
        ['xihu-center', 'closePeriod', { currency: 'none' }],
        ['binjiang-center', 'closePeriod', { currency: 'none' }],
      ]);
      const report = s.query<{ activity: Record<string, number> }>('report', { program: A, period: 1 });
      s.log(
        `monthly period closed by each centre; civil-affairs report for A: ${report.activity.services} services, ${fmt(report.activity.transferred ?? 0, 2)} credits moved, ${fmt(report.activity.donated ?? 0, 2)} donated, ${fmt(report.activity.exchangedOut ?? 0, 2)} exchanged out`,
      );
      const audits = { [A]: s.audit(A), [B]: s.audit(B) };
      s.log(
        `audit: A ${audits[A].postingSets} posting sets, B ${audits[B].postingSets}; both balance: ${audits[A].balanced && audits[B].balanced}`,
      );
      return {
        programs: [A, B],
        credits: { c1, c2, c3, c4, c5 },
        balancesA: bA,
        balancesB: bB,
        debtA: s.query<{ debt: number }>('account', { program: A, account: s.addr('grandma-liu') }).debt,
        pots: { [A]: tA.donated ?? 0, [B]: tB.donated ?? 0 },
        exchange: { [A]: tA.exchange ?? 0, [B]: tB.exchange ?? 0 },
        systemSum,
        activityA: report.activity,
        refusals,
        interbank: { aToB: st.aToB, bToA: st.bToA, closing: st.closing },
        audits,
      };
    },
  );
}

export const timeBankDemo: Demo = {
  name: 'time-bank',
  description:
    'Shandu time bank: service hours confirmed by both sides, debt limit, community pot, exchange between banks',
  run,
};
