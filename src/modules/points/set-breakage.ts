import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { readId, schemas } from './args.js';
import {
  BREAKAGE_POLICIES,
  type BreakagePolicy,
  breakageCodec,
  breakageSchedule,
  MAX_BREAKAGE_ENTRIES,
} from './breakage.js';
import { keys } from './keys.js';
import { pointsMethod } from './method.js';

export interface SetBreakageArgs {
  readonly program: string;
  readonly policy: BreakagePolicy;
  /** The cause for the `cause` policy. */
  readonly cause?: string;
  /** The first issue height the policy applies to: after this block, and after any entry already set. */
  readonly fromHeight: number;
}

/**
 * The issuer schedules the breakage policy (breakage.ts) for lots issued from `fromHeight` on.
 * Never retroactive: `fromHeight` lies after this block and after every scheduled entry, so the
 * fate of points already issued, or promised under a published entry, cannot change.
 */
export const setBreakage = pointsMethod<SetBreakageArgs>({
  summary:
    'Schedule what becomes of expired points issued from a height on (the issuer): sponsor, cause or scheme',
  args: S.Object(
    {
      program: schemas.id('program id'),
      policy: S.Union(BREAKAGE_POLICIES.map((x) => S.Literal(x))),
      cause: S.Optional(schemas.id('the cause (policy "cause")')),
      fromHeight: S.Integer({
        minimum: 1,
        description: 'first issue height it applies to, after this block',
      }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'policy', 'cause', 'fromHeight']);
    const policy = a.oneOf('policy', BREAKAGE_POLICIES);
    if ((policy === 'cause') !== a.has('cause')) a.fail('cause', 'present exactly for the cause policy');
    return {
      program: readId(a, 'program'),
      policy,
      ...(a.has('cause') ? { cause: readId(a, 'cause') } : {}),
      fromHeight: a.uint('fromHeight'),
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'issuer');
    const bad = (why: string, details: Record<string, string | number> = {}): never => {
      throw new GongzhiError('POINTS_BAD_CONFIG', why, { program: p.id, ...details });
    };
    if (a.cause !== undefined && !p.causes.some((c) => c.id === a.cause)) {
      throw new GongzhiError('POINTS_NOT_FOUND', `no cause ${a.cause}`, { program: p.id, cause: a.cause });
    }
    const s = breakageSchedule(env, p.id);
    const last = s.entries[s.entries.length - 1];
    if (a.fromHeight <= env.height)
      bad('a breakage policy applies only to later blocks', { fromHeight: a.fromHeight, height: env.height });
    if (last !== undefined && a.fromHeight <= last.from)
      bad('after the last scheduled entry', { after: last.from });
    if (s.entries.length >= MAX_BREAKAGE_ENTRIES) {
      throw new GongzhiError('POINTS_LIMIT', `at most ${MAX_BREAKAGE_ENTRIES} breakage entries`, {
        program: p.id,
      });
    }
    const entry = {
      from: a.fromHeight,
      policy: a.policy,
      cause: a.cause ?? '',
      by: env.sender,
      at: env.height,
    };
    env.write(keys.breakage(p.id), breakageCodec, { entries: [...s.entries, entry] });
    env.emit('breakageScheduled', {
      program: p.id,
      policy: a.policy,
      fromHeight: a.fromHeight,
      ...(a.cause === undefined ? {} : { cause: a.cause }),
    });
  },
});
