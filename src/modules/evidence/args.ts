import { GongzhiError } from '../../errors/index.js';
import { S } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import { META_LIMITS } from './record.js';
import { EVIDENCE_ALGS } from './types.js';

/** The 32-byte digest argument; a wrong length is EVIDENCE_BAD_DIGEST (the caller hashed wrongly). */
export function readDigestArg(r: ShapeReader): Uint8Array {
  const v = r.raw('digest');
  if (!(v instanceof Uint8Array) || v.length !== 32) {
    throw new GongzhiError('EVIDENCE_BAD_DIGEST', 'digest must be 32 bytes', {
      field: 'digest',
      length: v instanceof Uint8Array ? v.length : -1,
    });
  }
  return v;
}

/** Schemas shared by the operations' argument schemas. */
export const schemas = {
  digest: S.Hex(32, 'SHA-256 or SM3 digest of the file (or batch root)'),
  alg: S.Union(
    EVIDENCE_ALGS.map((a) => S.Literal(a)),
    { description: 'hash algorithm of the digest' },
  ),
  meta: S.Object(
    {
      type: S.String({ maxLength: META_LIMITS.type, description: 'kind of evidence, e.g. contract, photo' }),
      capturedBy: S.String({ maxLength: META_LIMITS.capturedBy, description: 'who captured the data' }),
      capturedAt: S.Uint('when it was captured (ms since epoch)'),
      method: S.String({ maxLength: META_LIMITS.method, description: 'how it was captured' }),
      ref: S.Optional(S.String({ maxLength: META_LIMITS.ref, description: 'the owner’s own reference' })),
    },
    { additionalProperties: false },
  ),
};
