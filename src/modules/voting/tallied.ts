import { GongzhiError } from '../../errors/index.js';
import { type CheckContext, type ExecContext, writeStored } from '../../execution/index.js';
import { electionCodec, keys, resultCodec } from './codecs.js';
import { at } from './common.js';
import { decide, type Outcome } from './rules.js';
import type { Election, ResultRecord } from './types.js';

type Counts = readonly (readonly number[])[];

/** What a tally method writes: the election closed as tallied, and its result record. */
export interface Tallied {
  readonly election: Election;
  readonly result: ResultRecord;
}

/**
 * The checks and the result both tally methods (ristretto255 and Belenios) share, whatever the
 * group that proved the counts: enough trustees decrypted, one count per answer of every question.
 */
export function assertTallyInputs(e: Election, decrypted: number, plain: Counts, weighted: Counts): void {
  if (decrypted < e.threshold) {
    throw new GongzhiError('VOTING_TRUSTEES_PENDING', `${e.threshold} trustees must decrypt first`, {
      have: decrypted,
    });
  }
  const shapeOk = (m: Counts) =>
    m.length === e.questions.length && m.every((q, i) => q.length === (e.questions[i]?.answers.length ?? -1));
  if (!shapeOk(plain) || !shapeOk(weighted)) {
    throw new GongzhiError('VOTING_WRONG_RESULT', 'one count per answer of every question', {});
  }
}

/** The tallied election and its result: participation, counts and, under a rule, each answer's outcome. */
export function talliedResult(
  ctx: Pick<CheckContext, 'height' | 'txHash'>,
  e: Election,
  totals: { readonly ballots: number; readonly weight: number },
  plain: Counts,
  weighted: Counts,
): Tallied {
  const participation = { count: totals.ballots, weight: totals.weight };
  const electorate = { count: e.electorate.count, weight: e.electorate.totalWeight };
  const rule = e.rule;
  const outcomes: Outcome[][] | undefined =
    rule === undefined
      ? undefined
      : plain.map((q, qi) =>
          q.map((count, ai) =>
            decide(rule, electorate, participation, { count, weight: weighted[qi]?.[ai] ?? 0 }),
          ),
        );
  return {
    election: { ...e, phase: 'tallied' },
    result: {
      participation,
      plain,
      weighted,
      ...(outcomes === undefined ? {} : { outcomes }),
      at: at(ctx),
    },
  };
}

/** Write what `talliedResult` prepared and announce it. */
export function applyTallied(ctx: ExecContext, election: string, p: Tallied): void {
  writeStored(ctx.state, keys.election(election), electionCodec, p.election);
  writeStored(ctx.state, keys.result(election), resultCodec, p.result);
  ctx.emit('tallied', { id: election, ballots: p.result.participation.count });
}
