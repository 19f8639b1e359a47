import { BeleniosError, gpow, modq, mul, pow, readElement } from './group.js';
import {
  type ProofJson,
  proofJson,
  provePok,
  type Rand,
  readProof,
  signMessage,
  verifyMessage,
  verifyPok,
} from './proofs.js';

/** Belenios' `trustee_public_key`: `g^x` with its proof of knowledge. */
export interface TrusteePublicKeyJson {
  readonly pok: ProofJson;
  readonly public_key: string;
}
export interface SignedMsgJson {
  readonly message: string;
  readonly signature: ProofJson;
}
/** `threshold_parameters` (§"Threshold parameters"): what the archive keeps of a Pedersen run. */
export interface ThresholdJson {
  readonly threshold: number;
  readonly certs: readonly SignedMsgJson[];
  readonly coefexps: readonly SignedMsgJson[];
  readonly verification_keys: readonly TrusteePublicKeyJson[];
}
export type TrusteeKindJson =
  | readonly ['Single', TrusteePublicKeyJson]
  | readonly ['Pedersen', ThresholdJson];

export function trusteePublicKey(group: string, x: bigint, rand: Rand): TrusteePublicKeyJson {
  return { pok: proofJson(provePok(group, x, rand)), public_key: gpow(x).toString() };
}

export function checkTrusteePublicKey(group: string, k: TrusteePublicKeyJson, what: string): bigint {
  const X = readElement(k.public_key, `${what}.public_key`);
  if (!verifyPok(group, X, readProof(k.pok, `${what}.pok`)))
    throw new BeleniosError('BAD_PROOF', `${what}: the key's proof of knowledge does not verify`);
  return X;
}

/** A Pedersen trustee's certificate: its verification and encryption keys, self-signed. */
export function makeCert(sk: bigint, ek: bigint, rand: Rand): SignedMsgJson {
  const message = JSON.stringify({ verification: gpow(sk).toString(), encryption: ek.toString() });
  return { message, signature: proofJson(signMessage(sk, message, rand)) };
}

/** A Pedersen trustee's signed Feldman commitments `A_k = g^{a_k}`. */
export function makeCoefexps(sk: bigint, coefexps: readonly bigint[], rand: Rand): SignedMsgJson {
  const message = JSON.stringify({ coefexps: coefexps.map(String) });
  return { message, signature: proofJson(signMessage(sk, message, rand)) };
}

/** Trustee j's verification key from everyone's commitments: Π_i Π_k A_{ik}^{j^k}. */
export function verificationKeyAt(all: readonly (readonly bigint[])[], j: number): bigint {
  let acc = 1n;
  for (const a of all) {
    let e = 1n;
    for (const c of a) {
      acc = mul(acc, pow(c, e));
      e = modq(e * BigInt(j));
    }
  }
  return acc;
}

/**
 * Every check of a Pedersen item that the archive allows: certificates and commitments signed by
 * the certificate's key, each commitment list t+1 long, each verification key equal to the
 * commitments evaluated at its index and proven. Returns the sub-key Π A_{i0} and the keys.
 */
export function checkThreshold(group: string, t: ThresholdJson): { subKey: bigint; keys: bigint[] } {
  const n = t.certs.length;
  if (t.coefexps.length !== n || t.verification_keys.length !== n || t.threshold < 1 || t.threshold > n) {
    throw new BeleniosError('BAD_SHAPE', 'threshold parameters: one cert, coefexps and key per trustee');
  }
  const commitments = t.certs.map((c, i) => {
    const keys = JSON.parse(c.message) as { verification?: unknown };
    const vk = readElement(keys.verification, `certs[${i}].verification`);
    if (!verifyMessage(vk, c.message, readProof(c.signature, `certs[${i}].signature`))) {
      throw new BeleniosError('BAD_SIGNATURE', `certs[${i}]: signature does not verify`);
    }
    const ce = t.coefexps[i] as SignedMsgJson;
    if (!verifyMessage(vk, ce.message, readProof(ce.signature, `coefexps[${i}].signature`))) {
      throw new BeleniosError('BAD_SIGNATURE', `coefexps[${i}]: signature does not verify`);
    }
    const raw = (JSON.parse(ce.message) as { coefexps?: unknown }).coefexps;
    if (!Array.isArray(raw) || raw.length !== t.threshold)
      throw new BeleniosError('BAD_SHAPE', `coefexps[${i}]: ${t.threshold} commitments`);
    return raw.map((x, k) => readElement(x, `coefexps[${i}][${k}]`));
  });
  const keys = t.verification_keys.map((k, j) => {
    const X = checkTrusteePublicKey(group, k, `verification_keys[${j}]`);
    if (X !== verificationKeyAt(commitments, j + 1))
      throw new BeleniosError('BAD_PROOF', `verification_keys[${j}] does not match the commitments`);
    return X;
  });
  return { subKey: commitments.reduce((acc, a) => mul(acc, a[0] as bigint), 1n), keys };
}
