import { sha256 } from '@noble/hashes/sha2';
import { type CborValue, concatBytes, encodeCanonical } from '../encoding/index.js';
import { createBallotNative } from './ballot-build-native.js';
import { verifyBallotNative } from './ballot-native.js';
import { type AnyGroup, deriveScalar, RISTRETTO, VoteCryptoError } from './group.js';
import {
  type Ct,
  decodePair,
  encodePair,
  type Pair,
  type Rng,
  rangeProve,
  rangeVerify,
  schnorrProve,
  schnorrVerify,
} from './proofs.js';
import { loadRistrettoNative } from './ristretto-native.js';

/** One question's shape as the ballot needs it: how many answers, and how many may be chosen. */
export interface QuestionShape {
  readonly answers: number;
  readonly min: number;
  readonly max: number;
}

/** What a ballot is checked against: fixed when the election opens. */
export interface BallotContext<E> {
  readonly grp: AnyGroup;
  /** The election fingerprint (SHA-256, see docs/voting.md): first item of every challenge. */
  readonly fingerprint: Uint8Array;
  /** The election public key (product of the trustees' constant commitments). */
  readonly y: E;
  readonly questions: readonly QuestionShape[];
}

/** One answered question on the wire: a ciphertext per answer, its 0/1 proof, the min..max proof. */
export interface AnswerWire {
  /** `α ‖ β` per answer. */
  readonly choices: readonly Uint8Array[];
  /** Per answer, the two `c ‖ s` pairs of its 0/1 proof. */
  readonly proofs: readonly (readonly Uint8Array[])[];
  /** The `max − min + 1` pairs proving the number of chosen answers is in min..max. */
  readonly overall: readonly Uint8Array[];
}

/** A secret ballot on the wire (and on the ledger). */
export interface BallotWire {
  /** The voting credential's public key (a group element). */
  readonly credential: Uint8Array;
  /**
   * The credential's ballot number, signed: a re-vote must carry a larger one, so an old ballot
   * replayed by someone else cannot displace the voter's last choice.
   */
  readonly seq: number;
  readonly answers: readonly AnswerWire[];
  /** Schnorr signature `c ‖ s` by the credential over the ballot digest. */
  readonly signature: Uint8Array;
}

/** CBOR form of a ballot (what `ballotDigest` and the ledger hold). */
export function ballotValue(b: Omit<BallotWire, 'signature'> & { signature?: Uint8Array }): CborValue {
  const answers = b.answers.map((a) => ({
    choices: [...a.choices],
    proofs: a.proofs.map((p) => [...p]),
    overall: [...a.overall],
  }));
  return b.signature === undefined
    ? { credential: b.credential, seq: b.seq, answers }
    : { credential: b.credential, seq: b.seq, answers, signature: b.signature };
}

/** What the credential signs: SHA-256 of CBOR `[DOMAIN, "ballot", fingerprint, {credential, seq, answers}]`. */
export function ballotDigest(fingerprint: Uint8Array, b: Omit<BallotWire, 'signature'>): Uint8Array {
  return sha256(
    encodeCanonical([
      'gongzhi-vote/v1',
      'ballot',
      fingerprint,
      ballotValue({ credential: b.credential, seq: b.seq, answers: b.answers }),
    ]),
  );
}

/** The ballot's own hash (SHA-256 of its CBOR with the signature): how the record names it. */
export function ballotHash(b: BallotWire): Uint8Array {
  return sha256(encodeCanonical(ballotValue(b)));
}

export const encodeCt = <E>(grp: AnyGroup, ct: Ct<E>): Uint8Array =>
  concatBytes(grp.encode(ct.a), grp.encode(ct.b));

export function decodeCt<E>(grp: AnyGroup, b: Uint8Array): Ct<E> {
  const n = grp.elementBytes;
  if (b.length !== 2 * n) throw new VoteCryptoError('BAD_SHAPE', `a ciphertext is ${2 * n} bytes`);
  return { a: grp.decode(b.subarray(0, n)), b: grp.decode(b.subarray(n)) };
}

