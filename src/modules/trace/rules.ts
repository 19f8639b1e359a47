import { toHex } from '../../encoding/index.js';
import { parseKey } from '../../epcis/digital-link.js';
import { type ErrorCode, type ErrorDetails, GongzhiError } from '../../errors/index.js';
import type { StateReader } from '../../state/index.js';
import { type AssociationPlan, planAssociation } from './association.js';
import {
  custodianOf,
  custodyStep,
  holderOf,
  RECEIVING_STEPS,
  requireCustody,
  SHIPPING_STEP,
  VOID_SHIPPING_STEP,
} from './custody.js';
import type { EventId, Item } from './items.js';
import { MAX_CONTAINERS, MAX_ORIGINS, readEvent, readItem } from './items.js';
import { consumePart } from './parts.js';
import { MAX_GRAMS, type RecordArgs } from './record-args.js';
import {
  capacityOf,
  type Garden,
  gardenOfGln,
  type Harvest,
  harvested,
  LIMITS,
  type Participant,
  type Product,
  participantOfAccount,
  readGarden,
  readHarvest,
  readParticipant,
  readProduct,
} from './registry.js';
import { cbvStep } from './vocabulary.js';

/**
 * The fraud rules of `trace.record`, as a pure plan over read-only state: who may record the
 * step, where new goods may come from and how much, what transformations may make of their
 * inputs, no identifier commissioned twice, no serial sold twice. `check` computes the plan;
 * `apply` writes it. Quantities are integer grams; ratios integer `input : output`.
 */

/** What `apply` writes for one recorded event. */
export interface RecordPlan {
  readonly recorder: Participant;
  /** Items created or changed (written whole). */
  readonly items: readonly Item[];
  /** Keys of lots created (appended to the list of lots). */
  readonly newLots: readonly string[];
  /** The origin garden's new harvest totals, for an origin event. */
  readonly harvest?: { readonly garden: string; readonly value: Harvest };
  /** An AssociationEvent's new associations. */
  readonly association?: AssociationPlan;
}

const fail = (code: ErrorCode, message: string, details: ErrorDetails = {}): never => {
  throw new GongzhiError(code, message, details);
};

/**
 * Integer ceil(a × b / c) for non-negative safe integers whose product stays safe, without a
 * floating-point division: the remainder is exact, so the quotient of what is left is too.
 */
function ceilMulDiv(a: number, b: number, c: number): number {
  const p = a * b;
  const r = p % c;
  return (p - r) / c + (r > 0 ? 1 : 0);
}

/** `units × unitGrams`, refused when beyond MAX_GRAMS (so every sum stays a safe integer). */
function unitsGrams(key: string, units: number, unit: number): number {
  const g = units * unit;
  if (!Number.isSafeInteger(g) || g > MAX_GRAMS) {
    fail('TRACE_BAD_QUANTITY', `${key}: ${units} × ${unit} g is more than ${MAX_GRAMS} g`, { key });
  }
  return g;
}

function gtinOfKey(key: string): string | undefined {
  const k = parseKey(key);
  return k.ok && (k.value.kind === 'lot' || k.value.kind === 'serial' || k.value.kind === 'class')
    ? k.value.gtin
    : undefined;
}

const kindOf = (key: string): 'lot' | 'serial' | 'sscc' | 'other' => {
  const k = parseKey(key);
  if (!k.ok) return 'other';
  return k.value.kind === 'lot' || k.value.kind === 'serial' || k.value.kind === 'sscc'
    ? k.value.kind
    : 'other';
};

/** The registered product of a new lot or serial (TRACE_UNKNOWN_PRODUCT). */
function productOf(state: StateReader, key: string): Product {
  const gtin = gtinOfKey(key);
  const p = gtin === undefined ? undefined : readProduct(state, gtin);
  if (p === undefined) {
    return fail('TRACE_UNKNOWN_PRODUCT', `no product registered for ${key}`, { key, gtin: gtin ?? '' });
  }
  return p;
}

/** Grams of a new lot/serial entry: its grams, its units × the unit weight, a serial's unit weight. */
function newGrams(id: EventId, product: Product): number {
  if (id.grams !== undefined) return id.grams;
  const unit = product.unitGrams;
  if (unit !== undefined && id.units !== undefined) return unitsGrams(id.key, id.units, unit);
  if (unit !== undefined && kindOf(id.key) === 'serial') return unit;
  return fail(
    'TRACE_BAD_QUANTITY',
    `${id.key}: give grams (KGM/GRM), or register the product's unit weight`,
    {
      key: id.key,
    },
  );
}

