import { utf8 } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import { readRoles } from '../governance/index.js';
import { bad, readControllers, readPublicKey, readPurposes, readServices, schemas } from './args.js';
import { assertControllersLive, at } from './control.js';
import { formatDid } from './did.js';
import { checkPublicKey } from './keys.js';
import { readDid, writeDid } from './state.js';
import { AGENT_ROLE, type DidRecord, type DidService, type KeyPurpose } from './types.js';

/** The message a subject signs to consent to an agent creating her DID. */
export function createConsentMessage(did: string, agent: string): Uint8Array {
  return utf8(`gongzhi/identity/create\n${did}\n${agent}`);
}

/** Arguments of `identity.create`. */
export interface CreateArgs {
  readonly publicKey: Uint8Array;
  readonly purposes: KeyPurpose[];
  readonly services: DidService[];
  readonly controllers: string[];
  readonly consent?: Uint8Array;
}

/**
 * `create {publicKey, purposes?, services?, controllers?, consent?}`: the DID id is the address
 * of `publicKey` (a chain-type key, fragment `key-1`). The subject sends it herself, or a user
 * agent (governance role `identity-agent`) sends it with `consent`: the subject's signature over
 * `createConsentMessage(did, agent)`. `check` returns the new record.
 */
export const create = defineMethod<CreateArgs, DidRecord>({
  summary: 'Create a DID whose id is the address of its first key (by the subject, or an agent with consent)',
  args: S.Object(
    {
      publicKey: schemas.publicKey,
      purposes: S.Optional(schemas.purposes),
      services: S.Optional(schemas.services),
      controllers: S.Optional(schemas.controllers),
      consent: S.Optional(
        S.String({
          pattern: '^([0-9a-f]{2}){1,128}$',
          description:
            'the subject’s signature over createConsentMessage(did, agent), when an agent sends it',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['publicKey', 'purposes', 'services', 'controllers', 'consent']);
    return {
      publicKey: readPublicKey(r),
      purposes: readPurposes(r, ['authentication', 'assertionMethod']),
      services: r.has('services') ? readServices(r) : [],
      controllers: r.has('controllers') ? readControllers(r) : [],
      ...(r.has('consent') ? { consent: r.bytes('consent', undefined, 128) } : {}),
    };
  },
  check: (ctx, a) => {
    checkPublicKey(ctx.suite.id, a.publicKey);
    const id = ctx.suite.address(a.publicKey);
    if (a.controllers.includes(id)) bad('a DID cannot list itself as controller');
    const existing = readDid(ctx.state, id);
    if (existing !== undefined) {
      throw new GongzhiError('IDENTITY_EXISTS', 'this DID already exists', {
        id,
        height: existing.created.height,
      });
    }
    assertControllersLive(ctx.state, a.controllers);
    const did = formatDid(ctx.chain, ctx.group, id);
    if (ctx.sender !== id) {
      if (!readRoles(ctx.state, ctx.sender).includes(AGENT_ROLE)) {
        throw new GongzhiError(
          'IDENTITY_NOT_AGENT',
          `only the subject or an ${AGENT_ROLE} may create a DID`,
          { account: ctx.sender },
        );
      }
      if (
        a.consent === undefined ||
        !ctx.suite.verify(a.publicKey, createConsentMessage(did, ctx.sender), a.consent)
      ) {
        throw new GongzhiError(
          'IDENTITY_BAD_CONSENT',
          "the subject's consent signature is missing or invalid",
          {
            id,
          },
        );
      }
    }
    const now = at(ctx);
    return {
      id,
      did,
      version: 1,
      keys: [
        { fragment: 'key-1', type: ctx.suite.id, publicKey: a.publicKey, purposes: a.purposes, added: now },
      ],
      controllers: a.controllers,
      services: a.services,
      createdBy: ctx.sender,
      created: now,
      updated: now,
    };
  },
  apply: (ctx, _a, record) => {
    writeDid(ctx.state, record);
    ctx.emit('created', { id: record.id, by: ctx.sender });
  },
});
