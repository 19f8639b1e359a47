import { defineMethod, readArgs, S } from '../../execution/index.js';
import { readControllers, readId, readServices, schemas } from './args.js';
import { assertControllable, assertControllersLive, at, controlledDid, nextVersion } from './control.js';
import { writeDid } from './state.js';
import type { DidRecord, DidService } from './types.js';

/**
 * The small DID changes: services, controllers, deactivation. Each `check` returns the DID's
 * next version, which `apply` writes.
 */

/** Arguments of `identity.setServices`. */
export interface SetServicesArgs {
  readonly id: string;
  readonly services: DidService[];
}

/** `setServices {id, services}`: replace the service list. */
export const setServices = defineMethod<SetServicesArgs, DidRecord>({
  summary: 'Replace the services of a DID the sender controls',
  args: S.Object({ id: schemas.id, services: schemas.services }, { additionalProperties: false }),
  parse: (v) => {
    const r = readArgs(v, ['id', 'services']);
    return { id: readId(r), services: readServices(r) };
  },
  check: (ctx, a) => nextVersion(ctx, controlledDid(ctx, a.id), { services: a.services }),
  apply: (ctx, a, next) => {
    writeDid(ctx.state, next);
    ctx.emit('servicesSet', { id: a.id, count: a.services.length });
  },
});

/** Arguments of `identity.setControllers`. */
export interface SetControllersArgs {
  readonly id: string;
  readonly controllers: string[];
}

/**
 * `setControllers {id, controllers}`: replace the controller DIDs (ids). Each must be live, and
 * the DID must keep a way to be controlled.
 */
export const setControllers = defineMethod<SetControllersArgs, DidRecord>({
  summary: 'Replace the controller DIDs of a DID the sender controls',
  args: S.Object({ id: schemas.id, controllers: schemas.controllers }, { additionalProperties: false }),
  parse: (v) => {
    const r = readArgs(v, ['id', 'controllers']);
    const id = readId(r);
    return { id, controllers: readControllers(r, id) };
  },
  check: (ctx, a) => {
    const rec = controlledDid(ctx, a.id);
    assertControllersLive(ctx.state, a.controllers);
    assertControllable(ctx, rec.keys, a.controllers);
    return nextVersion(ctx, rec, { controllers: a.controllers });
  },
  apply: (ctx, a, next) => {
    writeDid(ctx.state, next);
    ctx.emit('controllersSet', { id: a.id, count: a.controllers.length });
  },
});

/** Arguments of `identity.deactivate`. */
export interface DeactivateArgs {
  readonly id: string;
}

/** `deactivate {id}`: permanent; the DID resolves with no keys or services afterwards. */
export const deactivate = defineMethod<DeactivateArgs, DidRecord>({
  summary: 'Deactivate a DID the sender controls, permanently',
  args: S.Object({ id: schemas.id }, { additionalProperties: false }),
  parse: (v) => ({ id: readId(readArgs(v, ['id'])) }),
  check: (ctx, a) => nextVersion(ctx, controlledDid(ctx, a.id), { deactivated: at(ctx) }),
  apply: (ctx, a, next) => {
    writeDid(ctx.state, next);
    ctx.emit('deactivated', { id: a.id });
  },
});
