import { BeleniosError, div, gpow, hashToQ, modq, mul, pow, readScalar } from './group.js';

/** Belenios' `proof`: a challenge and a response, base-10 strings on the wire. */
export interface ProofJson {
  readonly challenge: string;
  readonly response: string;
}
export interface Proof {
  readonly challenge: bigint;
  readonly response: bigint;
}

/** Randomness is the caller's: a client passes a CSPRNG, tests a seeded one; the module none. */
export type Rand = () => bigint;

export const proofJson = (p: Proof): ProofJson => ({
  challenge: p.challenge.toString(),
  response: p.response.toString(),
});

export function readProof(v: unknown, what: string): Proof {
  if (typeof v !== 'object' || v === null) throw new BeleniosError('BAD_SHAPE', `${what}: not a proof`);
  const o = v as Record<string, unknown>;
  if (Object.keys(o).length !== 2) throw new BeleniosError('BAD_SHAPE', `${what}: a proof has two fields`);
  return {
    challenge: readScalar(o.challenge, `${what}.challenge`),
    response: readScalar(o.response, `${what}.response`),
  };
}

/** Schnorr proof of `x` for `X = g^x`, challenge `H(prefix ‖ A)` — pok, sig and sigmsg. */
function schnorr(x: bigint, rand: Rand, challengeOf: (a: bigint) => bigint): Proof {
  const w = rand();
  const challenge = challengeOf(gpow(w));
  return { challenge, response: modq(w - x * challenge) };
}

const schnorrOk = (X: bigint, p: Proof, challengeOf: (a: bigint) => bigint): boolean =>
  challengeOf(mul(gpow(p.response), pow(X, p.challenge))) === p.challenge;

/** `pok|G|X|A`: proof of knowledge of a trustee's private key (§"Verification keys"). */
const pokHash = (group: string, X: bigint) => (a: bigint) => hashToQ(`pok|${group}|${X}|${a}`);
export const provePok = (group: string, x: bigint, rand: Rand): Proof =>
  schnorr(x, rand, pokHash(group, gpow(x)));
export const verifyPok = (group: string, X: bigint, p: Proof): boolean => schnorrOk(X, p, pokHash(group, X));

/** `sig|H|A`: a ballot's signature with the voter's credential over the ballot's hash (§"Signatures"). */
const sigHash = (h: string) => (a: bigint) => hashToQ(`sig|${h}|${a}`);
export const signBallotHash = (s: bigint, h: string, rand: Rand): Proof => schnorr(s, rand, sigHash(h));
export const verifyBallotSig = (cred: bigint, h: string, p: Proof): boolean => schnorrOk(cred, p, sigHash(h));

/** `sigmsg|M|A`: a threshold trustee's signed message (§"Public key infrastructure"). */
const sigmsgHash = (m: string) => (a: bigint) => hashToQ(`sigmsg|${m}|${a}`);
export const signMessage = (sk: bigint, m: string, rand: Rand): Proof => schnorr(sk, rand, sigmsgHash(m));
export const verifyMessage = (vk: bigint, m: string, p: Proof): boolean => schnorrOk(vk, p, sigmsgHash(m));

/**
 * Disjunctive Chaum–Pedersen proof that `(α, β) = (g^r, y^r g^{M_i})` for one `M_i` of `ms`
 * (§"Proofs of interval membership"), challenge `prove|S|α,β|A_0,B_0,…`.
 */
export function iprove(
  S: string,
  y: bigint,
  alpha: bigint,
  beta: bigint,
  r: bigint,
  i: number,
  ms: readonly number[],
  rand: Rand,
): Proof[] {
  const proofs: (Proof | undefined)[] = [];
  const commits: string[] = [];
  let others = 0n;
  const w = rand();
  ms.forEach((m, j) => {
    if (j === i) {
      commits.push(`${gpow(w)},${pow(y, w)}`);
      proofs.push(undefined);
      return;
    }
    const p = { challenge: rand(), response: rand() };
    others += p.challenge;
    commits.push(iCommit(y, alpha, beta, m, p));
    proofs.push(p);
  });
  const challenge = modq(hashToQ(`prove|${S}|${alpha},${beta}|${commits.join(',')}`) - others);
  proofs[i] = { challenge, response: modq(w - r * challenge) };
  return proofs as Proof[];
}

function iCommit(y: bigint, alpha: bigint, beta: bigint, m: number, p: Proof): string {
  const a = mul(gpow(p.response), pow(alpha, p.challenge));
  const b = mul(pow(y, p.response), pow(div(beta, gpow(BigInt(m))), p.challenge));
  return `${a},${b}`;
}

export function iverify(
  S: string,
  y: bigint,
  alpha: bigint,
  beta: bigint,
  ms: readonly number[],
  proofs: readonly Proof[],
): boolean {
  if (proofs.length !== ms.length) return false;
  let sum = 0n;
  const commits = ms.map((m, j) => {
    const p = proofs[j] as Proof;
    sum += p.challenge;
    return iCommit(y, alpha, beta, m, p);
  });
  return hashToQ(`prove|${S}|${alpha},${beta}|${commits.join(',')}`) === modq(sum);
}

/** `decrypt|φ|X|A,B`: a decryption factor `α^x` is correct for the trustee key `X = g^x`. */
const decHash = (fp: string, X: bigint) => (a: bigint, b: bigint) => hashToQ(`decrypt|${fp}|${X}|${a},${b}`);

export function proveFactor(fp: string, x: bigint, alpha: bigint, rand: Rand): Proof {
  const w = rand();
  const challenge = decHash(fp, gpow(x))(gpow(w), pow(alpha, w));
  return { challenge, response: modq(w - x * challenge) };
}

export function verifyFactor(fp: string, X: bigint, alpha: bigint, factor: bigint, p: Proof): boolean {
  const a = mul(gpow(p.response), pow(X, p.challenge));
  const b = mul(pow(alpha, p.response), pow(factor, p.challenge));
  return decHash(fp, X)(a, b) === p.challenge;
}
