import type { CryptoSuite } from '../../crypto/index.js';
import { toHex, utf8 } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  defineMethod,
  readArgs,
  readStored,
  S,
  stateKey,
  stringListCodec,
  writeStored,
} from '../../execution/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import { readCategory, schemas } from './args.js';
import { issuerPeriodsCodec, MAX_ISSUER_PERIODS } from './codecs.js';
import { at } from './control.js';
import { isOpen } from './issuers.js';
import { type IssuerCategory, type IssuerPeriod, LIMITS, MODULE } from './types.js';

/**
 * The issuer registry for DIDs of other methods (did:key, did:jwk, did:web): the same
 * recognition periods as for did:gongzhi issuers, keyed by the suite hash of the DID text (a DID
 * of another method has no id here). Execution checks the DID's syntax only: resolving did:web
 * would need the network, which execution never touches; verifiers resolve it.
 */

/** Longest external DID accepted (a did:jwk of an EC key is about 200 characters). */
export const EXTERNAL_DID_MAX = 1024;
/** Most external issuers per category. */
export const MAX_EXTERNAL_ISSUERS = 4096;

const EXTERNAL_RE =
  /^did:(key:z[1-9A-HJ-NP-Za-km-z]{40,120}|jwk:[A-Za-z0-9_-]{20,1000}|web:[a-z0-9.-]+(%3A[0-9]{1,5})?(:[A-Za-z0-9._~-]+)*)$/;

/** True for a syntactically valid did:key, did:jwk or did:web DID. */
export function isExternalDid(did: string): boolean {
  return did.length <= EXTERNAL_DID_MAX && EXTERNAL_RE.test(did);
}

const keys = {
  periods: (suite: CryptoSuite, did: string, category: string) =>
    stateKey(MODULE, 'xissuer', toHex(suite.hash(utf8(did))), category),
  index: (category: string) => stateKey(MODULE, 'xissuers', category),
};

export function readExternalPeriods(
  state: StateReader,
  suite: CryptoSuite,
  did: string,
  category: string,
): IssuerPeriod[] {
  return readStored(state, keys.periods(suite, did, category), issuerPeriodsCodec) ?? [];
}

/** The external DIDs ever recognised in `category`. */
export function readExternalIndex(state: StateReader, category: string): string[] {
  return readStored(state, keys.index(category), stringListCodec) ?? [];
}

function writeExternal(
  state: StateOverlay,
  suite: CryptoSuite,
  did: string,
  category: string,
  periods: readonly IssuerPeriod[],
  index?: readonly string[],
): void {
  writeStored(state, keys.periods(suite, did, category), issuerPeriodsCodec, [...periods]);
  if (index !== undefined) writeStored(state, keys.index(category), stringListCodec, [...index]);
}

/** Arguments of `identity.recognizeExternalIssuer`. */
export interface ExternalArgs {
  readonly did: string;
  readonly category: IssuerCategory;
}

const didSchema = S.String({
  maxLength: EXTERNAL_DID_MAX,
  description: 'a did:key, did:jwk or did:web DID',
});

function readExternalDid(v: Parameters<typeof readArgs>[0], fields: string[]) {
  const r = readArgs(v, fields);
  const did = r.str('did', EXTERNAL_DID_MAX);
  if (!isExternalDid(did)) {
    throw new GongzhiError('IDENTITY_BAD_DID', 'did must be a did:key, did:jwk or did:web DID', {
      field: 'did',
    });
  }
  return { r, did };
}

/** `recognizeExternalIssuer {did, category}` (the registrar role): opens a recognition period. */
export const recognizeExternalIssuer = defineMethod<
  ExternalArgs,
  { periods: IssuerPeriod[]; index?: string[] }
>({
  summary: 'Recognise a did:key, did:jwk or did:web DID as an issuer of a category (the registrar role)',
  args: S.Object({ did: didSchema, category: schemas.category }, { additionalProperties: false }),
  parse: (v) => {
    const { r, did } = readExternalDid(v, ['did', 'category']);
    return { did, category: readCategory(r) };
  },
  check: (ctx, a) => {
    const periods = readExternalPeriods(ctx.state, ctx.suite, a.did, a.category);
    if (isOpen(periods)) {
      throw new GongzhiError('IDENTITY_ALREADY_RECOGNISED', 'issuer is already recognised in this category', {
        did: a.did.slice(0, 200),
        category: a.category,
      });
    }
    if (periods.length >= MAX_ISSUER_PERIODS)
      throw new GongzhiError('IDENTITY_LIMIT', 'too many recognition periods');
    const next = [...periods, { from: at(ctx), by: ctx.sender }];
    const index = readExternalIndex(ctx.state, a.category);
    if (index.includes(a.did)) return { periods: next };
    if (index.length >= MAX_EXTERNAL_ISSUERS)
      throw new GongzhiError('IDENTITY_LIMIT', 'too many external issuers');
    return { periods: next, index: [...index, a.did] };
  },
  apply: (ctx, a, p) => {
    writeExternal(ctx.state, ctx.suite, a.did, a.category, p.periods, p.index);
    ctx.emit('externalIssuerRecognized', { did: a.did, category: a.category, by: ctx.sender });
  },
});

/** Arguments of `identity.derecognizeExternalIssuer`. */
export interface DerecognizeExternalArgs extends ExternalArgs {
  readonly reason: string;
}

/** `derecognizeExternalIssuer {did, category, reason}` (the registrar role): closes the open period. */
export const derecognizeExternalIssuer = defineMethod<DerecognizeExternalArgs, IssuerPeriod[]>({
  summary: 'Withdraw a did:key, did:jwk or did:web issuer’s recognition, with a reason (the registrar role)',
  args: S.Object(
    {
      did: didSchema,
      category: schemas.category,
      reason: S.String({ minLength: 1, maxLength: LIMITS.reason }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const { r, did } = readExternalDid(v, ['did', 'category', 'reason']);
    return { did, category: readCategory(r), reason: r.str('reason', LIMITS.reason) };
  },
  check: (ctx, a) => {
    const periods = readExternalPeriods(ctx.state, ctx.suite, a.did, a.category);
    const last = periods[periods.length - 1];
    if (last === undefined || last.until !== undefined) {
      throw new GongzhiError('IDENTITY_NOT_RECOGNISED', 'issuer is not recognised in this category', {
        category: a.category,
      });
    }
    return [...periods.slice(0, -1), { ...last, until: { ...at(ctx), by: ctx.sender, reason: a.reason } }];
  },
  apply: (ctx, a, periods) => {
    writeExternal(ctx.state, ctx.suite, a.did, a.category, periods);
    ctx.emit('externalIssuerDerecognized', { did: a.did, category: a.category, by: ctx.sender });
  },
});
