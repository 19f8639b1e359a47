import type { CryptoSuite } from '../../crypto/index.js';
import { toHex, utf8 } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  type CheckContext,
  readStored,
  S,
  stateKey,
  stringListCodec,
  writeStored,
} from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import { issuerPeriodsCodec, MAX_ISSUER_PERIODS } from './codecs.js';
import { at } from './control.js';
import type { IssuerPeriod } from './types.js';
import { MODULE } from './types.js';

/**
 * The issuer registry for DIDs of other methods (did:key, did:jwk, did:web), reached through
 * `recognizeIssuer {did, category}` / `derecognizeIssuer {did, category, reason}` (new methods
 * would add genesis permission rows and so change every genesis state root): the same
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

export function writeExternal(
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

export const externalDidSchema = S.String({
  maxLength: EXTERNAL_DID_MAX,
  description: 'instead of id: a did:key, did:jwk or did:web DID',
});

/** The `did` argument, IDENTITY_BAD_DID unless it is a did:key, did:jwk or did:web DID. */
export function readExternalDid(r: ShapeReader): string {
  const did = r.str('did', EXTERNAL_DID_MAX);
  if (!isExternalDid(did)) {
    throw new GongzhiError('IDENTITY_BAD_DID', 'did must be a did:key, did:jwk or did:web DID', {
      field: 'did',
    });
  }
  return did;
}

/** What recognising an external DID writes. */
export interface ExternalRecognition {
  readonly periods: IssuerPeriod[];
  readonly index?: string[];
}

/** `recognizeIssuer {did, category}`: opens a period (IDENTITY_ALREADY_RECOGNISED, IDENTITY_LIMIT). */
export function checkExternalRecognition(
  ctx: CheckContext,
  did: string,
  category: string,
): ExternalRecognition {
  const periods = readExternalPeriods(ctx.state, ctx.suite, did, category);
  // Open when the last period has no end (as issuers.ts isOpen, not imported: that file imports this one).
  if (periods.length > 0 && periods[periods.length - 1]?.until === undefined) {
    throw new GongzhiError('IDENTITY_ALREADY_RECOGNISED', 'issuer is already recognised in this category', {
      did: did.slice(0, 200),
      category,
    });
  }
  if (periods.length >= MAX_ISSUER_PERIODS)
    throw new GongzhiError('IDENTITY_LIMIT', 'too many recognition periods');
  const next = [...periods, { from: at(ctx), by: ctx.sender }];
  const index = readExternalIndex(ctx.state, category);
  if (index.includes(did)) return { periods: next };
  if (index.length >= MAX_EXTERNAL_ISSUERS)
    throw new GongzhiError('IDENTITY_LIMIT', 'too many external issuers');
  return { periods: next, index: [...index, did] };
}

/** `derecognizeIssuer {did, category, reason}`: closes the open period (IDENTITY_NOT_RECOGNISED). */
export function checkExternalDerecognition(
  ctx: CheckContext,
  did: string,
  category: string,
  reason: string,
): IssuerPeriod[] {
  const periods = readExternalPeriods(ctx.state, ctx.suite, did, category);
  const last = periods[periods.length - 1];
  if (last === undefined || last.until !== undefined) {
    throw new GongzhiError('IDENTITY_NOT_RECOGNISED', 'issuer is not recognised in this category', {
      category,
    });
  }
  return [...periods.slice(0, -1), { ...last, until: { ...at(ctx), by: ctx.sender, reason } }];
}
