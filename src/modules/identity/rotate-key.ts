import type { SuiteId } from '../../crypto/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import {
  FRAGMENT_RE,
  readFragment,
  readId,
  readKeyType,
  readPublicKey,
  readPurposes,
  schemas,
} from './args.js';
import { controlledDid, nextVersion } from './control.js';
import { activeKey, checkNewKey, withRevoked } from './keys.js';
import { writeDid } from './state.js';
import type { DidRecord, KeyPurpose } from './types.js';

/** Arguments of `identity.rotateKey`. */
export interface RotateKeyArgs {
  readonly id: string;
  readonly old: string;
  readonly fragment: string;
  readonly publicKey: Uint8Array;
  readonly keyType?: SuiteId;
  readonly purposes?: KeyPurpose[];
}

/**
 * `rotateKey {id, old, fragment, publicKey, keyType?, purposes?}`: atomically revoke key `old`
 * and add the new key (type and purposes default to the old key's). `check` returns the next version.
 */
export const rotateKey = defineMethod<RotateKeyArgs, DidRecord>({
  summary: 'Replace a key of a DID in one step: revoke the old key, add the new one',
  args: S.Object(
    {
      id: schemas.id,
      old: S.String({ pattern: FRAGMENT_RE.source, description: 'fragment of the key to revoke' }),
      fragment: schemas.fragment,
      keyType: S.Optional(schemas.keyType),
      publicKey: schemas.publicKey,
      purposes: S.Optional(schemas.purposes),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['id', 'old', 'fragment', 'keyType', 'publicKey', 'purposes']);
    const id = readId(r);
    const old = readFragment(r, 'old');
    const fragment = readFragment(r);
    const publicKey = readPublicKey(r);
    const keyType = readKeyType(r);
    return {
      id,
      old,
      fragment,
      publicKey,
      ...(keyType === undefined ? {} : { keyType }),
      ...(r.has('purposes') ? { purposes: readPurposes(r, []) } : {}),
    };
  },
  check: (ctx, a) => {
    const rec = controlledDid(ctx, a.id);
    const old = activeKey(rec, a.old);
    const key = checkNewKey(
      ctx,
      rec,
      {
        fragment: a.fragment,
        type: a.keyType ?? old.type,
        publicKey: a.publicKey,
        purposes: a.purposes ?? old.purposes,
      },
      1,
    );
    return nextVersion(ctx, rec, { keys: [...withRevoked(ctx, rec.keys, a.old), key] });
  },
  apply: (ctx, a, next) => {
    writeDid(ctx.state, next);
    ctx.emit('keyRotated', { id: a.id, old: a.old, fragment: a.fragment });
  },
});
