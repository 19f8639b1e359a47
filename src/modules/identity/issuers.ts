import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import type { StateReader } from '../../state/index.js';
import { bad, readCategory, readId, schemas } from './args.js';
import { MAX_ISSUER_PERIODS } from './codecs.js';
import { at, liveDid } from './control.js';
import {
  checkExternalDerecognition,
  checkExternalRecognition,
  type ExternalRecognition,
  externalDidSchema,
  readExternalDid,
  writeExternal,
} from './external-issuers.js';
import { readIssuerIndex, readIssuerPeriods, writeIssuerIndex, writeIssuerPeriods } from './state.js';
import { ISSUER_CATEGORIES, type IssuerCategory, type IssuerPeriod, LIMITS } from './types.js';

/**
 * The issuer trust registry: the committee's registrar (governance role `identity-registrar`,
 * granted by vote) recognises DIDs as issuers of a category, and withdraws recognition with a
 * reason. Each recognition is a period kept for ever, so "was this issuer recognised at T" has an
 * answer.
 */

/** True when the last period is still open. */
export function isOpen(periods: readonly IssuerPeriod[]): boolean {
  const last = periods[periods.length - 1];
  return last !== undefined && last.until === undefined;
}

/** True when `id` is currently recognised in some category. */
export function recognisedAnywhere(state: StateReader, id: string): boolean {
  return ISSUER_CATEGORIES.some((c) => isOpen(readIssuerPeriods(state, id, c)));
}

/**
 * Arguments of `identity.recognizeIssuer`: a did:gongzhi issuer by its `id`, or (since issue 14) a
 * did:key / did:jwk / did:web issuer by its `did` (./external-issuers.ts). Transactions with `id`
 * read and execute exactly as before.
 */
export type RecognizeArgs =
  | { readonly id: string; readonly did?: undefined; readonly category: IssuerCategory }
  | { readonly id?: undefined; readonly did: string; readonly category: IssuerCategory };

/** `id` or `did` (not both). */
function readWho(r: ShapeReader): { id: string } | { did: string } {
  if (r.has('did')) {
    if (r.has('id')) bad('give id or did, not both');
    return { did: readExternalDid(r) };
  }
  return { id: readId(r) };
}

/** What `recognizeIssuer` writes: the periods with the new one, and the category index when the DID is new to it. */
export interface Recognition {
  readonly periods: readonly IssuerPeriod[];
  readonly index?: readonly string[];
}

/**
 * `recognizeIssuer {id, category}`: opens a recognition period of a live DID. Permitted (genesis
 * permissions) to the governance role `identity-registrar`.
 */
export const recognizeIssuer = defineMethod<RecognizeArgs, Recognition | ExternalRecognition>({
  summary: 'Recognise a DID as an issuer of a category (the registrar role)',
  args: S.Object(
    { id: S.Optional(schemas.id), did: S.Optional(externalDidSchema), category: schemas.category },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['id', 'category', 'did']);
    const who = readWho(r);
    return { ...who, category: readCategory(r) } as RecognizeArgs;
  },
  check: (ctx, a) => {
    if (a.did !== undefined) return checkExternalRecognition(ctx, a.did, a.category);
    liveDid(ctx.state, a.id);
    const periods = readIssuerPeriods(ctx.state, a.id, a.category);
    if (isOpen(periods)) {
      throw new GongzhiError('IDENTITY_ALREADY_RECOGNISED', 'issuer is already recognised in this category', {
        id: a.id,
        category: a.category,
      });
    }
    if (periods.length >= MAX_ISSUER_PERIODS) {
      throw new GongzhiError('IDENTITY_LIMIT', 'too many recognition periods');
    }
    const next = [...periods, { from: at(ctx), by: ctx.sender }];
    const index = readIssuerIndex(ctx.state, a.category);
    return index.includes(a.id) ? { periods: next } : { periods: next, index: [...index, a.id] };
  },
  apply: (ctx, a, p) => {
    if (a.did !== undefined) {
      writeExternal(ctx.state, ctx.suite, a.did, a.category, p.periods, p.index);
      ctx.emit('issuerRecognized', { did: a.did, category: a.category, by: ctx.sender });
      return;
    }
    writeIssuerPeriods(ctx.state, a.id, a.category, p.periods);
    if (p.index !== undefined) writeIssuerIndex(ctx.state, a.category, p.index);
    ctx.emit('issuerRecognized', { id: a.id, category: a.category, by: ctx.sender });
  },
});

/** Arguments of `identity.derecognizeIssuer`. */
export type DerecognizeArgs = RecognizeArgs & { readonly reason: string };

/** `derecognizeIssuer {id | did, category, reason}`: closes the open recognition period; `check` returns the periods. */
export const derecognizeIssuer = defineMethod<DerecognizeArgs, IssuerPeriod[]>({
  summary: 'Withdraw an issuer’s recognition in a category, with a reason (the registrar role)',
  args: S.Object(
    {
      id: S.Optional(schemas.id),
      did: S.Optional(externalDidSchema),
      category: schemas.category,
      reason: S.String({ minLength: 1, maxLength: LIMITS.reason, description: 'why, for the record' }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['id', 'category', 'reason', 'did']);
    const who = readWho(r);
    return { ...who, category: readCategory(r), reason: r.str('reason', LIMITS.reason) } as DerecognizeArgs;
  },
  check: (ctx, a) => {
    if (a.did !== undefined) return checkExternalDerecognition(ctx, a.did, a.category, a.reason);
    const periods = readIssuerPeriods(ctx.state, a.id, a.category);
    const last = periods[periods.length - 1];
    if (last === undefined || last.until !== undefined) {
      throw new GongzhiError('IDENTITY_NOT_RECOGNISED', 'issuer is not recognised in this category', {
        id: a.id,
        category: a.category,
      });
    }
    return [...periods.slice(0, -1), { ...last, until: { ...at(ctx), by: ctx.sender, reason: a.reason } }];
  },
  apply: (ctx, a, periods) => {
    if (a.did !== undefined) {
      writeExternal(ctx.state, ctx.suite, a.did, a.category, periods);
      ctx.emit('issuerDerecognized', { did: a.did, category: a.category, by: ctx.sender });
      return;
    }
    writeIssuerPeriods(ctx.state, a.id, a.category, periods);
    ctx.emit('issuerDerecognized', { id: a.id, category: a.category, by: ctx.sender });
  },
});
