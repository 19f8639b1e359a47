import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { StateReader } from '../../state/index.js';
import { type Item, MAX_CONTAINERS, readItem } from './items.js';
import { ownPart, receivePart, settleParts, shipPart } from './parts.js';
import type { Participant } from './registry.js';
import { cbvStep } from './vocabulary.js';

/**
 * Chain of custody. Every lot, serial and container has a custodian: the participant that made it,
 * until its custodian ships it (bizStep `shipping`: the item is in transit) and another
 * participant receives it (`receiving`, `arriving`, `accepting`: the receiver becomes the
 * custodian). Only the custodian may ship, transform, pack, unpack, sell or otherwise act on an
 * item; a shipped item cannot be used by its shipper until received (or the shipment is voided,
 * `void_shipping`). A packed item is held by whoever holds its container: it moves with the
 * container and is shipped or received only as part of it (unpack it first to move it alone).
 * Observation steps (inspecting, sensor readings, a carrier's `transporting`…) need no custody.
 */

/** Steps that take custody of a shipped item. */
export const RECEIVING_STEPS: readonly string[] = ['receiving', 'arriving', 'accepting'].map(cbvStep);
/** Steps that put an item in transit, and the one that calls a shipment off. */
export const SHIPPING_STEP = cbvStep('shipping');
export const VOID_SHIPPING_STEP = cbvStep('void_shipping');
/** Steps anyone registered for them may record about an item without holding it. */
export const OBSERVING_STEPS: readonly string[] = [
  'inspecting',
  'sensor_reporting',
  'sampling',
  'stock_taking',
  'cycle_counting',
  'transporting',
  'entering_exiting',
].map(cbvStep);

const packed = (i: Item): boolean => i.containers.length > 0 && i.unpacked !== true;

/** The record that holds `item`: itself, or (packed) its outermost container. */
export function holderOf(state: StateReader, item: Item): Item {
  let h = item;
  for (let depth = 0; depth < MAX_CONTAINERS && packed(h); depth++) {
    const c = readItem(state, h.containers[h.containers.length - 1] as string);
    if (c === undefined) break;
    h = c;
  }
  return h;
}

export const custodianOf = (state: StateReader, item: Item): string => {
  const h = holderOf(state, item);
  return h.custodian ?? h.createdBy;
};

function refuse(
  code:
    | 'TRACE_NOT_CUSTODIAN'
    | 'TRACE_IN_TRANSIT'
    | 'TRACE_NOT_SHIPPED'
    | 'TRACE_IN_CONTAINER'
    | 'TRACE_NOT_DESTINATION',
  message: string,
  item: Item,
  extra: Record<string, string> = {},
): never {
  throw new GongzhiError(code, message, { key: item.key, ...extra });
}

/**
 * `p` holds `item` and it is not in transit (TRACE_NOT_CUSTODIAN, TRACE_IN_TRANSIT) — or, for a
 * lot, holds a part of it at rest (parts.ts).
 */
export function requireCustody(state: StateReader, item: Item, p: Participant): void {
  if (item.kind === 'lot' && ownPart(item, p) !== undefined) return;
  const h = holderOf(state, item);
  const custodian = h.custodian ?? h.createdBy;
  if (custodian !== p.id) {
    refuse('TRACE_NOT_CUSTODIAN', `${item.key} is held by ${custodian}, not ${p.id}`, item, {
      custodian,
      participant: p.id,
    });
  }
  if (h.transit !== undefined) {
    refuse('TRACE_IN_TRANSIT', `${item.key} was shipped by ${h.transit.from} and is not received yet`, item, {
      event: toHex(h.transit.event),
    });
  }
}

/**
 * A shipment that named its destination party is received only by the participant registered
 * with that party GLN (TRACE_NOT_DESTINATION): a case diverted to another shop cannot be taken in.
 */
export function requireDestination(item: Item, to: string | undefined, p: Participant): void {
  if (to === undefined || to === `417/${p.gln ?? ''}`) return;
  refuse('TRACE_NOT_DESTINATION', `${item.key} was shipped to ${to}, not to ${p.id}`, item, {
    destination: to,
    participant: p.id,
    ...(p.gln === undefined ? {} : { gln: p.gln }),
  });
}

/**
 * What a custody step does to `item` recorded by `p` in event `hash` (naming `destination`, a
 * shipment's destination party, and `grams` of a lot): the item as it is to be written, or
 * undefined when it does not change (an observation, a custodian receiving what it holds). A lot
 * shipped in part, and that part received, is a part-lot hand-over (parts.ts). Refused with
 * TRACE_NOT_CUSTODIAN, TRACE_IN_TRANSIT, TRACE_NOT_SHIPPED, TRACE_IN_CONTAINER,
 * TRACE_NOT_DESTINATION or (a part larger than held) TRACE_INSUFFICIENT.
 */
export function custodyStep(
  state: StateReader,
  item: Item,
  p: Participant,
  step: string,
  hash: Uint8Array,
  destination?: string,
  grams?: number,
): Item | undefined {
  if (OBSERVING_STEPS.includes(step)) return undefined;
  const receiving = RECEIVING_STEPS.includes(step);
  const moving = step === SHIPPING_STEP || step === VOID_SHIPPING_STEP || receiving;
  if (moving && packed(item)) {
    refuse(
      'TRACE_IN_CONTAINER',
      `${item.key} is packed in ${item.containers[item.containers.length - 1]}: move the container, or unpack it first`,
      item,
    );
  }
  const part =
    step === SHIPPING_STEP
      ? shipPart(item, p, grams, hash, destination)
      : receiving || step === VOID_SHIPPING_STEP
        ? receivePart(item, p, grams, !receiving, (to) => requireDestination(item, to, p))
        : undefined;
  if (part !== undefined) return part;
  const { transit: _t, ...rest } = item;
  if (receiving) {
    const custodian = item.custodian ?? item.createdBy;
    if (item.transit === undefined) {
      if (custodian === p.id) return undefined;
      refuse('TRACE_NOT_SHIPPED', `${item.key} is held by ${custodian} and was not shipped`, item, {
        custodian,
      });
    }
    requireDestination(item, item.transit.to, p);
    return settleParts({ ...rest, custodian: p.id });
  }
  if (step === VOID_SHIPPING_STEP) {
    if (item.transit === undefined || item.transit.from !== p.id) {
      refuse('TRACE_NOT_SHIPPED', `${item.key} is not in transit from ${p.id}`, item);
    }
    return settleParts(rest);
  }
  requireCustody(state, item, p);
  return step === SHIPPING_STEP
    ? {
        ...item,
        transit: { from: p.id, event: hash, ...(destination === undefined ? {} : { to: destination }) },
      }
    : undefined;
}
