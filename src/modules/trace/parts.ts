import { GongzhiError } from '../../errors/index.js';
import { type Item, MAX_PARTS, type Part } from './items.js';
import type { Participant } from './registry.js';

/**
 * Part-lot hand-overs: a holder ships part of a lot (a shipping event whose quantity is less than
 * what it holds) without a transformation — the lot keeps its identifier, and the part shipped
 * becomes a portion of it held apart: in transit, then the receiver's. The rest stays with the
 * lot's custodian (custody.ts). Quantities are conserved: the parts and the rest always add up to
 * what remains of the lot (grams − used); a transformation takes its input from what the
 * recorder holds, its part or the rest. A part received back by the lot's custodian rejoins the
 * rest; one holder keeps at most one part at rest (two received are merged).
 */

const insufficient = (item: Item, asked: number, held: number): never => {
  throw new GongzhiError('TRACE_INSUFFICIENT', `${item.key}: ${asked} g asked, ${held} g held`, {
    key: item.key,
    requestedGrams: asked,
    remainingGrams: held,
  });
};

const partsOf = (i: Item): readonly Part[] => i.parts ?? [];

/** Grams of the lot held by its custodian (the rest): what remains less the parts held apart. */
export const restGrams = (i: Item): number => i.grams - i.used - partsOf(i).reduce((s, x) => s + x.grams, 0);

/** `p`'s part of the lot at rest (not in transit), and its index. */
export function ownPart(i: Item, p: Participant): { readonly part: Part; readonly at: number } | undefined {
  const at = partsOf(i).findIndex((x) => x.holder === p.id && x.transit === undefined);
  const part = partsOf(i)[at];
  return part === undefined ? undefined : { part, at };
}

/**
 * The item with `parts`: parts at rest with the custodian rejoin the rest, parts at rest of one
 * holder merge, empty ones go; written without the field when none are left (stored as before).
 */
function withParts(i: Item, parts: readonly Part[]): Item {
  const custodian = i.custodian ?? i.createdBy;
  const out: Part[] = [];
  for (const x of parts) {
    if (x.grams === 0) continue;
    if (x.transit === undefined && x.holder === custodian && i.transit === undefined) continue;
    const same = x.transit === undefined ? out.findIndex((y) => y.holder === x.holder && !y.transit) : -1;
    const prev = out[same];
    if (prev !== undefined) out[same] = { holder: x.holder, grams: prev.grams + x.grams };
    else out.push(x);
  }
  if (out.length > MAX_PARTS) {
    throw new GongzhiError('TRACE_LIMIT', `${i.key} is split into at most ${MAX_PARTS} parts`, {
      key: i.key,
    });
  }
  const { parts: _p, ...rest } = i;
  return out.length === 0 ? rest : { ...rest, parts: out };
}

/** The item again with its parts normalised (after the custodian changed). */
export const settleParts = (i: Item): Item => (i.parts === undefined ? i : withParts(i, i.parts));

/**
 * A shipping of `grams` of lot `i` by `p`, as a part: from `p`'s own part, or split from the
 * rest when less than the rest is shipped. Undefined when the whole rest moves (or `p` holds none
 * of it): the custody rules of a whole item apply.
 */
export function shipPart(
  i: Item,
  p: Participant,
  grams: number | undefined,
  event: Uint8Array,
  to: string | undefined,
): Item | undefined {
  if (i.kind !== 'lot') return undefined;
  const transit = { from: p.id, event, ...(to === undefined ? {} : { to }) };
  const own = ownPart(i, p);
  const parts = partsOf(i);
  if (own !== undefined) {
    const g = grams ?? own.part.grams;
    if (g === 0 || g > own.part.grams) insufficient(i, g, own.part.grams);
    const left = parts.map((x, k) => (k === own.at ? { holder: p.id, grams: x.grams - g } : x));
    return withParts(i, [...left, { holder: p.id, grams: g, transit }]);
  }
  const custodian = i.custodian ?? i.createdBy;
  if (custodian !== p.id || i.transit !== undefined || grams === undefined) return undefined;
  const rest = restGrams(i);
  if (grams === rest) return undefined;
  if (grams === 0 || grams > rest) insufficient(i, grams, rest);
  return withParts(i, [...parts, { holder: p.id, grams, transit }]);
}

/**
 * A receiving (or, `voiding`, the shipper calling its part shipment off) of `grams` of lot `i` by
 * `p`: the part in transit of that quantity (the only one, when no quantity is given) becomes
 * `p`'s. `check` is given the part's destination. Undefined when no such part is in transit: the
 * rules of a whole item apply.
 */
export function receivePart(
  i: Item,
  p: Participant,
  grams: number | undefined,
  voiding: boolean,
  check: (to: string | undefined) => void,
): Item | undefined {
  if (i.kind !== 'lot') return undefined;
  const parts = partsOf(i);
  const moving = parts
    .map((x, at) => ({ x, at }))
    .filter(({ x }) => x.transit !== undefined && (!voiding || x.transit.from === p.id))
    .filter(({ x }) => grams === undefined || x.grams === grams);
  const first = moving[0];
  if (first === undefined || (grams === undefined && moving.length > 1)) return undefined;
  if (!voiding) check(first.x.transit?.to);
  return withParts(
    i,
    parts.map((x, k) => (k === first.at ? { holder: p.id, grams: x.grams } : x)),
  );
}

/**
 * `grams` of lot `i` consumed by a transformation recorded by `p`, from what `p` holds at rest:
 * its part, else the rest (TRACE_INSUFFICIENT when that is less). `holdsRest` says whether `p`
 * holds the rest now (its custodian, not in transit, not packed).
 */
export function consumePart(i: Item, p: Participant, grams: number, holdsRest: boolean): Item {
  const own = ownPart(i, p);
  if (own !== undefined) {
    if (grams > own.part.grams) insufficient(i, grams, own.part.grams);
    const parts = partsOf(i).map((x, k) => (k === own.at ? { holder: p.id, grams: x.grams - grams } : x));
    return withParts({ ...i, used: i.used + grams }, parts);
  }
  const rest = holdsRest ? restGrams(i) : 0;
  if (grams > rest) insufficient(i, grams, rest);
  return { ...i, used: i.used + grams };
}
