import { getSuite, isSuiteId, type SuiteId } from '../../crypto/index.js';
import { type CborValue, utf8 } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { ExecContext } from '../../execution/index.js';
import { type CborMap, ShapeReader } from '../../ledger/index.js';
import type { StateReader } from '../../state/index.js';
import { isDidId } from './did.js';
import { readDid } from './state.js';
import {
  type At,
  type DidKey,
  type DidRecord,
  type DidService,
  ISSUER_CATEGORIES,
  type IssuerCategory,
  KEY_PURPOSES,
  type KeyPurpose,
  LIMITS,
  STATUS_PURPOSES,
  type StatusPurpose,
} from './types.js';

const FRAGMENT_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
const LIST_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SERVICE_TYPE_RE = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
const ENDPOINT_RE = /^(https|http|did|urn):[^\s]{1,500}$/;

export function bad(message: string, details: Readonly<Record<string, string | number>> = {}): never {
  throw new GongzhiError('EXEC_BAD_ARGS', message, details);
}

export function args(v: CborMap, allowed: readonly string[]): ShapeReader {
  return ShapeReader.of(v, allowed, 'EXEC_BAD_ARGS', 'args');
}

export function at(ctx: ExecContext): At {
  return { height: ctx.height, timestamp: ctx.timestamp, tx: ctx.txHash };
}

/** The message a subject signs to consent to an agent creating her DID. */
export function createConsentMessage(did: string, agent: string): Uint8Array {
  return utf8(`gongzhi/identity/create\n${did}\n${agent}`);
}

export function readId(r: ShapeReader, field = 'id'): string {
  const id = r.str(field, 42);
  if (!isDidId(id)) {
    throw new GongzhiError('IDENTITY_BAD_DID', `${field} must be a DID id gz<40 hex>`, { field });
  }
  return id;
}

export function readFragment(r: ShapeReader, field = 'fragment'): string {
  const f = r.str(field, LIMITS.fragment);
  if (!FRAGMENT_RE.test(f)) bad(`${field} must match [a-zA-Z0-9][a-zA-Z0-9._-]*`, { field });
  return f;
}

export function readListName(r: ShapeReader): string {
  const l = r.str('list', 64);
  if (!LIST_RE.test(l)) bad('list must match [a-z0-9][a-z0-9-]*', { field: 'list' });
  return l;
}

export function readCategory(r: ShapeReader): IssuerCategory {
  const c = r.str('category', 32);
  if (!(ISSUER_CATEGORIES as readonly string[]).includes(c)) {
    bad(`category must be one of ${ISSUER_CATEGORIES.join(', ')}`, { field: 'category' });
  }
  return c as IssuerCategory;
}

export function readPurpose(r: ShapeReader): StatusPurpose {
  const p = r.str('purpose', 16);
  if (!(STATUS_PURPOSES as readonly string[]).includes(p)) bad('purpose must be revocation or suspension');
  return p as StatusPurpose;
}

export function readKeyType(r: ShapeReader, dflt: SuiteId): SuiteId {
  if (!r.has('keyType')) return dflt;
  const t = r.str('keyType', 16);
  if (!isSuiteId(t)) bad('keyType must be ed25519, secp256k1 or sm2', { field: 'keyType' });
  return t;
}

export function readPurposes(r: ShapeReader, dflt: readonly KeyPurpose[]): KeyPurpose[] {
  if (!r.has('purposes')) return [...dflt];
  const ps = r.array('purposes', KEY_PURPOSES.length);
  const out: KeyPurpose[] = [];
  for (const p of ps) {
    if (
      typeof p !== 'string' ||
      !(KEY_PURPOSES as readonly string[]).includes(p) ||
      out.includes(p as KeyPurpose)
    ) {
      bad('purposes must be distinct of authentication, assertionMethod', { field: 'purposes' });
    }
    out.push(p as KeyPurpose);
  }
  if (out.length === 0) bad('purposes must not be empty', { field: 'purposes' });
  return out;
}

/** A public key valid for its type (IDENTITY_BAD_KEY). */
export function checkPublicKey(type: SuiteId, publicKey: Uint8Array): void {
  if (!getSuite(type).isPublicKey(publicKey)) {
    throw new GongzhiError('IDENTITY_BAD_KEY', `not a valid ${type} public key`, { type });
  }
}

