import { gpow, hashToQ, modq, pow, readElement, readScalar } from './group.js';
import type { Rand } from './proofs.js';
import {
  makeCert,
  makeCoefexps,
  type SignedMsgJson,
  type TrusteePublicKeyJson,
  trusteePublicKey,
  verificationKeyAt,
} from './trustees.js';

/**
 * Key generation of a Belenios election on our ledger, three rounds per trustee, each a
 * transaction: (1) a certificate (verification and encryption keys, self-signed), (2) the signed
 * Feldman commitments of a random polynomial of degree threshold−1 and one share per trustee
 * encrypted to its certificate's key, (3) the trustee's verification key `g^{S_j}` with its proof.
 * The archive carries what Belenios' `threshold_parameters` carry (certificates, commitments,
 * verification keys); the encrypted shares are ours (Belenios' own channel is AES-CCM between
 * trustees and never reaches the archive), written `{"alpha": g^r, "value": f(j) + H(ek_j^r)}`.
 * All trustee secrets derive from one seed the trustee keeps.
 */
export interface TrusteeSecrets {
  readonly sk: bigint;
  readonly dk: bigint;
  readonly poly: readonly bigint[];
}

export function trusteeSecrets(seed: string, threshold: number): TrusteeSecrets {
  return {
    sk: hashToQ(`sk|${seed}`),
    dk: hashToQ(`dk|${seed}`),
    poly: Array.from({ length: threshold }, (_, k) => hashToQ(`poly|${k}|${seed}`)),
  };
}

export const certMessage = (s: TrusteeSecrets, rand: Rand): SignedMsgJson => makeCert(s.sk, gpow(s.dk), rand);

const shareMask = (uuid: string, from: number, to: number, shared: bigint): bigint =>
  hashToQ(`share|${uuid}|${from}|${to}|${shared}`);

const evalPoly = (poly: readonly bigint[], x: number): bigint =>
  poly.reduceRight((acc, c) => modq(acc * BigInt(x) + c), 0n);

/** Round 2 from trustee `from`: commitments signed, and the share of every trustee encrypted. */
export function polyMessage(
  uuid: string,
  from: number,
  s: TrusteeSecrets,
  encryptionKeys: readonly bigint[],
  rand: Rand,
): { coefexps: SignedMsgJson; secrets: string[] } {
  const coefexps = makeCoefexps(
    s.sk,
    s.poly.map((a) => gpow(a)),
    rand,
  );
  const secrets = encryptionKeys.map((ek, k) => {
    const r = rand();
    const value = modq(evalPoly(s.poly, k + 1) + shareMask(uuid, from, k + 1, pow(ek, r)));
    return JSON.stringify({ alpha: gpow(r).toString(), value: value.toString() });
  });
  return { coefexps, secrets };
}

/** Read one encrypted share's shape (elements and scalars); BeleniosError otherwise. */
export function readShare(s: string): { alpha: bigint; value: bigint } {
  const o = JSON.parse(s) as { alpha?: unknown; value?: unknown };
  return { alpha: readElement(o.alpha, 'share.alpha'), value: readScalar(o.value, 'share.value') };
}

/**
 * Round 3 for trustee `to`: open the shares sent to it, check each against its sender's
 * commitments (a bad share is named by the sender's index), sum them into `S_j` and prove `g^{S_j}`.
 */
export function vkeyMessage(
  group: string,
  uuid: string,
  to: number,
  s: TrusteeSecrets,
  shares: readonly string[],
  commitments: readonly (readonly bigint[])[],
  rand: Rand,
): { secret: bigint; key: TrusteePublicKeyJson; bad: number[] } {
  let secret = 0n;
  const bad: number[] = [];
  shares.forEach((sh, i) => {
    const { alpha, value } = readShare(sh);
    const f = modq(value - shareMask(uuid, i + 1, to, pow(alpha, s.dk)));
    if (gpow(f) !== verificationKeyAt([commitments[i] ?? []], to)) bad.push(i + 1);
    secret = modq(secret + f);
  });
  return { secret, key: trusteePublicKey(group, secret, rand), bad };
}
