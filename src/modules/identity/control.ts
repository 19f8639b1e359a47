import { GongzhiError } from '../../errors/index.js';
import type { CheckContext } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { readDid } from './state.js';
import type { At, DidKey, DidRecord } from './types.js';

/**
 * Who may act for a DID, and the rules every DID change keeps. Read-only: used by the methods'
 * `check`, which computes the record `apply` writes.
 */

/** When the current transaction happens (block height and time, transaction hash). */
export function at(ctx: Pick<CheckContext, 'height' | 'timestamp' | 'txHash'>): At {
  return { height: ctx.height, timestamp: ctx.timestamp, tx: ctx.txHash };
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
function authenticates(ctx: CheckContext, r: DidRecord, account: string): boolean {
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
export function assertController(ctx: CheckContext, r: DidRecord): void {
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

/** The live DID `id` that the sender controls (IDENTITY_NOT_FOUND, _DEACTIVATED, _NOT_CONTROLLER). */
export function controlledDid(ctx: CheckContext, id: string): DidRecord {
  const r = liveDid(ctx.state, id);
  assertController(ctx, r);
  return r;
}

/** A DID must keep a way to be controlled: an active chain-type authentication key or a controller. */
export function assertControllable(
  ctx: CheckContext,
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

/** Every controller names a live DID (IDENTITY_NOT_FOUND / IDENTITY_DEACTIVATED). */
export function assertControllersLive(state: StateReader, controllers: readonly string[]): void {
  for (const c of controllers) liveDid(state, c);
}

/** The next version of a record, stamped with the current transaction. */
export function nextVersion(ctx: CheckContext, r: DidRecord, change: Partial<DidRecord>): DidRecord {
  return { ...r, ...change, version: r.version + 1, updated: at(ctx) };
}