/** A credential key pair from a 32-byte seed: `x = H(seed, "credential")`, `pk = g^x`. */
export function credentialFromSeed(
  grp: AnyGroup,
  seed: Uint8Array,
): { secret: bigint; publicKey: Uint8Array } {
  const secret = deriveScalar(grp, seed, 'credential');
  return { secret, publicKey: grp.encode(grp.gpow(secret)) };
}

const choiceCtx = (fp: Uint8Array, cred: Uint8Array, qi: number, ci: number): CborValue[] => [
  fp,
  cred,
  qi,
  'choice',
  ci,
];
const overallCtx = (fp: Uint8Array, cred: Uint8Array, qi: number): CborValue[] => [fp, cred, qi, 'overall'];

/**
 * Build a ballot: `selections[q][a]` is 1 when answer a of question q is chosen. All randomness is
 * derived from `seed` (the client draws it), so the same seed gives the same bytes.
 */
export function createBallot<E>(
  ctx: BallotContext<E>,
  credentialSecret: bigint,
  selections: readonly (readonly number[])[],
  seed: Uint8Array,
  seq = 1,
  /** Build with @noble even where the native addon is built (tests compare the bytes). */
  portable = false,
): BallotWire {
  const { grp, fingerprint: fp, y } = ctx;
  const combine = !portable && grp === RISTRETTO ? loadRistrettoNative() : undefined;
  if (combine !== undefined) {
    const yb = encodedKey(y);
    const built = createBallotNative(
      yb,
      fp,
      ctx.questions,
      credentialSecret,
      selections,
      seed,
      seq,
      (b) => ballotDigest(fp, b),
      combine,
    );
    if (built !== undefined) return built;
  }
  if (selections.length !== ctx.questions.length) {
    throw new VoteCryptoError('BAD_SHAPE', `the election has ${ctx.questions.length} questions`);
  }
  const credential = grp.encode(grp.gpow(credentialSecret));
  const rngAt =
    (prefix: string): Rng =>
    (label) =>
      deriveScalar(grp, seed, `${prefix}/${label}`);
  const answers = selections.map((sel, qi): AnswerWire => {
    const shape = ctx.questions[qi] as QuestionShape;
    if (sel.length !== shape.answers || sel.some((v) => v !== 0 && v !== 1)) {
      throw new VoteCryptoError('BAD_SHAPE', `question ${qi} needs ${shape.answers} choices of 0 or 1`);
    }
    const total = sel.reduce((s, v) => s + v, 0);
    if (total < shape.min || total > shape.max) {
      throw new VoteCryptoError('BAD_SHAPE', `question ${qi}: choose ${shape.min}..${shape.max}`);
    }
    const cts: Ct<E>[] = [];
    const proofs: Uint8Array[][] = [];
    let rSum = 0n;
    sel.forEach((m, ci) => {
      const r = deriveScalar(grp, seed, `q${qi}/c${ci}/r`);
      rSum += r;
      const ct = { a: grp.gpow(r), b: grp.mul(grp.gpow(BigInt(m)), grp.powSecret(y, r)) };
      cts.push(ct);
      const p = rangeProve(grp, choiceCtx(fp, credential, qi, ci), y, ct, r, m, 0, 1, rngAt(`q${qi}/c${ci}`));
      proofs.push(p.map((x) => encodePair(grp, x)));
    });
    const sum = sumCts(grp, cts);
    const overall = rangeProve(
      grp,
      overallCtx(fp, credential, qi),
      y,
      sum,
      rSum,
      total,
      shape.min,
      shape.max,
      rngAt(`q${qi}/overall`),
    );
    return {
      choices: cts.map((c) => encodeCt(grp, c)),
      proofs,
      overall: overall.map((x) => encodePair(grp, x)),
    };
  });
  const digest = ballotDigest(fp, { credential, seq, answers });
  const sig = schnorrProve(
    grp,
    'sig',
    [fp],
    credentialSecret,
    grp.gpow(credentialSecret),
    digest,
    deriveScalar(grp, seed, 'sig/w'),
  );
  return { credential, seq, answers, signature: encodePair(grp, sig) };
}

/** Product of ciphertexts (the encryption of the sum). */
export function sumCts<E>(grp: AnyGroup, cts: readonly Ct<E>[]): Ct<E> {
  // One ciphertext is its own sum: the same objects, so their exponentiation tables are reused.
  if (cts.length === 1) return cts[0] as Ct<E>;
  let a = grp.identity as E;
  let b = grp.identity as E;
  for (const c of cts) {
    a = grp.mul(a, c.a);
    b = grp.mul(b, c.b);
  }
  return { a, b };
}

