import { sha256 } from '@noble/hashes/sha2';
import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, readStored, S, writeStored } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import {
  checkTrusteePublicKey,
  electionString,
  mul,
  readElement,
  readProof,
  readShare,
  type SignedMsgJson,
  type TrusteePublicKeyJson,
  verificationKeyAt,
  verifyMessage,
} from '../../voting-crypto/belenios/index.js';
import {
  BELENIOS,
  type BelTally,
  type BelTrustee,
  belCheck,
  belElectionCodec,
  beleniosUuid,
  belKeys,
  belTallyCodec,
  belTrusteeCodec,
  elementBytes,
  isBelenios,
  MAX_JSON,
} from './belenios-state.js';
import { assertPhase, loadElection, trusteeIndex } from './common.js';
import { positions } from './fingerprint.js';
import type { Election } from './types.js';

export const BEL_STEPS = ['cert', 'poly', 'vkey'] as const;
export type BelStep = (typeof BEL_STEPS)[number];

/** Arguments of `voting.beleniosTrustee`: one key-generation round, its message as Belenios JSON. */
export interface BelTrusteeArgs {
  readonly election: string;
  readonly step: BelStep;
  /** cert: a `signed_msg` of `cert_keys`; poly: `{coefexps: signed_msg, secrets: [...]}`; vkey: a `trustee_public_key`. */
  readonly message: string;
}

export function belTrustees(state: StateReader, e: Election): (BelTrustee | undefined)[] {
  return e.trustees.map((_, i) => readStored(state, belKeys.trustee(e.id, i + 1), belTrusteeCodec));
}

/** The election is a Belenios one (VOTING_WRONG_GROUP otherwise). */
export function assertBelenios(e: Election): void {
  if (!isBelenios(e) || e.kind !== 'election') {
    throw new GongzhiError('VOTING_WRONG_GROUP', 'not a BELENIOS-2048 election: use the ed25519 methods', {
      id: e.id,
    });
  }
}

const signed = (s: string, what: string): SignedMsgJson => {
  const o = JSON.parse(s) as SignedMsgJson;
  if (typeof o.message !== 'string')
    throw new GongzhiError('VOTING_BAD_BALLOT', `${what}: a signed message`, {});
  return o;
};
const certKeys = (c: SignedMsgJson) => {
  const k = JSON.parse(c.message) as { verification?: unknown; encryption?: unknown };
  return { vk: readElement(k.verification, 'verification'), ek: readElement(k.encryption, 'encryption') };
};
export const coefexpsOf = (s: string): bigint[] =>
  ((JSON.parse(signed(s, 'coefexps').message) as { coefexps: unknown[] }).coefexps ?? []).map((x) =>
    readElement(x, 'coefexp'),
  );

const pending = (what: string) =>
  new GongzhiError('VOTING_TRUSTEES_PENDING', `every trustee must post its ${what} first`, {});
const posted = (j: number) =>
  new GongzhiError('VOTING_ALREADY_POSTED', 'this round is posted already', { trustee: j });

/**
 * `beleniosTrustee`: one of a trustee's three key-generation rounds for a BELENIOS-2048 election
 * (see src/voting-crypto/belenios/dkg.ts). Each is checked here: the certificate's self-signature;
 * the commitments' signature by that certificate, their number (= threshold) and the shares'
 * shape; the verification key's proof and its equality with everyone's commitments at j.
 */
