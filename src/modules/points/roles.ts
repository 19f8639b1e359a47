import { GongzhiError } from '../../errors/index.js';
import type { Env } from './env.js';
import { type Program, ROLE_NAMES, type RoleName } from './types.js';

/** Every capacity a party can have in one program. */
export type Capacity = RoleName | 'issuer' | 'clearing' | 'member';

/**
 * Separation of roles (docs/points.md, "Incompatible roles"): which capacities one party may not
 * combine in one program. The supervisor holds no other; the clearing provider (the bank) neither
 * issues, awards, backs, sells nor holds; the issuer who creates points neither awards them, is paid
 * for them (platform) nor holds them (member); whoever awards points does not hold them; a platform
 * that is a member could receive points and redeem them at itself — a cash-out channel. A merchant
 * may award and accept its own points (distributor + platform + sponsor: it pays itself). The
 * verifier (third-party validation/verification body) holds no other capacity at all: it signs off
 * the methodology and the reductions of those it would otherwise be. The table is symmetric.
 */
export const INCOMPATIBLE: Readonly<Record<Capacity, readonly Capacity[]>> = {
  supervisor: ['issuer', 'clearing', 'distributor', 'sponsor', 'platform', 'member', 'verifier'],
  issuer: ['supervisor', 'clearing', 'distributor', 'platform', 'member', 'verifier'],
  clearing: ['supervisor', 'issuer', 'distributor', 'sponsor', 'platform', 'member', 'verifier'],
  distributor: ['supervisor', 'issuer', 'clearing', 'member', 'verifier'],
  sponsor: ['supervisor', 'clearing', 'verifier'],
  platform: ['supervisor', 'issuer', 'clearing', 'member', 'verifier'],
  member: ['supervisor', 'issuer', 'clearing', 'distributor', 'platform', 'verifier'],
  verifier: ['supervisor', 'issuer', 'clearing', 'distributor', 'sponsor', 'platform', 'member'],
};

/** The capacities `account` holds in `p` now. */
export function capacitiesOf(env: Env, p: Program, account: string): Capacity[] {
  const out: Capacity[] = [];
  if (p.issuer === account) out.push('issuer');
  // without money the clearing provider only keeps the book (a time bank's centre is both)
  if (p.clearing === account && p.value > 0) out.push('clearing');
  for (const r of ROLE_NAMES) if (env.hasRole(p, r, account)) out.push(r);
  if (p.status === 'active' && env.booksOf(p).lots.holder(account)?.member) out.push('member');
  return out;
}

/** POINTS_ROLE_CONFLICT if `account` would combine `role` with a capacity it holds. */
export function assertCompatible(env: Env, p: Program, account: string, role: Capacity): void {
  const clash = capacitiesOf(env, p, account).find((c) => INCOMPATIBLE[role].includes(c));
  if (clash !== undefined) {
    throw new GongzhiError('POINTS_ROLE_CONFLICT', `a ${clash} cannot also be a ${role} of program ${p.id}`, {
      program: p.id,
      account,
      role,
      holds: clash,
    });
  }
}
