import { GongzhiError } from '../../errors/index.js';
import { type AccountClass, MAX_AMOUNT, MONEY_CLASSES, POINT_CLASSES, type Program } from './types.js';

const POINT_SET = new Set<string>(POINT_CLASSES);
const MONEY_SET = new Set<string>(MONEY_CLASSES);

/** The class of an account name (`user:gz…` → `user`), or undefined for an unknown class. */
export function accountClassOf(account: string): AccountClass | undefined {
  const i = account.indexOf(':');
  const c = i < 0 ? account : account.slice(0, i);
  return POINT_SET.has(c) || MONEY_SET.has(c) ? (c as AccountClass) : undefined;
}

/** The class of an account name the module posts to (an unknown class is a bug: EXEC_INTERNAL). */
export function classOf(account: string): AccountClass {
  const c = accountClassOf(account);
  if (c === undefined) {
    const i = account.indexOf(':');
    throw new GongzhiError('EXEC_INTERNAL', `unknown account class ${i < 0 ? account : account.slice(0, i)}`);
  }
  return c;
}

/** Whether an account class counts money (else points). */
export function isMoneyClass(c: AccountClass): boolean {
  return MONEY_SET.has(c);
}

export function isMoneyAccount(account: string): boolean {
  return isMoneyClass(classOf(account));
}

/** Add two amounts, refusing to leave the safe integer range. */
export function add(a: number, b: number): number {
  const s = a + b;
  if (!Number.isSafeInteger(s)) throw new GongzhiError('POINTS_LIMIT', 'amount out of range');
  return s;
}

/** Points × value as money, or POINTS_BAD_AMOUNT when it exceeds the amount limit. */
export function moneyOf(p: Program, points: number): number {
  const m = points * p.value;
  if (!Number.isSafeInteger(m) || m > MAX_AMOUNT) {
    throw new GongzhiError('POINTS_BAD_AMOUNT', 'money value exceeds the amount limit', { points });
  }
  return m;
}