export const beleniosTrustee = defineMethod<BelTrusteeArgs, BelTrustee>({
  summary: 'Trustee key generation for a BELENIOS-2048 election (cert, poly, vkey rounds)',
  args: S.Object(
    {
      election: S.Id(),
      step: S.Union(BEL_STEPS.map((s) => S.Literal(s))),
      message: S.String({ maxLength: MAX_JSON, description: 'the round’s Belenios JSON' }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'step', 'message']);
    return {
      election: r.id('election'),
      step: r.oneOf('step', BEL_STEPS),
      message: r.str('message', MAX_JSON),
    };
  },
  check: (ctx, a) => {
    const e = loadElection(ctx.state, a.election);
    assertBelenios(e);
    assertPhase(e, 'setup', 'frozen');
    const j = trusteeIndex(ctx, e);
    const all = belTrustees(ctx.state, e);
    const mine: BelTrustee = all[j - 1] ?? { index: j };
    return belCheck(`trustee ${j} ${a.step}`, (): BelTrustee => {
      if (a.step === 'cert') {
        if (mine.cert !== undefined) throw posted(j);
        const c = signed(a.message, 'cert');
        const { vk } = certKeys(c);
        if (!verifyMessage(vk, c.message, readProof(c.signature, 'signature'))) {
          throw new GongzhiError('VOTING_BAD_PROOF', 'the certificate’s signature does not verify', {
            trustee: j,
          });
        }
        return { ...mine, cert: a.message };
      }
      if (a.step === 'poly') {
        if (mine.coefexps !== undefined) throw posted(j);
        if (all.some((t) => t?.cert === undefined)) throw pending('certificate');
        const m = JSON.parse(a.message) as { coefexps?: SignedMsgJson; secrets?: unknown };
        const ce = m.coefexps;
        if (ce === undefined || typeof ce.message !== 'string')
          throw new GongzhiError('VOTING_BAD_BALLOT', 'coefexps missing', {});
        const { vk } = certKeys(signed(mine.cert as string, 'cert'));
        if (!verifyMessage(vk, ce.message, readProof(ce.signature, 'coefexps.signature'))) {
          throw new GongzhiError('VOTING_BAD_PROOF', 'the commitments’ signature does not verify', {
            trustee: j,
          });
        }
        const coefs = coefexpsOf(JSON.stringify(ce));
        const secrets = m.secrets;
        if (coefs.length !== e.threshold || !Array.isArray(secrets) || secrets.length !== e.trustees.length) {
          throw new GongzhiError(
            'VOTING_BAD_BALLOT',
            `${e.threshold} commitments and ${e.trustees.length} shares`,
            {},
          );
        }
        for (const s of secrets) readShare(String(s));
        return { ...mine, coefexps: JSON.stringify(ce), secrets: secrets.map(String) };
      }
      if (mine.vkey !== undefined) throw posted(j);
      if (all.some((t) => t?.coefexps === undefined)) throw pending('commitments');
      const k = JSON.parse(a.message) as TrusteePublicKeyJson;
      const X = checkTrusteePublicKey(BELENIOS, k, 'verification key');
      const commitments = all.map((t) => coefexpsOf(t?.coefexps as string));
      if (X !== verificationKeyAt(commitments, j)) {
        throw new GongzhiError('VOTING_BAD_PROOF', 'the verification key does not match the commitments', {
          trustee: j,
        });
      }
      return { ...mine, vkey: a.message };
    });
  },
  apply: (ctx, a, t) => {
    writeStored(ctx.state, belKeys.trustee(a.election, t.index), belTrusteeCodec, t);
    ctx.emit('beleniosTrustee', { id: a.election, trustee: t.index, step: a.step });
  },
});

/** The fixed election of `open` for BELENIOS-2048: key Π A_{i0}, Belenios' election JSON, empty tallies. */
export function openBelenios(state: StateReader, e: Election) {
  const ts = belTrustees(state, e);
  if (ts.some((t) => t?.vkey === undefined)) throw pending('verification key');
  const y = ts.reduce((acc, t) => mul(acc, coefexpsOf(t?.coefexps as string)[0] as bigint), 1n);
  const election = electionString({
    name: e.title,
    description: `${e.ledger.chain}/${e.ledger.group} voting election ${e.id}`,
    publicKey: y,
    uuid: beleniosUuid(e),
    questions: e.questions,
  });
  // Belenios' fingerprint is Base64(SHA-256(election JSON)); we keep the 32 bytes.
  const fp = sha256(new TextEncoder().encode(election));
  const n = positions(e);
  return {
    election: { ...e, phase: 'open' as const, publicKey: elementBytes(y), fingerprint: fp },
    belenios: { election },
    tally: {
      ballots: 0,
      weight: 0,
      admitted: 0,
      weighted: Array<string>(n).fill('1,1'),
      plain: Array<string>(n).fill('1,1'),
    } as BelTally,
  };
}

export const writeOpenBelenios = (
  ctx: Parameters<typeof beleniosTrustee.apply>[0],
  id: string,
  p: { readonly belenios: { election: string }; readonly tally: BelTally },
): void => {
  writeStored(ctx.state, belKeys.election(id), belElectionCodec, p.belenios);
  writeStored(ctx.state, belKeys.tally(id), belTallyCodec, p.tally);
};
