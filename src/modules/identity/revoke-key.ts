import { defineMethod, readArgs, S } from '../../execution/index.js';
import { readFragment, readId, schemas } from './args.js';
import { assertControllable, controlledDid, nextVersion } from './control.js';
import { activeKey, withRevoked } from './keys.js';
import { writeDid } from './state.js';
import type { DidRecord } from './types.js';

/** Arguments of `identity.revokeKey`. */
export interface RevokeKeyArgs {
  readonly id: string;
  readonly fragment: string;
}

/**
 * `revokeKey {id, fragment}`: the key stays in the history with its revocation block. Refused
 * when the DID would be left with neither a chain-type authentication key nor a controller.
 */
export const revokeKey = defineMethod<RevokeKeyArgs, DidRecord>({
  summary: 'Revoke a key of a DID the sender controls (kept in the key history)',
  args: S.Object({ id: schemas.id, fragment: schemas.fragment }, { additionalProperties: false }),
  parse: (v) => {
    const r = readArgs(v, ['id', 'fragment']);
    return { id: readId(r), fragment: readFragment(r) };
  },
  check: (ctx, a) => {
    const rec = controlledDid(ctx, a.id);
    activeKey(rec, a.fragment);
    const keys = withRevoked(ctx, rec.keys, a.fragment);
    assertControllable(ctx, keys, rec.controllers);
    return nextVersion(ctx, rec, { keys });
  },
  apply: (ctx, a, next) => {
    writeDid(ctx.state, next);
    ctx.emit('keyRevoked', { id: a.id, fragment: a.fragment });
  },
});