/** The recording participant of `sender` (TRACE_NOT_PARTICIPANT). */
export function recorderOf(state: StateReader, sender: string): Participant {
  const id = participantOfAccount(state, sender);
  const p = id === undefined ? undefined : readParticipant(state, id);
  if (p === undefined) {
    return fail('TRACE_NOT_PARTICIPANT', 'this account is not a registered trace participant', {
      account: sender,
    });
  }
  return p;
}

/** A new item (a lot or serial) made by event `hash`. */
function newItem(
  id: EventId,
  grams: number,
  origins: readonly string[],
  season: string | undefined,
  by: string,
  hash: Uint8Array,
): Item {
  const kind = kindOf(id.key);
  if (kind !== 'lot' && kind !== 'serial') {
    return fail('TRACE_BAD_ID', `${id.key}: only lots and serials are made (containers are packed)`, {
      key: id.key,
    });
  }
  return {
    key: id.key,
    kind,
    grams,
    used: 0,
    origins,
    ...(season === undefined ? {} : { season }),
    createdBy: by,
    createdIn: hash,
    containers: [],
  };
}

/** Refuse an identifier that exists already (TRACE_DUPLICATE_COMMISSION). */
function assertNew(state: StateReader, key: string): void {
  const existing = readItem(state, key);
  if (existing !== undefined) {
    fail('TRACE_DUPLICATE_COMMISSION', `${key} was commissioned already`, {
      key,
      by: existing.createdBy,
      event: toHex(existing.createdIn),
    });
  }
}

/** An item that must exist (TRACE_UNKNOWN_ID). */
function existing(state: StateReader, key: string): Item {
  const i = readItem(state, key);
  return i ?? fail('TRACE_UNKNOWN_ID', `${key} is not on the ledger`, { key });
}

function union(lists: readonly (readonly string[])[]): string[] {
  const out = [...new Set(lists.flat())].sort();
  if (out.length > MAX_ORIGINS) fail('TRACE_LIMIT', `an item descends from at most ${MAX_ORIGINS} gardens`);
  return out;
}

/** ObjectEvent ADD: new goods, only at the recorder's registered garden, within its capacity. */
function planOrigin(state: StateReader, a: RecordArgs, p: Participant): RecordPlan {
  const loc = a.location === undefined ? undefined : parseKey(a.location);
  const gln = loc?.ok && loc.value.kind === 'gln' ? loc.value.gln : undefined;
  const gardenId = gln === undefined ? undefined : gardenOfGln(state, gln);
  const garden: Garden | undefined = gardenId === undefined ? undefined : readGarden(state, gardenId);
  if (garden === undefined) {
    return fail(
      'TRACE_UNKNOWN_ORIGIN',
      `new goods must be recorded at a registered garden (location ${a.location ?? 'none'})`,
      {
        location: a.location ?? '',
      },
    );
  }
  if (garden.owner !== p.id) {
    return fail('TRACE_UNKNOWN_ORIGIN', `garden ${garden.id} is not ${p.id}'s`, {
      garden: garden.id,
      participant: p.id,
    });
  }
  const season = a.season;
  if (season === undefined) {
    return fail('EXEC_BAD_ARGS', 'args.season must be given for new goods (gz:season in the ILMD)', {
      field: 'season',
    });
  }
  let total = 0;
  const items = a.ids.map((id) => {
    assertNew(state, id.key);
    const g = newGrams(id, productOf(state, id.key));
    total += g;
    return newItem(id, g, [garden.id], season, p.id, a.hash);
  });
  const h = readHarvest(state, garden.id);
  const used = harvested(h, season);
  const capacity = capacityOf(garden);
  if (used + total > capacity) {
    fail(
      'TRACE_OVER_CAPACITY',
      `garden ${garden.id} can yield ${capacity} g in ${season}; ${used} g recorded, ${total} g more asked`,
      {
        garden: garden.id,
        season,
        capacityGrams: capacity,
        usedGrams: used,
        requestedGrams: total,
      },
    );
  }
  const others = h.seasons.filter((s) => s.season !== season);
  if (others.length === h.seasons.length && h.seasons.length >= LIMITS.seasons) {
    fail('TRACE_LIMIT', `a garden keeps at most ${LIMITS.seasons} seasons`);
  }
  const seasons = [...others, { season, grams: used + total }].sort((x, y) => (x.season < y.season ? -1 : 1));
  return {
    recorder: p,
    items,
    newLots: items.filter((i) => i.kind === 'lot').map((i) => i.key),
    harvest: { garden: garden.id, value: { seasons } },
  };
}

