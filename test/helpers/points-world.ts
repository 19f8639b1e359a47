import { expect } from 'vitest';
import { utf8 } from '../../src/encoding/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { DAY_MS } from '../../src/modules/points/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { allot, fundPool } from './points-money.js';

/** Shared set-up of the points round-2 tests: a funded green programme in a sandbox. */

export const HOUR = 3_600_000;
/** 2026-01-10 00:00 Beijing time (UTC+8). */
export const BJ_MIDNIGHT = Date.UTC(2026, 0, 9, 16);
export const T0 = BJ_MIDNIGHT + 2 * HOUR;

export const RULES = {
  name: 'test methodology',
  rules: [
    {
      kind: 'parked-day',
      unit: 'day',
      divisor: 1,
      roundTo: 0,
      maxPerDay: 1,
      variants: { default: { baselineMg: 4_983_000, projectMg: 629_200, pointsPerBase: 60, pointsPerKg: 0 } },
    },
    {
      kind: 'walk',
      unit: 'm',
      divisor: 1000,
      roundTo: 0,
      maxPerDay: 50_000,
      maxRatePerDay: 240_000,
      variants: { default: { baselineMg: 273_000, projectMg: 0, pointsPerBase: 0, pointsPerKg: 10 } },
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

export function programArgs(sb: PointsSandbox, id: string, over: Record<string, unknown> = {}): CborMap {
  return {
    id,
    name: id,
    unit: 'CP',
    precision: 2,
    currency: 'CNY',
    value: 1,
    clearing: sb.addr('bank'),
    supervisors: [sb.addr('bureau'), sb.addr('bureau2')],
    expiry: {},
    transfer: 'none',
    closedLoop: true,
    claimWindowMs: 60 * DAY_MS,
    methodology: RULES,
    ...over,
  } as CborMap;
}

/** Add a funded programme `id` to `sb`: distributor `dist`, sponsor `s1` (10,000 quota), members alice, bob. */
export function addProgram(sb: PointsSandbox, id: string, over: Record<string, unknown> = {}): void {
  sb.ok('issuer', 'createProgram', programArgs(sb, id, over));
  sb.ok('bureau', 'approveProgram', { program: id });
  sb.ok('issuer', 'grantRole', { program: id, role: 'distributor', account: sb.addr('dist') });
  sb.ok('issuer', 'grantRole', { program: id, role: 'sponsor', account: sb.addr('s1') });
  fundPool(sb, id, 's1', 'bank', 100_000);
  allot(sb, 'issuer', { program: id, distributor: 'dist', amount: 10_000, sponsor: 's1' });
  for (const u of ['alice', 'bob']) sb.ok(u, 'join', { program: id, consent: sb.suite.hash(utf8(u)) });
}

export function world(ids: readonly string[] = ['green'], over: Record<string, unknown> = {}): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0, sign: false });
  for (const id of ids) addProgram(sb, id, over);
  return sb;
}

export const digest = (sb: PointsSandbox, s: string): Uint8Array => sb.suite.hash(utf8(s));

export function claimArgs(
  sb: PointsSandbox,
  program: string,
  user: string,
  kind: string,
  quantity: number,
  start: number,
  end: number,
  device: string,
): CborMap {
  return {
    program,
    user: sb.addr(user),
    kind,
    quantity,
    periodStart: start,
    periodEnd: end,
    device: digest(sb, device),
    evidence: digest(sb, `${device} ${start}`),
    measuredBy: 'obd',
  };
}

export const balanceOf = (sb: PointsSandbox, who: string, program = 'green'): number =>
  (sb.query('account', { program, account: sb.addr(who) }) as { balance: number }).balance;

/** The call is refused with `code`: no write, no event, the same state and the same query answers. */
export function refused(
  sb: PointsSandbox,
  who: string,
  method: string,
  args: CborMap,
  code: string,
  answers: () => unknown = () => null,
  ts?: number,
): void {
  const state = sb.snapshot();
  const before = JSON.stringify(answers());
  const r = sb.call(who, method, args, ts);
  expect(r.status, `${who} ${method}: ${r.message ?? ''}`).toBe(code);
  expect(r.writes).toEqual([]);
  expect(r.events).toEqual([]);
  expect(sb.snapshot()).toEqual(state);
  expect(JSON.stringify(answers())).toBe(before);
}
