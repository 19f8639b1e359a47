import { pbkdf2Sync } from 'node:crypto';
import { BeleniosError, gpow, hashJson, modq, mul, pow, Q, readElement } from './group.js';
import {
  iprove,
  iverify,
  type ProofJson,
  proofJson,
  type Rand,
  readProof,
  signBallotHash,
  verifyBallotSig,
} from './proofs.js';

/** A homomorphic question without blank (`question_h`); the only kind the export carries. */
export interface QuestionJson {
  readonly answers: readonly string[];
  readonly min: number;
  readonly max: number;
  readonly question: string;
}

/** Belenios' `election` (§"Elections"), fields in the specification's order. */
export interface ElectionJson {
  readonly version: 1;
  readonly description: string;
  readonly name: string;
  readonly group: string;
  readonly public_key: string;
  readonly questions: readonly QuestionJson[];
  readonly uuid: string;
}

export interface CiphertextJson {
  readonly alpha: string;
  readonly beta: string;
}
export interface AnswerJson {
  readonly choices: readonly CiphertextJson[];
  readonly individual_proofs: readonly (readonly ProofJson[])[];
  readonly overall_proof: readonly ProofJson[];
}
export interface BallotJson {
  readonly election_uuid: string;
  readonly election_hash: string;
  readonly credential: string;
  readonly answers: readonly AnswerJson[];
  readonly signature: { readonly hash: string; readonly proof: ProofJson };
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/**
 * A voter's secret exponent from a Belenios credential string (§"Credentials"): PBKDF2-HMAC-SHA256,
 * the election's uuid as salt, 1000 iterations, one 32-byte block, big-endian, mod q.
 */
export function credentialSecret(credential: string, uuid: string): bigint {
  const raw = pbkdf2Sync(credential, uuid, 1000, 32, 'sha256');
  return BigInt(`0x${raw.toString('hex')}`) % Q;
}

/** A fresh credential string `XXX-XXX-XXX-XXX-XXX` (14 random base-58 digits + the checksum). */
export function makeCredentialString(randomDigit: () => number): string {
  const digits = Array.from({ length: 14 }, () => randomDigit() % 58);
  let n = 0n;
  for (const d of digits) n = n * 58n + BigInt(d);
  digits.push(Number((53n - (n % 53n)) % 53n));
  const s = digits.map((d) => B58[d]).join('');
  return s.replace(/(.{3})(?=.)/g, '$1-');
}

const ctString = (c: readonly { alpha: bigint; beta: bigint }[]): string =>
  c.map((x) => `${x.alpha},${x.beta}`).join(',');
const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, k) => lo + k);

/** Compact JSON of the ballot without its signature: what `signature.hash` hashes. */
export const unsignedBallotString = (b: Omit<BallotJson, 'signature'>): string =>
  JSON.stringify({
    election_uuid: b.election_uuid,
    election_hash: b.election_hash,
    credential: b.credential,
    answers: b.answers,
  });

/** Build a ballot: `choices[q][a]` ∈ {0,1}, each question's count within its min..max. */
export function makeBallot(
  electionString: string,
  election: ElectionJson,
  secret: bigint,
  choices: readonly (readonly number[])[],
  rand: Rand,
): BallotJson {
  const fp = hashJson(electionString);
  const y = BigInt(election.public_key);
  const credential = gpow(secret).toString();
  const S0 = `${fp}|${credential}`;
  if (choices.length !== election.questions.length)
    throw new BeleniosError('BAD_SHAPE', 'one answer per question');
  const answers = election.questions.map((q, qi) => {
    const ms = choices[qi] as readonly number[];
    if (ms.length !== q.answers.length || ms.some((m) => m !== 0 && m !== 1)) {
      throw new BeleniosError('BAD_SHAPE', `question ${qi}: one 0/1 per answer`);
    }
    const total = ms.reduce((a, b) => a + b, 0);
    if (total < q.min || total > q.max)
      throw new BeleniosError('BAD_SHAPE', `question ${qi}: ${q.min}..${q.max} choices`);
    let R = 0n;
    const cts = ms.map((m) => {
      const r = rand();
      R += r;
      return { r, m, alpha: gpow(r), beta: mul(pow(y, r), gpow(BigInt(m))) };
    });
    const sum = cts.reduce((a, c) => ({ alpha: mul(a.alpha, c.alpha), beta: mul(a.beta, c.beta) }), {
      alpha: 1n,
      beta: 1n,
    });
    return {
      choices: cts.map((c) => ({ alpha: c.alpha.toString(), beta: c.beta.toString() })),
      individual_proofs: cts.map((c) =>
        iprove(S0, y, c.alpha, c.beta, c.r, c.m, [0, 1], rand).map(proofJson),
      ),
      overall_proof: iprove(
        `${S0}|${ctString(cts)}`,
        y,
        sum.alpha,
        sum.beta,
        modq(R),
        total - q.min,
        range(q.min, q.max),
        rand,
      ).map(proofJson),
    };
  });
  const unsigned = { election_uuid: election.uuid, election_hash: fp, credential, answers };
  const hash = hashJson(unsignedBallotString(unsigned));
  return { ...unsigned, signature: { hash, proof: proofJson(signBallotHash(secret, hash, rand)) } };
}

