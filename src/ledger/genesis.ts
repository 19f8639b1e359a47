import type { CryptoSuite, SuiteId } from '../crypto/index.js';
import { type CborValue, encodeCanonical, fromHex, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';

/** Chain parameters, fixed at genesis and changeable only by committee vote. All integers. */
export interface ChainParams {
  /** Solo orderer: cut a non-empty block at most this long after its first transaction. */
  readonly blockIntervalMs: number;
  readonly maxBlockTxs: number;
  /** Largest accepted encoded transaction. */
  readonly maxTxBytes: number;
  /** `validUntil` may be at most this many blocks above the current height. */
  readonly maxValidityWindow: number;
  /** Blocks a governance proposal stays open. */
  readonly proposalLifetime: number;
}

export const DEFAULT_PARAMS: ChainParams = {
  blockIntervalMs: 200,
  maxBlockTxs: 5000,
  maxTxBytes: 64 * 1024,
  maxValidityWindow: 1000,
  proposalLifetime: 100_000,
};

export const PARAM_NAMES = Object.keys(DEFAULT_PARAMS) as (keyof ChainParams)[];

/** A node run by an organisation; its key signs block headers. */
export interface NodeIdentity {
  readonly id: string;
  readonly publicKey: string;
}

/** A consortium member. `admins` are public keys (hex) of accounts acting for the org. */
export interface OrgInfo {
  readonly id: string;
  readonly name: string;
  readonly admins: readonly string[];
  readonly nodes: readonly NodeIdentity[];
}

export interface CommitteeMember {
  readonly account: string;
  readonly weight: number;
}

/** The genesis document of one group (JSON-friendly: keys as hex strings). */
export interface Genesis {
  readonly chain: string;
  readonly group: string;
  readonly suite: SuiteId;
  readonly timestamp: number;
  readonly params: ChainParams;
  readonly orgs: readonly OrgInfo[];
  readonly committee: { readonly members: readonly CommitteeMember[]; readonly threshold: number };
  /** account address → roles. */
  readonly roles: Readonly<Record<string, readonly string[]>>;
  /** "module.method" → roles allowed to call it; "*" means any account. */
  readonly permissions: Readonly<Record<string, readonly string[]>>;
  /**
   * Per-module sections (`modules.<name>`), each read strictly by its module's genesis codec;
   * an absent section means the module's defaults. Absent altogether in most genesis files, so
   * their canonical encoding (and hash) is unchanged.
   */
  readonly modules?: Readonly<Record<string, unknown>>;
}

const ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Group ids a genesis may not use: a group's ledger is `<group>.sqlite` in the node's data
 * directory, beside the node's own files of these names (src/storage: trace documents, OpenID
 * one-time secrets).
 */
export const RESERVED_GROUP_IDS: readonly string[] = ['trace-events', 'openid-pending'];

/** Canonical CBOR value of a genesis document. */
export function genesisValue(g: Genesis): CborValue {
  return JSON.parse(JSON.stringify(g)) as CborValue;
}

/** H(canonical genesis): identifies the group's chain. */
export function genesisHash(suite: CryptoSuite, g: Genesis): Uint8Array {
  return suite.hash(encodeCanonical(genesisValue(g)));
}

/**
 * Check a genesis document: ids, params, keys valid for the suite, committee non-empty without
 * duplicates, threshold in 1..100 (percent of total weight). Throws GENESIS_INVALID.
 */
export function assertValidGenesis(g: Genesis, suite: CryptoSuite): void {
  const bad = (message: string, field?: string): never => {
    throw new GongzhiError('GENESIS_INVALID', message, field === undefined ? {} : { field });
  };
  if (!ID_RE.test(g.chain)) bad('chain id must match [a-z0-9-]', 'chain');
  if (!ID_RE.test(g.group)) bad('group id must match [a-z0-9-]', 'group');
  if (RESERVED_GROUP_IDS.includes(g.group))
    bad(`group id ${g.group} is reserved for a node file; choose another`, 'group');
  if (g.suite !== suite.id) bad('suite mismatch', 'suite');
  if (!Number.isSafeInteger(g.timestamp) || g.timestamp < 0)
    bad('timestamp must be ms since epoch', 'timestamp');
  for (const name of PARAM_NAMES) {
    const v = g.params[name];
    if (!Number.isSafeInteger(v) || v <= 0) bad(`param ${name} must be a positive integer`, name);
  }
  const checkKey = (hex: string, field: string): void => {
    let ok = false;
    try {
      ok = suite.isPublicKey(fromHex(hex));
    } catch {
      ok = false;
    }
    if (!ok) bad(`not a ${suite.id} public key: ${String(hex).slice(0, 16)}…`, field);
  };
  const orgIds = new Set<string>();
  const nodeIds = new Set<string>();
  for (const o of g.orgs) {
    if (!ID_RE.test(o.id) || orgIds.has(o.id)) bad(`org id "${o.id}" invalid or duplicated`, 'orgs');
    orgIds.add(o.id);
    for (const k of o.admins) checkKey(k, 'admins');
    for (const n of o.nodes) {
      if (!ID_RE.test(n.id) || nodeIds.has(n.id)) bad(`node id "${n.id}" invalid or duplicated`, 'nodes');
      nodeIds.add(n.id);
      checkKey(n.publicKey, 'nodes');
    }
  }
  if (g.orgs.length === 0) bad('at least one organisation is required', 'orgs');
  if (g.committee.members.length === 0) bad('committee must not be empty', 'committee');
  const accounts = new Set<string>();
  for (const m of g.committee.members) {
    if (accounts.has(m.account)) bad(`committee member ${m.account} listed twice`, 'committee');
    accounts.add(m.account);
    if (!Number.isSafeInteger(m.weight) || m.weight <= 0)
      bad('committee weights must be positive', 'committee');
  }
  const t = g.committee.threshold;
  if (!Number.isSafeInteger(t) || t < 1 || t > 100) bad('threshold is a percentage 1..100', 'threshold');
}

/** Address of a hex public key under the chain's suite. */
export function addressOfHex(suite: CryptoSuite, publicKeyHex: string): string {
  return suite.address(fromHex(publicKeyHex));
}

export { toHex };
