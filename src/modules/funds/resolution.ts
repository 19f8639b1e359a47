import { GongzhiError } from '../../errors/index.js';
import type { StateReader } from '../../state/index.js';
import {
  ART_278,
  type MajorityRule,
  type Matter,
  readElection,
  readElectionRecord,
} from '../voting/index.js';
import type { Fund } from './record.js';
import { holdsRole, memberOf } from './roles.js';

/**
 * Owners' resolutions (PRC Civil Code art. 278) from the voting module, read through its exported
 * readers only (one MODULES.crossImports row in scripts/check-layers.mjs). A resolution
 * authorises exactly one thing of one fund — an expense, or an amendment of the fund's rules —
 * because its title must carry that thing's motion tag, which names the fund, the expense (or
 * amendment) number and the amount: a resolution passed for one expense cannot be cited for
 * another, and a larger expense cannot ride on a smaller vote.
 */

/** The tag an owners' resolution's title carries for expense `id` of `fund` (amount in minor units). */
export function expenseMotion(fund: string, id: number, amount: number): string {
  return `[fund:${fund} expense:${id} amount:${amount}]`;
}

/** The tag an owners' resolution's title carries for amendment `n` of `fund`'s rules. */
export function amendmentMotion(fund: string, n: number): string {
  return `[fund:${fund} amendment:${n}]`;
}

/** What funds needs: the resolution, the matter's rule and its outcome, where it was created. */
export interface ResolutionOutcome {
  readonly resolution: string;
  readonly matter: Matter;
  readonly passed: boolean;
  readonly createdAt: number;
}

const sameRule = (a: MajorityRule, b: MajorityRule): boolean =>
  a.strict === b.strict &&
  a.quorum.num * b.quorum.den === b.quorum.num * a.quorum.den &&
  a.pass.num * b.pass.den === b.pass.num * a.pass.den;

function mismatch(resolution: string, why: string): never {
  throw new GongzhiError('FUNDS_RESOLUTION_MISMATCH', `resolution ${resolution} ${why}`, { resolution });
}

/**
 * The passed owners' resolution `resolution` for `motion` of fund `f`, needing at least `matter`
 * (a major matter also satisfies an ordinary one), created at or after height `since` (the
 * expense's draft: a vote cannot precede what it decides). Refused with
 * FUNDS_RESOLUTION_REQUIRED (none cited), FUNDS_RESOLUTION_NOT_FOUND, FUNDS_RESOLUTION_MISMATCH
 * (not an open resolution, another motion, a weaker rule than art. 278's, an organiser who is
 * neither a committee member nor the supervisor, created too early) or FUNDS_RESOLUTION_NOT_PASSED
 * (not closed yet, or failed).
 */
export function requirePassedResolution(
  state: StateReader,
  f: Fund,
  resolution: string | undefined,
  o: { readonly motion: string; readonly matter: Matter; readonly since: number },
): ResolutionOutcome {
  if (resolution === undefined) {
    throw new GongzhiError(
      'FUNDS_RESOLUTION_REQUIRED',
      `this needs an owners’ resolution whose title carries ${o.motion}`,
      { fund: f.id, motion: o.motion, matter: o.matter },
    );
  }
  const e = readElection(state, resolution);
  if (e === undefined) {
    throw new GongzhiError('FUNDS_RESOLUTION_NOT_FOUND', `no resolution ${resolution} in the voting module`, {
      resolution,
    });
  }
  if (e.kind !== 'resolution') mismatch(resolution, 'is a secret election, not an open owners’ resolution');
  if (!e.title.includes(o.motion)) mismatch(resolution, `does not carry the motion ${o.motion} in its title`);
  const matter = e.matter;
  if (matter === undefined || e.rule === undefined || !sameRule(e.rule, ART_278[matter])) {
    mismatch(resolution, 'was not held under the art. 278 rule of its matter');
  }
  if (o.matter === 'major' && matter !== 'major')
    mismatch(resolution, 'was an ordinary matter; this is major');
  if (memberOf(f, e.registrar) === undefined && !holdsRole(state, f, 'supervisor', e.registrar)) {
    mismatch(resolution, 'was organised by neither a committee member nor the supervisor');
  }
  if (e.created.height < o.since) mismatch(resolution, 'was created before what it decides was proposed');
  if (e.phase !== 'closed') {
    throw new GongzhiError(
      'FUNDS_RESOLUTION_NOT_PASSED',
      `resolution ${resolution} is ${e.phase}, not closed`,
      {
        resolution,
        phase: e.phase,
      },
    );
  }
  // The record reads the electorate too (O(voters)); only the closed result is used here.
  const outcome = readElectionRecord(state, resolution).result?.outcome;
  if (outcome?.passed !== true) {
    throw new GongzhiError('FUNDS_RESOLUTION_NOT_PASSED', `resolution ${resolution} did not pass`, {
      resolution,
    });
  }
  return { resolution, matter, passed: true, createdAt: e.created.height };
}
