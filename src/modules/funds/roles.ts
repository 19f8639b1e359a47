import { GongzhiError } from '../../errors/index.js';
import type { StateReader } from '../../state/index.js';
import { readRoles } from '../governance/index.js';
import type { Fund, Member } from './record.js';

/**
 * Fund roles come from governance: an organisation's admins hold `org:<id>` (written by
 * governance when the organisation is added), so "the custodian" is any admin of the fund's
 * custodian organisation. Committee members are the fund's own list (its rules are its own).
 */
export type FundRole = 'manager' | 'custodian' | 'supervisor';

/** What role checks read of a fund. */
type FundRoles = Pick<Fund, 'id' | FundRole>;

export function holdsRole(state: StateReader, f: FundRoles, role: FundRole, account: string): boolean {
  return readRoles(state, account).includes(`org:${f[role]}`);
}

/** FUNDS_NOT_ROLE unless `account` is an admin of the fund's `role` organisation. */
export function requireRole(state: StateReader, f: FundRoles, role: FundRole, account: string): void {
  if (!holdsRole(state, f, role, account)) {
    throw new GongzhiError('FUNDS_NOT_ROLE', `only the ${role} (org ${f[role]}) may do this in ${f.id}`, {
      fund: f.id,
      role,
      org: f[role],
    });
  }
}

export function memberOf(f: Fund, account: string): Member | undefined {
  return f.members.find((m) => m.account === account);
}

/** The committee member, or FUNDS_NOT_ROLE. */
export function requireMember(f: Fund, account: string): Member {
  const m = memberOf(f, account);
  if (m === undefined) {
    throw new GongzhiError('FUNDS_NOT_ROLE', `only a committee member of ${f.id} may do this`, {
      fund: f.id,
      role: 'committee',
    });
  }
  return m;
}

/** FUNDS_NOT_ROLE unless `account` is the manager's admin or a committee member (who may propose). */
export function requireProposer(state: StateReader, f: Fund, account: string): void {
  if (memberOf(f, account) === undefined) requireRole(state, f, 'manager', account);
}

export function totalWeight(f: Pick<Fund, 'members'>): number {
  return f.members.reduce((s, m) => s + m.weight, 0);
}
