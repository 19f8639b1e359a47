import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, readStored, S, writeStored } from '../../execution/index.js';
import { electionKey, encodeCt } from '../../voting-crypto/index.js';
import { type BelTally, isBelenios } from './belenios-state.js';
import { openBelenios, writeOpenBelenios } from './belenios-trustee.js';
import { countsCodec, electionCodec, keys, resultCodec, tallyCodec } from './codecs.js';
import { assertRegistrar, at, groupOf, loadElection } from './common.js';
import { pendingComplaints, qualifiedIndices, qualifiedMessages, readDkg } from './dkg.js';
import { fingerprintOf, positions } from './fingerprint.js';
import { decide, type Tally } from './rules.js';
import { trusteeRecords } from './trustee-methods.js';
import type { DkgRecord, Election, OpenCounts, ResultRecord } from './types.js';

const ZERO: Tally = { count: 0, weight: 0 };

/** Participation of an open resolution: every credential that voted, whatever its choice. */
export function participation(c: OpenCounts): Tally {
  return {
    count: c.yes.count + c.no.count + c.abstain.count,
    weight: c.yes.weight + c.no.weight + c.abstain.weight,
  };
}

interface Opened {
  readonly election: Election;
  readonly tally?: { ballots: number; weight: number; plain: Uint8Array[]; weighted: Uint8Array[] };
  readonly belenios?: { readonly belenios: { election: string }; readonly tally: BelTally };
}

/**
 * The qualified trustees' round-2 messages, once the complaint round is settled: no complaint
 * open (VOTING_COMPLAINT_PENDING), at least `threshold` trustees left (VOTING_TOO_FEW_TRUSTEES).
 */
function qualifiedShares(e: Election, d: DkgRecord, ts: Parameters<typeof qualifiedMessages>[0]) {
  const open = pendingComplaints(d)[0];
  if (open !== undefined) {
    throw new GongzhiError(
      'VOTING_COMPLAINT_PENDING',
      `trustee ${open.against} has not answered trustee ${open.by}'s complaint`,
      { by: open.by, against: open.against },
    );
  }
  const q = qualifiedIndices(e.trustees.length, d);
  if (q.length < e.threshold) {
    throw new GongzhiError(
      'VOTING_TOO_FEW_TRUSTEES',
      `${q.length} qualified trustees, threshold ${e.threshold}`,
      {
        qualified: q.length,
        threshold: e.threshold,
      },
    );
  }
  return qualifiedMessages(ts, d);
}

/**
 * `open`: start voting. Needs a frozen electorate and, for an election, every trustee's round-2
 * message and a settled complaint round; fixes the election key `y = Π C_{i,0}` over the
 * qualified trustees (all of them when no one was disqualified) and the fingerprint.
 */
export const open = defineMethod<{ election: string }, Opened>({
  summary: 'Open voting: fixes the election key and fingerprint (registrar)',
  args: S.Object({ election: S.Id() }, { additionalProperties: false }),
  parse: (v) => ({ election: readArgs(v, ['election']).id('election') }),
  check: (ctx, a) => {
    const e = loadElection(ctx.state, a.election);
    assertRegistrar(ctx, e);
    if (e.phase === 'setup')
      throw new GongzhiError('VOTING_NOT_FROZEN', 'freeze the electorate first', { id: e.id });
    if (e.phase !== 'frozen')
      throw new GongzhiError('VOTING_BAD_PHASE', `the election is ${e.phase}`, { id: e.id });
    if (e.kind === 'resolution') {
      return { election: { ...e, phase: 'open', fingerprint: fingerprintOf(e, []) } };
    }
    if (isBelenios(e)) {
      const b = openBelenios(ctx.state, e);
      return { election: b.election, belenios: b };
    }
    const ts = trusteeRecords(ctx.state, e);
    const msgs = ts.map((t) => t?.shares);
    if (msgs.some((m) => m === undefined)) {
      throw new GongzhiError('VOTING_TRUSTEES_PENDING', 'every trustee must post its shares first', {
        id: e.id,
      });
    }
    const grp = groupOf(e);
    const shares = qualifiedShares(e, readDkg(ctx.state, e.id), ts);
    const publicKey = grp.encode(electionKey(grp, shares));
    const withKey = { ...e, publicKey };
    const fingerprint = fingerprintOf(
      withKey,
      shares.map((m) => m.commitments),
    );
    const empty = encodeCt(grp, { a: grp.identity, b: grp.identity });
    const n = positions(e);
    return {
      election: { ...withKey, phase: 'open', fingerprint },
      tally: { ballots: 0, weight: 0, plain: Array(n).fill(empty), weighted: Array(n).fill(empty) },
    };
  },
  apply: (ctx, a, p) => {
    writeStored(ctx.state, keys.election(a.election), electionCodec, p.election);
    if (p.belenios !== undefined) writeOpenBelenios(ctx, a.election, p.belenios);
    else if (p.tally === undefined) {
      writeStored(ctx.state, keys.counts(a.election), countsCodec, { yes: ZERO, no: ZERO, abstain: ZERO });
    } else writeStored(ctx.state, keys.tally(a.election), tallyCodec, p.tally);
    ctx.emit('opened', { id: a.election, fingerprint: p.election.fingerprint ?? new Uint8Array(32) });
  },
});

/**
 * `close`: stop voting. A resolution's result (counts, participation, the rule's outcome) is
 * computed and final here; an election waits for its trustees' partial decryptions.
 */
export const close = defineMethod<{ election: string }, { election: Election; result?: ResultRecord }>({
  summary: 'Close voting; a resolution’s result is final here (registrar)',
  args: S.Object({ election: S.Id() }, { additionalProperties: false }),
  parse: (v) => ({ election: readArgs(v, ['election']).id('election') }),
  check: (ctx, a) => {
    const e = loadElection(ctx.state, a.election);
    assertRegistrar(ctx, e);
    if (e.phase === 'setup' || e.phase === 'frozen') {
      throw new GongzhiError('VOTING_NOT_OPEN', 'voting has not opened', { id: e.id });
    }
    if (e.phase !== 'open') throw new GongzhiError('VOTING_CLOSED', 'voting is closed already', { id: e.id });
    const closed: Election = { ...e, phase: 'closed' };
    if (e.kind === 'election') return { election: closed };
    const counts = readStored(ctx.state, keys.counts(e.id), countsCodec);
    if (counts === undefined)
      throw new GongzhiError('CHAIN_INVALID', 'open resolution without counts', { id: e.id });
    const part = participation(counts);
    const electorate = { count: e.electorate.count, weight: e.electorate.totalWeight };
    const rule = e.rule;
    if (rule === undefined)
      throw new GongzhiError('CHAIN_INVALID', 'resolution without a rule', { id: e.id });
    return {
      election: closed,
      result: {
        participation: part,
        counts,
        outcome: decide(rule, electorate, part, counts.yes),
        at: at(ctx),
      },
    };
  },
  apply: (ctx, a, p) => {
    writeStored(ctx.state, keys.election(a.election), electionCodec, p.election);
    if (p.result !== undefined) writeStored(ctx.state, keys.result(a.election), resultCodec, p.result);
    ctx.emit('closed', {
      id: a.election,
      ...(p.result?.outcome === undefined ? {} : { passed: p.result.outcome.passed }),
    });
  },
});
