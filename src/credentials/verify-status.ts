import type { ErrorCode } from '../errors/index.js';
import { isGongzhiError } from '../errors/index.js';
import type { KeyHistoryJson } from '../modules/identity/index.js';
import { decodeCompactHeader } from './keys.js';
import { parseStatusListUrl, readBitstringStatusList, readStatusListToken, TOKEN_STATUS } from './status.js';

/**
 * The status check of a credential, for both mechanisms: the IETF Token Status List reference of
 * an SD-JWT VC (`status.status_list {idx, uri}`) and the W3C `BitstringStatusListEntry` of a
 * VC-JWT (`credentialStatus`). A list on this ledger is read from the ledger's bits (the source
 * both published forms are derived from); any other list, or every list with `statusVia:
 * 'published'`, is fetched and verified offline with the issuer's key.
 */

/** How the verifier reaches published status lists. */
export interface StatusOptions {
  /** Fetch a URL (`accept` is the media type wanted); needed for lists not on this ledger. */
  readonly fetchStatus?: (uri: string, accept: string) => Promise<string>;
  /** `ledger` (default): ledger bits when the list is on this ledger; `published`: always the signed list. */
  readonly statusVia?: 'ledger' | 'published';
}

/** One status reference found in a credential. */
export interface StatusReference {
  readonly kind: 'token' | 'bitstring';
  readonly uri: string;
  readonly index: number;
  /** The entry's purpose (bitstring); a token's values say it themselves. */
  readonly purpose?: string;
}

/** The status references of a credential payload (SD-JWT VC claims or a VC-JWT's credential). */
export function statusReferences(payload: Record<string, unknown>): StatusReference[] {
  const out: StatusReference[] = [];
  const sl = (payload.status as { status_list?: { idx?: unknown; uri?: unknown } } | undefined)?.status_list;
  if (sl !== undefined) {
    out.push({ kind: 'token', uri: String(sl.uri), index: typeof sl.idx === 'number' ? sl.idx : -1 });
  }
  const cs = payload.credentialStatus;
  for (const e of Array.isArray(cs) ? cs : cs === undefined ? [] : [cs]) {
    const entry = e as { statusListCredential?: unknown; statusListIndex?: unknown; statusPurpose?: unknown };
    const index = /^[0-9]{1,10}$/.test(String(entry.statusListIndex)) ? Number(entry.statusListIndex) : -1;
    out.push({
      kind: 'bitstring',
      uri: String(entry.statusListCredential),
      index,
      purpose: String(entry.statusPurpose),
    });
  }
  return out;
}

/** What the reference resolves to on this ledger, when it names the issuer's own list here. */
export function ledgerList(ref: StatusReference, iss: string): string | undefined {
  if (ref.uri.startsWith(`${iss}/status/`)) return ref.uri.slice(iss.length + 8);
  const p = parseStatusListUrl(ref.uri);
  const [, , , group, id] = iss.split(':');
  if (p === undefined || p.issuerId !== id || p.group !== group) return undefined;
  if (p.bitstring !== (ref.kind === 'bitstring')) return undefined;
  return p.list;
}

/** The outcome of one status check. */
export interface StatusOutcome {
  readonly ok: boolean;
  readonly detail: string;
  readonly code: ErrorCode;
}

const suspendedOrRevoked = (purpose: string): ErrorCode =>
  purpose === 'suspension' ? 'IDENTITY_SUSPENDED' : 'IDENTITY_REVOKED';

/**
 * Check a reference through a published list: fetch it, find its `kid` among the issuer's
 * assertion keys that are not revoked, verify and read the entry.
 */
export async function publishedStatus(
  ref: StatusReference,
  keys: readonly KeyHistoryJson[],
  now: number,
  opts: StatusOptions,
): Promise<StatusOutcome> {
  if (opts.fetchStatus === undefined) {
    return {
      ok: false,
      detail: `status list ${ref.uri} is not on this ledger and nothing may fetch it`,
      code: 'IDENTITY_STATUS_TOKEN_INVALID',
    };
  }
  try {
    const accept = ref.kind === 'token' ? 'application/statuslist+jwt' : 'application/vc+jwt';
    const jwt = await opts.fetchStatus(ref.uri, accept);
    // The header alone (the list itself is decoded once, when its signature is checked).
    const kid = decodeCompactHeader(jwt).kid;
    const key = keys.find(
      (k) => k.id === kid && k.revoked === undefined && k.purposes.includes('assertionMethod'),
    );
    if (key === undefined) {
      return {
        ok: false,
        detail: `status list signed by ${String(kid)}, not an assertion key of the issuer`,
        code: 'IDENTITY_STATUS_TOKEN_INVALID',
      };
    }
    if (ref.kind === 'token') {
      const v = readStatusListToken(jwt, key.publicKeyJwk, { uri: ref.uri, idx: ref.index, now });
      if (v === TOKEN_STATUS.VALID)
        return { ok: true, detail: 'status list token: VALID', code: 'IDENTITY_REVOKED' };
      return {
        ok: false,
        detail: `status list token: ${v === TOKEN_STATUS.SUSPENDED ? 'SUSPENDED' : `INVALID (${v})`}`,
        code: v === TOKEN_STATUS.SUSPENDED ? 'IDENTITY_SUSPENDED' : 'IDENTITY_REVOKED',
      };
    }
    const purpose = ref.purpose ?? 'revocation';
    const set = readBitstringStatusList(jwt, key.publicKeyJwk, {
      url: ref.uri,
      index: ref.index,
      purpose,
      now,
    });
    return {
      ok: !set,
      detail: set ? `bitstring status list: ${purpose} bit set` : 'bitstring status list: bit clear',
      code: suspendedOrRevoked(purpose),
    };
  } catch (e) {
    return {
      ok: false,
      detail: e instanceof Error ? e.message : String(e),
      code:
        isGongzhiError(e) && e.code.startsWith('IDENTITY_STATUS_TOKEN')
          ? e.code
          : 'IDENTITY_STATUS_TOKEN_INVALID',
    };
  }
}

/** The code of a set ledger bit. */
export { suspendedOrRevoked };