/**
 * Check a ballot completely: shape, every element canonical, every 0/1 proof, every min..max
 * proof and the credential's signature. Returns the ciphertexts (per question, per answer) for
 * the tally; throws VoteCryptoError naming the first failure.
 */
export function verifyBallot<E>(ctx: BallotContext<E>, b: BallotWire): Ct<E>[][] {
  const { grp, fingerprint: fp, y } = ctx;
  if (b.answers.length !== ctx.questions.length) {
    throw new VoteCryptoError('BAD_SHAPE', `the election has ${ctx.questions.length} questions`);
  }
  const pk = grp.decode(b.credential);
  const out = b.answers.map((ans, qi) => {
    const shape = ctx.questions[qi] as QuestionShape;
    if (ans.choices.length > shape.answers || ans.overall.length > shape.max - shape.min + 1) {
      throw new VoteCryptoError(
        'TOO_MANY_CHOICES',
        `question ${qi} allows ${shape.min}..${shape.max} of ${shape.answers} answers`,
      );
    }
    if (ans.choices.length !== shape.answers || ans.proofs.length !== shape.answers) {
      throw new VoteCryptoError('BAD_SHAPE', `question ${qi} needs ${shape.answers} choices and proofs`);
    }
    if (ans.overall.length !== shape.max - shape.min + 1) {
      throw new VoteCryptoError('BAD_SHAPE', `question ${qi}: the overall proof has the wrong length`);
    }
    const cts = ans.choices.map((c) => decodeCt<E>(grp, c));
    cts.forEach((ct, ci) => {
      const pairs = (ans.proofs[ci] as readonly Uint8Array[]).map((p) => decodePair(grp, p));
      if (!rangeVerify(grp, choiceCtx(fp, b.credential, qi, ci), y, ct, 0, 1, pairs)) {
        throw new VoteCryptoError('BAD_PROOF', `question ${qi} answer ${ci}: the 0/1 proof does not verify`);
      }
    });
    const overall: Pair[] = ans.overall.map((p) => decodePair(grp, p));
    if (
      !rangeVerify(grp, overallCtx(fp, b.credential, qi), y, sumCts(grp, cts), shape.min, shape.max, overall)
    ) {
      throw new VoteCryptoError(
        'BAD_PROOF',
        `question ${qi}: the ${shape.min}..${shape.max} proof does not verify`,
      );
    }
    return cts;
  });
  const digest = ballotDigest(fp, b);
  if (!schnorrVerify(grp, 'sig', [fp], pk, digest, decodePair(grp, b.signature))) {
    throw new VoteCryptoError('BAD_SIGNATURE', 'the credential signature does not verify');
  }
  return out;
}

/** The election key's encoding by key object (the context's key is one prepared object per election). */
const keyBytes = new WeakMap<object, Uint8Array>();

function encodedKey(y: unknown): Uint8Array {
  const key = y as object;
  let b = keyBytes.get(key);
  if (b === undefined) {
    b = RISTRETTO.encode(y as never);
    keyBytes.set(key, b);
  }
  return b;
}

/**
 * Check a ballot completely, as `verifyBallot` does, without decoding its ciphertexts: on
 * ristretto255 with the native addon (src/voting-crypto/ristretto-native.ts) one native call
 * computes every commitment; a ballot it does not accept goes through `verifyBallot`, which
 * throws the same VoteCryptoError as on a node without the addon. `portable` forces @noble.
 */
export function checkBallot<E>(ctx: BallotContext<E>, b: BallotWire, portable = false): void {
  const combine = !portable && ctx.grp === RISTRETTO ? loadRistrettoNative() : undefined;
  if (combine !== undefined) {
    const y = encodedKey(ctx.y);
    const ok = verifyBallotNative(
      { fingerprint: ctx.fingerprint, y, questions: ctx.questions },
      b,
      () => ballotDigest(ctx.fingerprint, b),
      combine,
    );
    if (ok) return;
  }
  verifyBallot(ctx, b);
}
