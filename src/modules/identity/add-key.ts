import type { SuiteId } from '../../crypto/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import { readFragment, readId, readKeyType, readPublicKey, readPurposes, schemas } from './args.js';
import { controlledDid, nextVersion } from './control.js';
import { checkNewKey } from './keys.js';
import { writeDid } from './state.js';
import type { DidRecord, KeyPurpose } from './types.js';

/** Arguments of `identity.addKey`. */
export interface AddKeyArgs {
  readonly id: string;
  readonly fragment: string;
  /** Defaults to the chain's key type. */
  readonly keyType?: SuiteId;
  readonly publicKey: Uint8Array;
  readonly purposes: KeyPurpose[];
}

/** `addKey {id, fragment, publicKey, keyType?, purposes?}`: the sender controls the DID; `check` returns the next version. */
export const addKey = defineMethod<AddKeyArgs, DidRecord>({
  summary: 'Add a verification method (key) to a DID the sender controls',
  args: S.Object(
    {
      id: schemas.id,
      fragment: schemas.fragment,
      keyType: S.Optional(schemas.keyType),
      publicKey: schemas.publicKey,
      purposes: S.Optional(schemas.purposes),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['id', 'fragment', 'keyType', 'publicKey', 'purposes']);
    const id = readId(r);
    const fragment = readFragment(r);
    const keyType = readKeyType(r);
    return {
      id,
      fragment,
      ...(keyType === undefined ? {} : { keyType }),
      publicKey: readPublicKey(r),
      purposes: readPurposes(r, ['authentication', 'assertionMethod']),
    };
  },
  check: (ctx, a) => {
    const rec = controlledDid(ctx, a.id);
    const key = checkNewKey(
      ctx,
      rec,
      { fragment: a.fragment, type: a.keyType ?? ctx.suite.id, publicKey: a.publicKey, purposes: a.purposes },
      0,
    );
    return nextVersion(ctx, rec, { keys: [...rec.keys, key] });
  },
  apply: (ctx, a, next) => {
    writeDid(ctx.state, next);
    ctx.emit('keyAdded', { id: a.id, fragment: a.fragment });
  },
});
