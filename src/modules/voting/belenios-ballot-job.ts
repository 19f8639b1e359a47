import { GongzhiError } from '../../errors/index.js';
import { type AdmitJob, defineAdmitJob, readStored } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { checkBallot, type ElectionJson, hashJson } from '../../voting-crypto/belenios/index.js';
import { belCheck, belElectionCodec, belKeys } from './belenios-state.js';
import { assertBelenios } from './belenios-trustee.js';
import { assertVotingOpen, loadElection } from './common.js';
import type { Election } from './types.js';

type Checked = ReturnType<typeof checkBallot>;

/** The Belenios election JSON fixed at open, and its parsed form. */
export function belElection(state: StateReader, e: Election): { json: string; election: ElectionJson } {
  const b = readStored(state, belKeys.election(e.id), belElectionCodec);
  if (b === undefined)
    throw new GongzhiError('CHAIN_INVALID', 'opened Belenios election without its JSON', { id: e.id });
  return { json: b.election, election: JSON.parse(b.election) as ElectionJson };
}

const MEMO_MAX = 1024;
/** `election ‖ fingerprint ‖ ballot hash` → the checked ballot (a pure function of those). */
const checkedMemo = new Map<string, Checked>();

function remember(key: string, b: Checked): Checked {
  if (checkedMemo.size >= MEMO_MAX) checkedMemo.delete(checkedMemo.keys().next().value as string);
  checkedMemo.set(key, b);
  return b;
}

/** The open BELENIOS-2048 election `id`, its JSON and the memo key of `ballot` in it. */
function openBel(state: StateReader, id: string, ballot: string) {
  const e = loadElection(state, id);
  assertBelenios(e);
  assertVotingOpen(e);
  const { json, election } = belElection(state, e);
  return { e, json, election, key: `${id}:${hashJson(json)}:${hashJson(ballot)}` };
}

const check = (json: string, election: ElectionJson, ballot: string): Checked =>
  belCheck('ballot', () => checkBallot(json, election, JSON.parse(ballot)));

/**
 * The open BELENIOS-2048 election `id` and the ballot after every Belenios check. Memoised on the
 * election JSON's hash and the ballot JSON's hash, so a ballot checked at admission is not checked
 * again when its block runs (the memo only skips recomputing the same pure result).
 */
export function checkedBelBallot(
  state: StateReader,
  id: string,
  ballot: string,
): { e: Election; b: Checked } {
  const o = openBel(state, id, ballot);
  const hit = checkedMemo.get(o.key);
  return { e: o.e, b: hit ?? remember(o.key, check(o.json, o.election, ballot)) };
}

/** What the Belenios ballot job is given: the election's JSON and the ballot's. */
interface BelJobInput {
  readonly json: string;
  readonly ballot: string;
}

/** `voting.beleniosBallot`: every Belenios check of the ballot; its output is the checked ballot (bigints). */
export const beleniosBallotJob = defineAdmitJob<BelJobInput>(({ json, ballot }) =>
  check(json, JSON.parse(json) as ElectionJson, ballot),
);

/**
 * At admission: the checks as a job for the node's worker pool (nothing when this node checked
 * the same ballot already); the checked ballot the job returns fills the memo.
 */
export function belBallotAdmitJob(state: StateReader, id: string, ballot: string): AdmitJob | undefined {
  const o = openBel(state, id, ballot);
  if (checkedMemo.has(o.key)) return undefined;
  return {
    kind: 'voting.beleniosBallot',
    input: { json: o.json, ballot } satisfies BelJobInput,
    accept: (out) => {
      remember(o.key, out as Checked);
    },
  };
}