/** TransformationEvent: inputs consumed, outputs made, outputs × ratio.input ≤ inputs × ratio.output. */
function planTransform(state: StateReader, a: RecordArgs, p: Participant): RecordPlan {
  const inputs = a.ids.filter((i) => i.role === 'input');
  const outputs = a.ids.filter((i) => i.role === 'output');
  if (inputs.length === 0 || outputs.length === 0) {
    return fail('TRACE_BAD_QUANTITY', 'a transformation has inputs and outputs');
  }
  let inTotal = 0;
  const consumed = inputs.map((id) => {
    const item = existing(state, id.key);
    if (item.kind === 'container')
      fail('TRACE_BAD_ID', `${id.key}: unpack a container before transforming its contents`);
    requireCustody(state, item, p);
    const remaining = item.grams - item.used;
    let g: number;
    if (item.kind === 'serial') g = item.grams;
    else if (id.grams !== undefined) g = id.grams;
    else if (id.units !== undefined)
      g = unitsGrams(id.key, id.units, productOf(state, id.key).unitGrams ?? 0);
    else g = fail('TRACE_BAD_QUANTITY', `${id.key}: give the input quantity`, { key: id.key });
    if (g === 0 || g > remaining) {
      fail('TRACE_INSUFFICIENT', `${id.key}: ${g} g asked, ${remaining} g remain`, {
        key: id.key,
        requestedGrams: g,
        remainingGrams: remaining,
      });
    }
    inTotal += g;
    // A lot's input comes from what the recorder holds of it: its part, or the rest (parts.ts).
    const holder = holderOf(state, item);
    const holdsRest = (holder.custodian ?? holder.createdBy) === p.id && holder.transit === undefined;
    return item.kind === 'lot' ? consumePart(item, p, g, holdsRest) : { ...item, used: item.used + g };
  });
  const origins = union(consumed.map((i) => i.origins));
  const seasons = new Set(consumed.map((i) => i.season));
  const season = seasons.size === 1 ? [...seasons][0] : undefined;
  let need = 0;
  let outTotal = 0;
  const made = outputs.map((id) => {
    assertNew(state, id.key);
    const product = productOf(state, id.key);
    const g = newGrams(id, product);
    outTotal += g;
    need += ceilMulDiv(g, product.ratio.input, product.ratio.output);
    return newItem(id, g, origins, season, p.id, a.hash);
  });
  if (need > inTotal) {
    fail('TRACE_OVER_RATIO', `${outTotal} g of output needs ${need} g of input; ${inTotal} g given`, {
      inputGrams: inTotal,
      outputGrams: outTotal,
      neededGrams: need,
    });
  }
  return {
    recorder: p,
    items: [...consumed, ...made],
    newLots: made.filter((i) => i.kind === 'lot').map((i) => i.key),
  };
}

/** AggregationEvent ADD: children (which must exist) packed into a container (created if new). */
function planAggregate(state: StateReader, a: RecordArgs, p: Participant): RecordPlan {
  const parents = a.ids.filter((i) => i.role === 'parent');
  const children = a.ids.filter((i) => i.role === 'child');
  const parent = parents[0];
  if (parents.length !== 1 || parent === undefined || children.length === 0) {
    return fail('EXEC_BAD_ARGS', 'args.ids of an aggregation: one parent and at least one child', {
      field: 'ids',
    });
  }
  const before = readItem(state, parent.key);
  if (before !== undefined) requireCustody(state, before, p);
  const packed = children.map((id) => {
    const item = existing(state, id.key);
    requireCustody(state, item, p);
    const { unpacked: _u, ...loose } = item;
    if (item.containers.at(-1) === parent.key) return loose;
    if (item.containers.length >= MAX_CONTAINERS)
      fail('TRACE_LIMIT', `${id.key} was packed ${MAX_CONTAINERS} times`);
    // Packed by its holder: it now moves with the container (custody.ts).
    return { ...loose, custodian: custodianOf(state, item), containers: [...item.containers, parent.key] };
  });
  if (before !== undefined && before.kind !== 'container') {
    fail('TRACE_BAD_ID', `${parent.key} is a ${before.kind}, not a container`, { key: parent.key });
  }
  if (before === undefined && kindOf(parent.key) !== 'sscc') {
    fail('TRACE_BAD_ID', `a new container is an SSCC (00/<sscc>), not ${parent.key}`, { key: parent.key });
  }
  const added = packed.reduce(
    (s, i, k) => s + (i.kind === 'serial' ? i.grams : (children[k]?.grams ?? 0)),
    0,
  );
  const grams = (before?.grams ?? 0) + added;
  if (grams > MAX_GRAMS)
    fail('TRACE_LIMIT', `${parent.key} would hold more than ${MAX_GRAMS} g`, { key: parent.key });
  const container: Item = {
    key: parent.key,
    kind: 'container',
    grams,
    used: 0,
    origins: union([before?.origins ?? [], ...packed.map((i) => i.origins)]),
    createdBy: before?.createdBy ?? p.id,
    createdIn: before?.createdIn ?? a.hash,
    containers: before?.containers ?? [],
    ...(before === undefined
      ? {}
      : { ...before, grams, origins: union([before.origins, ...packed.map((i) => i.origins)]) }),
  };
  return { recorder: p, items: [container, ...packed], newLots: [] };
}

