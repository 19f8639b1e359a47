import { GongzhiError } from '../../errors/index.js';
import type { BelRecordView } from './belenios-client.js';

/** The credential a Belenios ballot JSON names (what "the same voter" means for a re-vote). */
const credentialOf = (ballot: string): string => {
  const c = (JSON.parse(ballot) as { credential?: unknown }).credential;
  if (typeof c !== 'string')
    throw new GongzhiError('CHAIN_INVALID', 'an accepted ballot names no credential');
  return c;
};

/**
 * The record with every accepted ballot — superseded ones too — in ledger order, as Belenios
 * publishes a re-voted election: its verifier counts the last ballot of each credential, so the
 * archive keeps the order of acceptance. `accepted` are the ballot JSONs of every `beleniosCast`
 * of this election with an `ok` receipt, by (height, index). They must end in exactly the ballots
 * the state counts, in the state's order (CHAIN_INVALID otherwise: a gap or a reordering).
 */
export function withEveryBallot(rec: BelRecordView, accepted: readonly string[]): BelRecordView {
  const last = new Map<string, number>();
  for (const [i, b] of accepted.entries()) last.set(credentialOf(b), i);
  const counted = [...last.values()].sort((a, b) => a - b).map((i) => accepted[i] as string);
  if (counted.length !== rec.ballots.length || counted.some((b, i) => b !== rec.ballots[i])) {
    throw new GongzhiError(
      'CHAIN_INVALID',
      'the accepted ballots do not end in the ballots the election counts (a missing or reordered ballot)',
      { accepted: accepted.length, counted: rec.ballots.length },
    );
  }
  return { ...rec, ballots: [...accepted] };
}
