import { GongzhiError } from '../../errors/index.js';
import { stringListCodec } from '../../execution/index.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { roleGrantCodec } from './marks.js';
import type { Program } from './types.js';

/** The program's supervisors, in the order they joined (`sups/<program>`, a string list). */
export function supervisorsOf(env: Env, p: Program): string[] {
  return [...(env.read(keys.supervisors(p.id), stringListCodec) ?? [])];
}

/**
 * A change of supervisors (grant or revoke) is a vote of the current supervisors: each call adds
 * the caller's vote, and the change applies once more than half of them voted for it. No single
 * supervisor — say one that was frozen, unfroze itself (now refused) and wants the others gone —
 * can change the supervision alone unless it is the only one. The last supervisor is never removed.
 */
export function voteSupervisorChange(
  env: Env,
  p: Program,
  action: 'grant' | 'revoke',
  account: string,
): void {
  env.requireRole(p, 'supervisor');
  env.requireNotFrozen(p, env.sender);
  const current = supervisorsOf(env, p);
  if (action === 'revoke' && current.length === 1) {
    throw new GongzhiError('POINTS_INVALID_STATE', 'a program keeps at least one supervisor', {
      program: p.id,
    });
  }
  const voteKey = keys.supervisorVote(p.id, action, account);
  const votes = [...(env.read(voteKey, stringListCodec) ?? [])];
  if (votes.includes(env.sender)) {
    throw new GongzhiError('POINTS_ALREADY_SIGNED', 'this supervisor already voted for the change', {
      program: p.id,
      account,
    });
  }
  // votes of parties no longer supervisors do not count
  const counted = [...votes.filter((v) => current.includes(v)), env.sender];
  if (counted.length * 2 <= current.length) {
    env.write(voteKey, stringListCodec, counted);
    env.emit('supervisorChangeVoted', {
      program: p.id,
      action,
      account,
      votes: counted.length,
      of: current.length,
    });
    return;
  }
  if (votes.length > 0) env.delete(voteKey);
  if (action === 'grant') {
    env.write(keys.role(p.id, 'supervisor', account), roleGrantCodec, { since: env.height, by: env.sender });
    env.write(keys.supervisors(p.id), stringListCodec, [...current, account]);
    env.emit('roleGranted', { program: p.id, role: 'supervisor', account, by: env.sender });
  } else {
    env.delete(keys.role(p.id, 'supervisor', account));
    env.write(
      keys.supervisors(p.id),
      stringListCodec,
      current.filter((s) => s !== account),
    );
    env.emit('roleRevoked', { program: p.id, role: 'supervisor', account, by: env.sender });
  }
}
