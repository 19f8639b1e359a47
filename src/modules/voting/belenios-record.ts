import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineQuery, readStored, S } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import type { BeleniosRecord } from '../../voting-crypto/belenios/index.js';
import { belElection, belTally, perQuestion } from './belenios-cast.js';
import { type BelTrustee, belBallotCodec, beleniosUuid, belKeys, bytesElement } from './belenios-state.js';
import { assertBelenios, belTrustees } from './belenios-trustee.js';
import { keys, readVoter, resultCodec } from './codecs.js';
import { loadElection } from './common.js';

/**
 * A BELENIOS-2048 election as Belenios 2.0 publishes it (src/voting-crypto/belenios/record.ts
 * turns it into the `.bel` archive): the election JSON fixed at open; the trustees as one
 * Pedersen item (certificates, signed commitments, verification keys); every credential with its
 * weight; the last ballot of each credential in admission order; after close the weighted
 * encrypted tally; each trustee's weighted partial decryption; after the tally the result.
 * Belenios' archive has no place for the head-count tally: it stays on the ledger (`get`).
 */
export function readBeleniosRecord(state: StateReader, id: string): BeleniosRecord {
  const e = loadElection(state, id);
  assertBelenios(e);
  if (e.phase === 'setup' || e.phase === 'frozen') {
    throw new GongzhiError('VOTING_NOT_OPEN', 'a Belenios record exists once voting opens', { id });
  }
  const { json } = belElection(state, e);
  const ts = belTrustees(state, e);
  const parse = (s: string | undefined): unknown => JSON.parse(s ?? 'null');
  const trustees = JSON.stringify([
    [
      'Pedersen',
      {
        threshold: e.threshold,
        certs: ts.map((t) => parse(t?.cert)),
        coefexps: ts.map((t) => parse(t?.coefexps)),
        verification_keys: ts.map((t) => parse(t?.vkey)),
      },
    ],
  ]);
  const creds: string[] = [];
  const ballots: { order: number; json: string }[] = [];
  for (let i = 0; i < e.electorate.count; i++) {
    const v = readVoter(state, id, i);
    if (v === undefined) throw new GongzhiError('CHAIN_INVALID', `voter ${i} missing`, { id });
    creds.push(`${bytesElement(v.credential)},${v.weight}`);
    const b = readStored(state, belKeys.ballot(id, toHex(v.credential)), belBallotCodec);
    if (b !== undefined) ballots.push(b);
  }
  ballots.sort((a, b) => a.order - b.order);
  const t = belTally(state, e);
  const closed = e.phase === 'closed' || e.phase === 'tallied';
  const result = readStored(state, keys.result(id), resultCodec);
  const cts = perQuestion(e, t.weighted).map((q) =>
    q.map((c) => ({ alpha: c.alpha.toString(), beta: c.beta.toString() })),
  );
  return {
    timestamp: 0,
    election: json,
    trustees,
    credentials: JSON.stringify(creds),
    ballots: ballots.map((b) => b.json),
    ...(closed
      ? { tally: { encrypted: JSON.stringify(cts), numTallied: t.ballots, totalWeight: t.weight } }
      : {}),
    partials: ts.flatMap((x) => (x?.weighted === undefined ? [] : [{ owner: x.index, json: x.weighted }])),
    ...(result?.weighted === undefined ? {} : { result: JSON.stringify({ result: result.weighted }) }),
  };
}

/** `belenios {election}` → the record for `gongzhi vote export-belenios` (a `.bel` archive). */
export const belenios = defineQuery({
  summary: 'A BELENIOS-2048 election as Belenios 2.0 data (for the .bel export and belenios-tool)',
  args: S.Object({ election: S.Id() }),
  result: S.Object(
    {
      election: S.String(),
      trustees: S.String(),
      credentials: S.String(),
      ballots: S.Array(S.String()),
      tally: S.Optional(
        S.Object({ encrypted: S.String(), numTallied: S.Integer(), totalWeight: S.Integer() }),
      ),
      partials: S.Array(S.Object({ owner: S.Integer(), json: S.String() })),
      result: S.Optional(S.String()),
    },
    { additionalProperties: true },
  ),
  run: ({ state }, q) => {
    const id = q.id('election');
    const { timestamp: _t, ...r } = readBeleniosRecord(state, id);
    const e = loadElection(state, id);
    const plain = perQuestion(e, belTally(state, e).plain).map((x) =>
      x.map((c) => ({ alpha: c.alpha.toString(), beta: c.beta.toString() })),
    );
    // Not in Belenios' archive: the head-count tally trustees also decrypt (see readBeleniosRecord).
    const headcount = r.tally === undefined ? {} : { headcount: JSON.stringify(plain) };
    return { ...r, ...headcount, ballots: [...r.ballots], partials: r.partials.map((p) => ({ ...p })) };
  },
});

/** `beleniosTrustees {election}` → each trustee's key-generation messages and partial decryptions. */
export const beleniosTrustees = defineQuery({
  summary: 'A BELENIOS-2048 election’s trustee messages (certificates, commitments, shares, keys)',
  args: S.Object({ election: S.Id() }),
  result: S.Object({ uuid: S.String(), threshold: S.Integer(), trustees: S.Array(S.Unknown()) }),
  run: ({ state }, q) => {
    const e = loadElection(state, q.id('election'));
    assertBelenios(e);
    return {
      uuid: beleniosUuid(e),
      threshold: e.threshold,
      trustees: belTrustees(state, e).map((t, i) => {
        const x: BelTrustee = t ?? { index: i + 1 };
        return { ...x, ...(x.secrets === undefined ? {} : { secrets: [...x.secrets] }) };
      }),
    };
  },
});
