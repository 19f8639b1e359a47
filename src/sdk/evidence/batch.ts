import { bytesEqual, type CborValue, fromHex, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { leafHash, nodeHash, ShapeReader } from '../../ledger/index.js';
import type { EvidenceHasher } from './hash.js';
import { EVIDENCE_ALGS, type EvidenceProof, type EvidenceProofOp, MAX_BATCH_COUNT } from './types.js';

/** Most operations a proof may have (a leaf step plus one step per tree level). */
export const MAX_PROOF_OPS = 64;

/** A batch root and, in input order, one proof per file digest. */
export interface EvidenceBatch {
  /** The root to anchor (with `batch: {count}`). */
  readonly root: Uint8Array;
  readonly proofs: readonly EvidenceProof[];
}

function badDigest(message: string, index: number): GongzhiError {
  return new GongzhiError('EVIDENCE_BAD_DIGEST', message, { index });
}

/**
 * Build a batch over file digests (1..MAX_BATCH_COUNT distinct 32-byte digests, hashed with
 * `hasher`): the tree is the ledger's Merkle tree (`leafHash` leaves, `nodeHash` inner nodes,
 * an odd last node promoted), so `root` equals `merkleRoot(hash, digests.map(leafHash))`.
 * Runs in O(n log n). Throws EVIDENCE_BAD_DIGEST for an empty, oversized or duplicated list.
 */
export function buildBatch(hasher: EvidenceHasher, digests: readonly Uint8Array[]): EvidenceBatch {
  if (digests.length === 0 || digests.length > MAX_BATCH_COUNT) {
    throw new GongzhiError('EVIDENCE_BAD_DIGEST', `a batch holds 1..${MAX_BATCH_COUNT} digests`, {
      count: digests.length,
    });
  }
  const seen = new Set<string>();
  digests.forEach((d, i) => {
    if (!(d instanceof Uint8Array) || d.length !== 32) throw badDigest('digests must be 32 bytes', i);
    const h = toHex(d);
    if (seen.has(h)) throw badDigest('duplicate digest in batch', i);
    seen.add(h);
  });
  const hash = (b: Uint8Array): Uint8Array => hasher.hash(b);
  const levels: Uint8Array[][] = [digests.map((d) => leafHash(hash, d))];
  for (let level = levels[0] as Uint8Array[]; level.length > 1; ) {
    const next: Uint8Array[] = [];
    for (let j = 0; j < level.length; j += 2) {
      const l = level[j] as Uint8Array;
      const r = level[j + 1];
      next.push(r === undefined ? l : nodeHash(hash, l, r));
    }
    levels.push(next);
    level = next;
  }
  const root = (levels[levels.length - 1] as Uint8Array[])[0] as Uint8Array;
  const rootHex = toHex(root);
  const proofs = digests.map((d, index): EvidenceProof => {
    const ops: EvidenceProofOp[] = [{ op: 'leaf' }];
    let i = index;
    for (let l = 0; l < levels.length - 1; l++) {
      const sibling = (levels[l] as Uint8Array[])[i ^ 1];
      if (sibling !== undefined) ops.push({ op: i % 2 === 0 ? 'right' : 'left', hash: toHex(sibling) });
      i >>= 1;
    }
    return { version: 1, alg: hasher.hashName, leaf: toHex(d), ops, root: rootHex };
  });
  return { root, proofs };
}

/** A 32-byte value as the JSON formats carry it: 64 lower-case hex digits. */
export const HEX32_RE = /^[0-9a-f]{64}$/;
/** How the readers describe a HEX32_RE value in their messages. */
export const HEX32 = '32 bytes of lower-case hex';

function badProof(message: string, details: Record<string, string | number> = {}): GongzhiError {
  return new GongzhiError('EVIDENCE_BAD_PROOF', message, details);
}

/**
 * Strictly parse a proof from untrusted JSON: exact fields, version 1, a known algorithm,
 * lower-case 32-byte hex values, a single leading `leaf` operation followed by at most
 * MAX_PROOF_OPS - 1 `left`/`right` steps. Throws EVIDENCE_BAD_PROOF naming the field.
 */
export function parseProof(v: unknown): EvidenceProof {
  // JSON values are CBOR values (no bytes, no bigints): the shared reader checks them the same way.
  const r = ShapeReader.of(
    v as CborValue,
    ['version', 'alg', 'leaf', 'ops', 'root'],
    'EVIDENCE_BAD_PROOF',
    'proof',
  );
  if (r.uint('version') !== 1) r.fail('version', '1 (the only version)');
  const alg = r.oneOf('alg', EVIDENCE_ALGS);
  const leaf = r.match('leaf', HEX32_RE, HEX32, 64);
  const root = r.match('root', HEX32_RE, HEX32, 64);
  const rawOps = r.array('ops', MAX_PROOF_OPS);
  if (rawOps.length === 0) r.fail('ops', `1..${MAX_PROOF_OPS} operations`);
  const ops = rawOps.map((o, i): EvidenceProofOp => {
    const at = `proof.ops[${i}]`;
    if (i === 0) {
      r.sub(o, at, ['op']).oneOf('op', ['leaf']);
      return { op: 'leaf' };
    }
    const s = r.sub(o, at, ['op', 'hash']);
    return { op: s.oneOf('op', ['left', 'right']), hash: s.match('hash', HEX32_RE, HEX32, 64) };
  });
  return { version: 1, alg, leaf, ops, root };
}

/**
 * Recompute the root reached from `digest` by the proof's operations. The proof's own `leaf`
 * and `root` are not consulted (see `verifyProof`). Throws EVIDENCE_BAD_PROOF for a malformed
 * proof or one for another algorithm than `hasher`'s, EVIDENCE_BAD_DIGEST for a digest that is
 * not 32 bytes.
 */
export function applyProof(hasher: EvidenceHasher, digest: Uint8Array, proof: EvidenceProof): Uint8Array {
  const p = parseProof(proof);
  if (p.alg !== hasher.hashName) {
    throw badProof('proof algorithm differs from the hasher', { proof: p.alg, hasher: hasher.hashName });
  }
  if (!(digest instanceof Uint8Array) || digest.length !== 32) {
    throw new GongzhiError('EVIDENCE_BAD_DIGEST', 'digest must be 32 bytes', { length: digest?.length ?? 0 });
  }
  const hash = (b: Uint8Array): Uint8Array => hasher.hash(b);
  let acc = digest;
  for (const o of p.ops) {
    if (o.op === 'leaf') acc = leafHash(hash, acc);
    else if (o.op === 'left') acc = nodeHash(hash, fromHex(o.hash), acc);
    else acc = nodeHash(hash, acc, fromHex(o.hash));
  }
  return acc;
}

/**
 * True when `proof` is well-formed, is about `digest` (`proof.leaf`), and leads from it to
 * `proof.root` — and to `root` as well when given. Never throws.
 */
export function verifyProof(
  hasher: EvidenceHasher,
  digest: Uint8Array,
  proof: EvidenceProof,
  root?: Uint8Array,
): boolean {
  try {
    const p = parseProof(proof);
    if (p.leaf !== toHex(digest)) return false;
    const got = applyProof(hasher, digest, p);
    if (!bytesEqual(got, fromHex(p.root))) return false;
    return root === undefined || bytesEqual(got, root);
  } catch {
    return false;
  }
}
