import { getSuite, type SuiteId } from '../../crypto/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CheckContext } from '../../execution/index.js';
import { bad } from './args.js';
import { MAX_STORED_KEYS } from './codecs.js';
import { at } from './control.js';
import { type DidKey, type DidRecord, type KeyPurpose, LIMITS } from './types.js';

/** The rules of a DID's verification methods, shared by addKey, revokeKey and rotateKey. */

/** A key to be added (its type resolved). */
export interface NewKey {
  readonly fragment: string;
  readonly type: SuiteId;
  readonly publicKey: Uint8Array;
  readonly purposes: readonly KeyPurpose[];
}

/** A public key valid for its type (IDENTITY_BAD_KEY). */
export function checkPublicKey(type: SuiteId, publicKey: Uint8Array): void {
  if (!getSuite(type).isPublicKey(publicKey)) {
    throw new GongzhiError('IDENTITY_BAD_KEY', `not a valid ${type} public key`, { type });
  }
}

/** The active (not revoked) key with `fragment`, or IDENTITY_KEY_NOT_FOUND. */
export function activeKey(rec: DidRecord, fragment: string): DidKey {
  const k = rec.keys.find((x) => x.fragment === fragment && x.revoked === undefined);
  if (k === undefined) {
    throw new GongzhiError('IDENTITY_KEY_NOT_FOUND', 'no active key with this fragment', { fragment });
  }
  return k;
}

/** The keys with `fragment` marked revoked by the current transaction (kept in the history). */
export function withRevoked(ctx: CheckContext, keys: readonly DidKey[], fragment: string): DidKey[] {
  return keys.map((k) => (k.fragment === fragment ? { ...k, revoked: at(ctx) } : k));
}

/**
 * Check `k` may join `rec` (`replacing` keys leave in the same transaction) and return it as
 * stored: a valid public key, a fragment never used before, within LIMITS.keys active keys (and
 * 4× that with revoked ones), authentication only with the chain's key type.
 */
export function checkNewKey(ctx: CheckContext, rec: DidRecord, k: NewKey, replacing: number): DidKey {
  checkPublicKey(k.type, k.publicKey);
  if (rec.keys.some((x) => x.fragment === k.fragment)) {
    throw new GongzhiError(
      'IDENTITY_KEY_EXISTS',
      'a key with this fragment exists (fragments are never reused)',
      {
        fragment: k.fragment,
      },
    );
  }
  const active = rec.keys.filter((x) => x.revoked === undefined).length - replacing;
  if (active >= LIMITS.keys || rec.keys.length >= MAX_STORED_KEYS) {
    throw new GongzhiError('IDENTITY_LIMIT', 'too many keys', { max: LIMITS.keys });
  }
  if (k.type !== ctx.suite.id && k.purposes.includes('authentication')) {
    bad('authentication keys must be of the chain key type', { keyType: k.type });
  }
  return {
    fragment: k.fragment,
    type: k.type,
    publicKey: k.publicKey,
    purposes: [...k.purposes],
    added: at(ctx),
  };
}