/** A checked ballot: its credential and its ciphertexts (per question, per answer). */
export interface CheckedBallot {
  readonly credential: bigint;
  readonly cts: readonly (readonly { alpha: bigint; beta: bigint }[])[];
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
function arr(v: unknown, n: number | undefined, what: string): unknown[] {
  if (!Array.isArray(v) || (n !== undefined && v.length !== n)) {
    throw new BeleniosError('BAD_SHAPE', `${what}: ${n === undefined ? 'an array' : `${n} items`} expected`);
  }
  return v;
}

/**
 * Every check Belenios makes of a ballot against its election: uuid and fingerprint, the signature
 * over the unsigned ballot's hash, each choice's 0/1 proof and each question's min..max proof.
 * The credential's membership (and weight) is the caller's check. Throws BeleniosError.
 */
export function checkBallot(electionString: string, election: ElectionJson, b: unknown): CheckedBallot {
  if (!isObj(b)) throw new BeleniosError('BAD_SHAPE', 'a ballot is an object');
  const fp = hashJson(electionString);
  if (b.election_uuid !== election.uuid)
    throw new BeleniosError('BAD_SHAPE', 'ballot for another election (uuid)');
  if (b.election_hash !== fp)
    throw new BeleniosError('BAD_SHAPE', 'ballot for another election (fingerprint)');
  const credential = readElement(b.credential, 'credential');
  const y = BigInt(election.public_key);
  const S0 = `${fp}|${credential}`;
  const answers = arr(b.answers, election.questions.length, 'answers');
  const cts = election.questions.map((q, qi) => {
    const a = answers[qi];
    if (!isObj(a) || Object.keys(a).length !== 3)
      throw new BeleniosError('BAD_SHAPE', `answers[${qi}]: choices and two proofs`);
    const cs = arr(a.choices, q.answers.length, `answers[${qi}].choices`).map((c, ci) => {
      if (!isObj(c)) throw new BeleniosError('BAD_SHAPE', `answers[${qi}].choices[${ci}]`);
      return { alpha: readElement(c.alpha, 'alpha'), beta: readElement(c.beta, 'beta') };
    });
    const ips = arr(a.individual_proofs, cs.length, `answers[${qi}].individual_proofs`);
    cs.forEach((c, ci) => {
      const ps = arr(ips[ci], 2, 'individual proof').map((p) => readProof(p, 'individual proof'));
      if (!iverify(S0, y, c.alpha, c.beta, [0, 1], ps)) {
        throw new BeleniosError('BAD_PROOF', `question ${qi}, answer ${ci}: the 0/1 proof does not verify`);
      }
    });
    const sum = cs.reduce((s, c) => ({ alpha: mul(s.alpha, c.alpha), beta: mul(s.beta, c.beta) }), {
      alpha: 1n,
      beta: 1n,
    });
    const ms = range(q.min, q.max);
    const op = arr(a.overall_proof, ms.length, `answers[${qi}].overall_proof`).map((p) =>
      readProof(p, 'overall proof'),
    );
    if (!iverify(`${S0}|${ctString(cs)}`, y, sum.alpha, sum.beta, ms, op)) {
      throw new BeleniosError('BAD_PROOF', `question ${qi}: the ${q.min}..${q.max} proof does not verify`);
    }
    return cs;
  });
  const sig = b.signature;
  if (!isObj(sig) || typeof sig.hash !== 'string') throw new BeleniosError('BAD_SHAPE', 'signature');
  const unsigned = unsignedBallotString({
    election_uuid: election.uuid,
    election_hash: fp,
    credential: String(b.credential),
    answers: b.answers as AnswerJson[],
  });
  if (sig.hash !== hashJson(unsigned))
    throw new BeleniosError('BAD_SIGNATURE', 'signature.hash is not the ballot hash');
  if (!verifyBallotSig(credential, sig.hash, readProof(sig.proof, 'signature.proof'))) {
    throw new BeleniosError('BAD_SIGNATURE', 'the credential signature does not verify');
  }
  return { credential, cts };
}