export function readServices(v: CborValue): DidService[] {
  if (!Array.isArray(v) || v.length > LIMITS.services) bad(`services: at most ${LIMITS.services}`);
  const out: DidService[] = [];
  for (const s of v as readonly CborValue[]) {
    const r = ShapeReader.of(s, ['fragment', 'type', 'endpoint'], 'EXEC_BAD_ARGS', 'service');
    const fragment = readFragment(r);
    const type = r.str('type', LIMITS.serviceType);
    const endpoint = r.str('endpoint', LIMITS.serviceEndpoint);
    if (!SERVICE_TYPE_RE.test(type)) bad('service type must be a name', { field: 'type' });
    if (!ENDPOINT_RE.test(endpoint))
      bad('service endpoint must be an https/http/did/urn URI', { field: 'endpoint' });
    if (out.some((x) => x.fragment === fragment)) bad('service fragments must be distinct');
    out.push({ fragment, type, endpoint });
  }
  return out;
}

export function readControllers(v: CborValue, self?: string): string[] {
  if (!Array.isArray(v) || v.length > LIMITS.controllers) bad(`controllers: at most ${LIMITS.controllers}`);
  const out: string[] = [];
  for (const c of v as readonly CborValue[]) {
    if (typeof c !== 'string' || !isDidId(c) || out.includes(c) || c === self) {
      bad('controllers must be distinct DID ids of other DIDs', { field: 'controllers' });
    }
    out.push(c);
  }
  return out;
}

/** The DID record (IDENTITY_NOT_FOUND) that is not deactivated (IDENTITY_DEACTIVATED). */
export function liveDid(state: StateReader, id: string): DidRecord {
  const r = readDid(state, id);
  if (r === undefined) throw new GongzhiError('IDENTITY_NOT_FOUND', 'no such DID', { id });
  if (r.deactivated !== undefined) {
    throw new GongzhiError('IDENTITY_DEACTIVATED', 'the DID is deactivated', {
      id,
      height: r.deactivated.height,
    });
  }
  return r;
}

/** True when `account` is the address of an active authentication key of `r` of the chain's key type. */
function authenticates(ctx: ExecContext, r: DidRecord, account: string): boolean {
  return r.keys.some(
    (k) =>
      k.revoked === undefined &&
      k.type === ctx.suite.id &&
      k.purposes.includes('authentication') &&
      ctx.suite.address(k.publicKey) === account,
  );
}

/**
 * The sender may act for the DID: it holds an active authentication key of the DID, or of one
 * of its (live) controller DIDs. IDENTITY_NOT_CONTROLLER otherwise.
 */
export function assertController(ctx: ExecContext, r: DidRecord): void {
  if (authenticates(ctx, r, ctx.sender)) return;
  for (const c of r.controllers) {
    const cr = readDid(ctx.state, c);
    if (cr !== undefined && cr.deactivated === undefined && authenticates(ctx, cr, ctx.sender)) return;
  }
  throw new GongzhiError('IDENTITY_NOT_CONTROLLER', 'sender does not control this DID', {
    id: r.id,
    account: ctx.sender,
  });
}

/** A DID must keep a way to be controlled: an active chain-type authentication key or a controller. */
export function assertControllable(
  ctx: ExecContext,
  keys: readonly DidKey[],
  controllers: readonly string[],
): void {
  const ok = keys.some(
    (k) => k.revoked === undefined && k.type === ctx.suite.id && k.purposes.includes('authentication'),
  );
  if (!ok && controllers.length === 0) {
    throw new GongzhiError(
      'IDENTITY_LAST_KEY',
      'a DID needs an active authentication key of the chain key type or a controller',
    );
  }
}

export function assertControllersLive(state: StateReader, controllers: readonly string[]): void {
  for (const c of controllers) liveDid(state, c);
}

/** The next version of a record, stamped with the block. */
export function bump(ctx: ExecContext, r: DidRecord, change: Partial<DidRecord>): DidRecord {
  return { ...r, ...change, version: r.version + 1, updated: at(ctx) };
}
