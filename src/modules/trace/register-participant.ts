import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import { ADDRESS, readBizSteps, readGln, schemas } from './args.js';
import {
  addToList,
  LIMITS,
  listIds,
  type Participant,
  participantOfAccount,
  readParticipant,
  registryKeys,
  writeAccount,
  writeParticipant,
} from './registry.js';
import { defaultBizSteps, PARTICIPANT_KINDS } from './vocabulary.js';

/** What `registerParticipant` changes, computed by check. */
interface Prepared {
  readonly participant: Participant;
  readonly previous?: Participant;
  readonly ids: readonly string[];
}

/**
 * `registerParticipant`: the trace admin registers (or updates) an organisation — its accounts,
 * its kind and the bizSteps it may record (default: its kind's). An account belongs to one
 * participant; accounts dropped on update lose their link.
 */
export const registerParticipant = defineMethod<Participant, Prepared>({
  summary: 'Register or update an organisation: its accounts and the bizSteps it may record',
  args: S.Object(
    {
      id: schemas.id,
      name: schemas.name,
      kind: S.Union(PARTICIPANT_KINDS.map((k) => S.Literal(k))),
      accounts: S.Array(S.String({ pattern: ADDRESS.source }), { minItems: 1, maxItems: LIMITS.accounts }),
      bizSteps: S.Optional(
        S.Array(S.String({ maxLength: 256, description: 'CBV term (shipping), gz:<term> or URI' }), {
          maxItems: LIMITS.bizSteps,
        }),
      ),
      publish: S.Optional(S.Boolean({ description: 'show the name on consumer pages (default false)' })),
      gln: S.Optional(
        S.String({
          pattern: '^[0-9]{13}$',
          description: 'party GLN-13: shipments naming 417/<gln> as destination are received only by it',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['id', 'name', 'kind', 'accounts', 'bizSteps', 'publish', 'gln']);
    const kind = r.oneOf('kind', PARTICIPANT_KINDS);
    const accounts = r.strs('accounts', LIMITS.accounts, 128, true);
    if (accounts.length === 0) r.fail('accounts', 'at least one account');
    for (const a of accounts)
      if (!ADDRESS.test(a)) r.fail('accounts', 'account addresses (gz + 40 hex digits)');
    return {
      id: r.id('id'),
      name: r.str('name', LIMITS.name),
      kind,
      accounts,
      bizSteps: r.has('bizSteps') ? readBizSteps(r, 'bizSteps', LIMITS.bizSteps) : defaultBizSteps(kind),
      publish: r.optBool('publish', false),
      ...(r.has('gln') ? { gln: readGln(r, 'gln') } : {}),
    };
  },
  check: ({ state }, p) => {
    for (const a of p.accounts) {
      const owner = participantOfAccount(state, a);
      if (owner !== undefined && owner !== p.id) {
        throw new GongzhiError('TRACE_ACCOUNT_TAKEN', `account ${a} belongs to participant ${owner}`, {
          account: a,
          participant: owner,
        });
      }
    }
    const previous = readParticipant(state, p.id);
    const ids = listIds(state, registryKeys.participants());
    if (previous === undefined && ids.length >= LIMITS.participants) {
      throw new GongzhiError('TRACE_LIMIT', `at most ${LIMITS.participants} participants`, {
        max: LIMITS.participants,
      });
    }
    return previous === undefined ? { participant: p, ids } : { participant: p, previous, ids };
  },
  apply: (ctx, _a, { participant: p, previous, ids }) => {
    for (const a of previous?.accounts ?? [])
      if (!p.accounts.includes(a)) ctx.state.delete(registryKeys.account(a));
    for (const a of p.accounts) writeAccount(ctx.state, a, p.id);
    writeParticipant(ctx.state, p);
    addToList(ctx.state, registryKeys.participants(), ids, p.id);
    ctx.emit('participant', {
      id: p.id,
      kind: p.kind,
      accounts: [...p.accounts],
      updated: previous !== undefined,
    });
  },
});
