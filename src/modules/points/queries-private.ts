import { encodeCanonical, fromHex, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineQuery, type QueryContext, S, stringListCodec } from '../../execution/index.js';
import { consentCodec } from './consent.js';
import { keys } from './keys.js';
import { accountJson, accountSchema, addrParam, programParam, qs } from './queries.js';
import { readRecord } from './stored.js';
import type { Program } from './types.js';

/**
 * Signed reads of a member's holdings (issue 17, item 13): answered only to the member herself,
 * the program's issuer, its clearing provider or a supervisor. The reader signs
 * `{domain, group, program, account, height}` (canonical CBOR) with her account key at a height at
 * most READ_WINDOW blocks old, so a read cannot be replayed much later. In a program with
 * `privateBalances`, the public `account` query refuses members' holdings.
 *
 * What this does not hide: the blocks themselves (claims, transfers and their events) are read by
 * every consortium node and by whoever may read the node's block routes; who may reach the API is
 * the deployment's to control (docs/points.md, "Who may read a balance").
 */

export const READ_DOMAIN = 'gongzhi-points-read/1';
export const READ_WINDOW = 100;

/** The bytes a reader signs. */
export function readMessage(group: string, program: string, account: string, height: number): Uint8Array {
  return encodeCanonical({ domain: READ_DOMAIN, group, program, account, height });
}

function deny(message: string, details: Record<string, string | number> = {}): never {
  throw new GongzhiError('POINTS_READ_DENIED', message, details);
}

/** Whether `reader` may read `account`'s holdings in `p`. */
function mayRead(ctx: QueryContext, p: Program, reader: string, account: string): boolean {
  if (reader === account || reader === p.issuer || reader === p.clearing) return true;
  return ctx.state.getRaw(keys.role(p.id, 'supervisor', reader)) !== undefined;
}

const HEX = /^[0-9a-f]+$/;

const signedAccount = defineQuery({
  summary: 'A member’s holdings for a signed read by her, the issuer, the clearing provider or a supervisor',
  args: S.Object({
    program: qs.program(),
    account: qs.account(),
    reader: S.String({ pattern: '^[0-9a-f]{64,130}$', description: 'the reader’s public key (hex)' }),
    height: S.UintParam('the height signed, at most 100 blocks old'),
    sig: S.String({ pattern: '^[0-9a-f]{128,160}$', description: 'signature of the read message (hex)' }),
    at: qs.uintParam('judge duration expiry at this time, ms'),
  }),
  result: accountSchema,
  run: (ctx, q) => {
    const p = programParam(ctx.state, q);
    const account = addrParam(q, 'account');
    const key = fromHex(q.str('reader', 130, HEX, 'a public key (hex)'));
    const sig = fromHex(q.str('sig', 160, HEX, 'a signature (hex)'));
    const height = q.uint('height', undefined);
    if (!ctx.suite.isPublicKey(key)) deny('reader is not a public key of this chain’s suite');
    if (height > ctx.height || ctx.height - height > READ_WINDOW) {
      deny(`the signed height must be within ${READ_WINDOW} blocks of the head`, {
        height,
        head: ctx.height,
      });
    }
    if (!ctx.suite.verify(key, readMessage(ctx.group, p.id, account, height), sig)) {
      deny('the read signature does not verify');
    }
    const reader = ctx.suite.address(key);
    if (!mayRead(ctx, p, reader, account)) {
      deny('only the member, the issuer, the clearing provider or a supervisor reads these holdings', {
        reader,
      });
    }
    return accountJson(ctx.state, ctx.height, p, account, q);
  },
});

const consents = defineQuery({
  summary: 'A member’s consent records, one per distributor she authorised (in force or withdrawn)',
  args: S.Object({ program: qs.program(), account: qs.account() }),
  result: S.Object({
    program: S.String(),
    account: S.String(),
    consents: S.Array(S.Record(S.String(), S.Unknown())),
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const account = addrParam(q, 'account');
    const list = readRecord(state, keys.consentList(p.id, account), stringListCodec) ?? [];
    const out = list.flatMap((distributor) => {
      const c = readRecord(state, keys.consent(p.id, account, distributor), consentCodec);
      return c === undefined ? [] : [{ distributor, ...c, kinds: [...c.kinds], text: toHex(c.text) }];
    });
    return { program: p.id, account, consents: out };
  },
});

export const privateQueries = { signedAccount, consents };