/** AggregationEvent DELETE: the container's holder takes the children named out of it. */
function planUnpack(state: StateReader, a: RecordArgs, p: Participant): RecordPlan {
  const parents = a.ids.filter((i) => i.role === 'parent');
  const children = a.ids.filter((i) => i.role === 'child');
  const parent = parents[0];
  if (parents.length !== 1 || parent === undefined || children.length === 0) {
    return fail('EXEC_BAD_ARGS', 'args.ids of an unpacking: one parent and the children taken out', {
      field: 'ids',
    });
  }
  const container = existing(state, parent.key);
  requireCustody(state, container, p);
  const holder = custodianOf(state, container);
  const items = children.map((id) => {
    const item = existing(state, id.key);
    if (item.containers.at(-1) !== parent.key || item.unpacked === true) {
      fail('TRACE_BAD_ID', `${id.key} is not packed in ${parent.key}`, {
        key: id.key,
        container: parent.key,
      });
    }
    return { ...item, custodian: holder, unpacked: true };
  });
  return { recorder: p, items, newLots: [] };
}

/**
 * Grams of lot `item` a hand-over (shipping, receiving, voiding) names: its weight, or its count
 * (a quantity without a unit of measure) × the product's unit weight — a count of a product
 * registered without one is refused (TRACE_BAD_QUANTITY: a part cannot be told). Undefined when no
 * quantity is given (the whole lot moves).
 */
function handedGrams(state: StateReader, item: Item, id: EventId): number | undefined {
  if (item.kind !== 'lot' || id.units === undefined) return id.grams;
  const unit = productOf(state, id.key).unitGrams;
  if (unit === undefined) {
    return fail(
      'TRACE_BAD_QUANTITY',
      `${id.key}: a count of this product needs its unit weight (register unitGrams), or give KGM/GRM`,
      { key: id.key },
    );
  }
  return unitsGrams(id.key, id.units, unit);
}

const HANDING_STEPS: readonly string[] = [SHIPPING_STEP, VOID_SHIPPING_STEP, ...RECEIVING_STEPS];

/**
 * Any other event: every identifier must exist; custody is checked and moved (custody.ts), a part
 * of a lot handed over by weight or by count; a retail sale marks serials sold, once.
 */
function planObserve(state: StateReader, a: RecordArgs, p: Participant): RecordPlan {
  const selling = a.bizStep === cbvStep('retail_selling');
  const handing = HANDING_STEPS.includes(a.bizStep);
  const items: Item[] = [];
  for (const id of a.ids) {
    const found = existing(state, id.key);
    const grams = handing ? handedGrams(state, found, id) : id.grams;
    const moved = custodyStep(state, found, p, a.bizStep, a.hash, a.destination, grams);
    const item = moved ?? found;
    if (!selling || item.kind !== 'serial') {
      if (moved !== undefined) items.push(moved);
      continue;
    }
    if (item.sold !== undefined) {
      fail('TRACE_ALREADY_SOLD', `${id.key} was sold already (by ${item.sold.by})`, {
        key: id.key,
        by: item.sold.by,
        event: toHex(item.sold.event),
      });
    }
    items.push({ ...item, sold: { by: p.id, event: a.hash, eventTime: a.eventTime } });
  }
  return { recorder: p, items, newLots: [] };
}

/** The plan of one `trace.record`, or the rule it breaks. */
export function planRecord(state: StateReader, sender: string, a: RecordArgs): RecordPlan {
  const p = recorderOf(state, sender);
  if (!p.bizSteps.includes(a.bizStep)) {
    fail('TRACE_BIZSTEP_DENIED', `${p.id} (${p.kind}) may not record ${a.bizStep}`, {
      participant: p.id,
      bizStep: a.bizStep,
    });
  }
  if (readEvent(state, a.hash) !== undefined) {
    fail('TRACE_EVENT_EXISTS', 'this event is recorded already', { hash: toHex(a.hash) });
  }
  switch (a.type) {
    case 'ObjectEvent':
      return a.action === 'ADD' ? planOrigin(state, a, p) : planObserve(state, a, p);
    case 'TransformationEvent':
      return planTransform(state, a, p);
    case 'AggregationEvent':
      if (a.action === 'ADD') return planAggregate(state, a, p);
      return a.action === 'DELETE' ? planUnpack(state, a, p) : planObserve(state, a, p);
    case 'AssociationEvent':
      return { recorder: p, items: [], newLots: [], association: planAssociation(state, a) };
    case 'TransactionEvent':
      return planObserve(state, a, p);
  }
}
