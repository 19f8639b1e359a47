import { GongzhiError } from '../../errors/index.js';
import { readStored, S, stateKey, uintCodec } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import type { StateReader } from '../../state/index.js';
import {
  getBit,
  ISSUER_CATEGORIES,
  identityKeys,
  isDidId,
  issuerPeriodsCodec,
  readDid,
  STATUS_CHUNK_BITS,
  statusChunkCodec,
  statusListCodec,
} from '../identity/index.js';
import { MODULE, type OwnerSource } from './types.js';

/**
 * Owner credentials behind the electorate (issue 9: "from verified residents"). An election may
 * name the issuer of the residents' owner credentials (e.g. the housing bureau's DID), the issuer
 * category it must be recognised in, and the status list its credentials point into. Then each
 * enrolled voter carries `owner`: her credential's index in that list. The registrar verifies the
 * credential itself off-ledger (issuer signature, area claim → weight); the ledger checks, against
 * the identity module's state (its exported codecs and keys, one MODULES.crossImports row), that
 * the issuer is recognised now, its DID is active, the credential is not revoked, and no
 * credential enrols twice. Only the index is on the ledger: the index ↔ resident link is the
 * issuer's, the credential authority the issue entrusts with that link.
 */
export type { OwnerSource };

export const ownerSourceSchema = S.Object(
  {
    issuer: S.String({ description: 'DID id of the owner credentials’ issuer (this group)' }),
    category: S.Union(ISSUER_CATEGORIES.map((c) => S.Literal(c))),
    list: S.String({ description: 'the issuer’s status list the credentials point into' }),
  },
  { description: 'owner credentials checked at enrolment (identity module)' },
);

export const ownerKey = (id: string, index: number): string =>
  stateKey(MODULE, 'e', id, 'owner', String(index));

export function readOwnerSource(r: ShapeReader, f: string): OwnerSource {
  const s = r.nested(f, ['issuer', 'category', 'list']);
  const issuer = s.str('issuer', 128);
  if (!isDidId(issuer)) s.fail('issuer', 'a DID id of this group');
  return { issuer, category: s.oneOf('category', ISSUER_CATEGORIES), list: s.str('list', 64) };
}

export const ownerSourceValue = (o: OwnerSource) => ({
  issuer: o.issuer,
  category: o.category,
  list: o.list,
});

const refuse = (code: 'VOTING_OWNER_ISSUER' | 'VOTING_OWNER_REVOKED', message: string, details = {}) => {
  throw new GongzhiError(code, message, details);
};

/** The issuer is recognised in its category now, its DID active, its list there: the list's size. */
export function assertOwnerSource(state: StateReader, o: OwnerSource): number {
  const periods = readStored(state, identityKeys.issuer(o.issuer, o.category), issuerPeriodsCodec) ?? [];
  const last = periods[periods.length - 1];
  if (last === undefined || last.until !== undefined) {
    refuse('VOTING_OWNER_ISSUER', `${o.issuer} is not a recognised ${o.category} issuer`, {
      issuer: o.issuer,
    });
  }
  const did = readDid(state, o.issuer);
  if (did === undefined || did.deactivated !== undefined) {
    refuse('VOTING_OWNER_ISSUER', `the issuer's DID ${o.issuer} is not active`, { issuer: o.issuer });
  }
  const list = readStored(state, identityKeys.statusList(o.issuer, o.list), statusListCodec);
  if (list === undefined) {
    return refuse('VOTING_OWNER_ISSUER', `the issuer has no status list ${o.list}`, { list: o.list });
  }
  return list.size;
}

/**
 * Each voter's owner credential (status index) is inside the list, its bit clear (not revoked /
 * suspended), and not enrolled before in this election nor twice in the batch.
 */
export function assertOwners(
  state: StateReader,
  election: string,
  o: OwnerSource,
  indexes: readonly (number | undefined)[],
): number[] {
  const size = assertOwnerSource(state, o);
  const seen = new Set<number>();
  const chunks = new Map<number, Uint8Array>();
  return indexes.map((idx, i) => {
    if (idx === undefined) {
      throw new GongzhiError('VOTING_OWNER_REQUIRED', `voter ${i} has no owner credential`, { voter: i });
    }
    if (idx >= size)
      refuse('VOTING_OWNER_REVOKED', `status index ${idx} is outside the list`, { owner: idx });
    if (seen.has(idx) || readStored(state, ownerKey(election, idx), uintCodec) !== undefined) {
      throw new GongzhiError('VOTING_OWNER_ENROLLED', 'this owner credential is enrolled already', {
        owner: idx,
      });
    }
    seen.add(idx);
    const c = Math.floor(idx / STATUS_CHUNK_BITS);
    let bits = chunks.get(c);
    if (bits === undefined) {
      // An absent chunk is all zero: nothing in it was ever revoked.
      bits =
        readStored(state, identityKeys.statusChunk(o.issuer, o.list, c), statusChunkCodec) ??
        new Uint8Array(STATUS_CHUNK_BITS / 8);
      chunks.set(c, bits);
    }
    if (getBit(bits, idx % STATUS_CHUNK_BITS)) {
      refuse('VOTING_OWNER_REVOKED', `owner credential ${idx} is revoked or suspended`, { owner: idx });
    }
    return idx;
  });
}
