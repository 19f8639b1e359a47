import { toHex } from '../../encoding/index.js';
import { keyOf } from '../../epcis/digital-link.js';
import { GongzhiError } from '../../errors/index.js';
import { defineQuery, QueryArgs, S } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { parseIdKey } from './args.js';
import { custodianOf } from './custody.js';
import {
  countOf,
  type EventRecord,
  eventAt,
  type Item,
  idEventAt,
  itemKeys,
  lotAt,
  readEvent,
  readItem,
  readScans,
} from './items.js';
import {
  listIds,
  readGarden,
  readHarvest,
  readParams,
  readParticipant,
  readProduct,
  registryKeys,
} from './registry.js';
import {
  eventJson,
  eventSchema,
  gardenJson,
  gardenSchema,
  itemJson,
  itemSchema,
  participantJson,
  participantSchema,
  productJson,
  productSchema,
  scansJson,
  scansSchema,
} from './views.js';

/** Largest page of a listing; most items and events one trace walks. */
export const MAX_PAGE = 1000;
export const TRACE_MAX_ITEMS = 64;
export const TRACE_MAX_EVENTS = 500;

/** The identifier parameter `id`: a ledger key, a Digital Link URI or an EPC URI (TRACE_BAD_ID…). */
function idParam(q: QueryArgs): string {
  const raw = q.str('id', 512);
  const key = /^[0-9]{2,4}\//.test(raw) ? raw : keyOf(raw);
  if (key === undefined)
    throw new GongzhiError('TRACE_BAD_ID', `${raw} names no GS1 identifier`, { name: 'id' });
  parseIdKey(key, 'id');
  return key;
}

function hashParam(q: QueryArgs): Uint8Array {
  const raw = q.str('hash', 200);
  const hex = /^ni:\/\/\/sha-256;([0-9a-f]{64})\?ver=CBV2\.0$/.exec(raw)?.[1] ?? raw;
  return new QueryArgs({ hash: hex }).hex('hash', 32);
}

function foundItem(state: StateReader, key: string): Item {
  const i = readItem(state, key);
  if (i === undefined) throw new GongzhiError('TRACE_NOT_FOUND', `${key} is not on the ledger`, { key });
  return i;
}

type ReadEvent = (state: StateReader, hash: Uint8Array) => EventRecord | undefined;

/** Up to `limit` event records of `key`, from `offset`. */
function eventsOf(
  state: StateReader,
  key: string,
  offset: number,
  limit: number,
  read: ReadEvent = readEvent,
): EventRecord[] {
  const total = countOf(state, itemKeys.idEventCount(key));
  const out: EventRecord[] = [];
  for (let i = offset; i < total && out.length < limit; i++) {
    const h = idEventAt(state, key, i);
    const e = h === undefined ? undefined : read(state, h);
    if (e !== undefined) out.push(e);
  }
  return out;
}

const page = {
  offset: S.Optional(S.UintParam('first item (default 0)')),
  limit: S.Optional(S.UintParam(`≤ ${MAX_PAGE}`)),
};

/** `participants` → the registry: organisations, gardens (with capacity and harvests), products. */
export const participants = defineQuery({
  summary: 'The registry: participants and their bizSteps, gardens with capacity and harvests, products',
  args: S.Object({}),
  result: S.Object({
    participants: S.Array(participantSchema),
    gardens: S.Array(gardenSchema),
    products: S.Array(productSchema),
    params: S.Object({ maxScanPlaces: S.Integer() }),
  }),
  run: ({ state }) => ({
    participants: listIds(state, registryKeys.participants()).flatMap((id) => {
      const p = readParticipant(state, id);
      return p === undefined ? [] : [participantJson(p)];
    }),
    gardens: listIds(state, registryKeys.gardens()).flatMap((id) => {
      const g = readGarden(state, id);
      return g === undefined ? [] : [gardenJson(g, readHarvest(state, id))];
    }),
    products: listIds(state, registryKeys.products()).flatMap((gtin) => {
      const p = readProduct(state, gtin);
      return p === undefined ? [] : [productJson(p)];
    }),
    params: { ...readParams(state) },
  }),
});

/** `event {hash}` → one event summary (TRACE_NOT_FOUND). */
export const event = defineQuery({
  summary: 'One recorded event by its canonical hash (hex digest or ni:///sha-256;… URI)',
  args: S.Object({ hash: S.String({ description: 'hex digest or ni:///sha-256;<hex>?ver=CBV2.0' }) }),
  result: eventSchema,
  run: ({ state }, q) => {
    const h = hashParam(q);
    const e = readEvent(state, h);
    if (e === undefined)
      throw new GongzhiError('TRACE_NOT_FOUND', 'no event with this hash', { name: 'hash' });
    return eventJson(e);
  },
});

/** `item {id}` → a lot, serial or container with its events (paged) and, for a serial, its scans. */
export const item = defineQuery({
  summary: 'A lot’s, serial’s or container’s record, its events (oldest first) and scans',
  args: S.Object({
    id: S.String({ description: 'key (01/<gtin>/10/<lot>), Digital Link or EPC URI' }),
    ...page,
  }),
  result: S.Object({
    item: itemSchema,
    total: S.Integer(),
    offset: S.Integer(),
    events: S.Array(eventSchema),
    scans: scansSchema,
  }),
  run: ({ state }, q) => {
    const key = idParam(q);
    const i = foundItem(state, key);
    const offset = q.uint('offset', 0);
    const limit = q.uint('limit', 100, MAX_PAGE);
    return {
      item: itemJson(i, custodianOf(state, i)),
      total: countOf(state, itemKeys.idEventCount(key)),
      offset,
      events: eventsOf(state, key, offset, limit).map(eventJson),
      scans: scansJson(readScans(state, key)),
    };
  },
});

/**
 * `trace {id}` → an identifier's trace: the item, everything it was made from back to the garden
 * (through the inputs of each creating event) and the containers it travelled in, with all their
 * events in time order, the gardens and the participants involved.
 */
export const trace = defineQuery({
  summary: 'An identifier’s trace back to its gardens: items, events in time order, gardens, participants',
  args: S.Object({ id: S.String({ description: 'key, Digital Link or EPC URI' }) }),
  result: S.Object({
    id: S.String(),
    items: S.Array(itemSchema),
    events: S.Array(eventSchema),
    gardens: S.Array(gardenSchema),
    participants: S.Array(S.Object({ id: S.String(), kind: S.String(), name: S.Optional(S.String()) })),
    scans: scansSchema,
    truncated: S.Boolean(),
  }),
  run: ({ state }, q) => {
    const root = idParam(q);
    foundItem(state, root);
    const items: Item[] = [];
    const events = new Map<string, EventRecord>();
    const seen = new Set<string>([root]);
    const queue = [root];
    let truncated = false;
    // Each event is decoded once: a packing event is an event of every tin it made, and of its input.
    const decoded = new Map<string, EventRecord | undefined>();
    const read: ReadEvent = (s, h) => {
      const k = toKey(h);
      if (!decoded.has(k)) decoded.set(k, readEvent(s, h));
      return decoded.get(k);
    };
    while (queue.length > 0) {
      const key = queue.shift() as string;
      const it = readItem(state, key);
      if (it === undefined) continue;
      if (items.length >= TRACE_MAX_ITEMS || events.size >= TRACE_MAX_EVENTS) {
        truncated = true;
        break;
      }
      items.push(it);
      for (const e of eventsOf(state, key, 0, TRACE_MAX_EVENTS - events.size, read))
        events.set(toKey(e.hash), e);
      const made = read(state, it.createdIn);
      const next = [
        ...(made?.ids.filter((i) => i.role === 'input').map((i) => i.key) ?? []),
        ...it.containers,
      ];
      for (const k of next) {
        if (!seen.has(k)) {
          seen.add(k);
          queue.push(k);
        }
      }
    }
    const sorted = [...events.values()].sort((a, b) => a.eventTime - b.eventTime || a.height - b.height);
    const gardenIds = [...new Set(items.flatMap((i) => i.origins))].sort();
    const gardens = gardenIds.flatMap((id) => {
      const g = readGarden(state, id);
      return g === undefined ? [] : [gardenJson(g, readHarvest(state, id))];
    });
    const who = [...new Set([...sorted.map((e) => e.recorder), ...gardens.map((g) => g.owner)])].sort();
    return {
      id: root,
      items: items.map((i) => itemJson(i, custodianOf(state, i))),
      events: sorted.map(eventJson),
      gardens,
      participants: who.flatMap((id) => {
        const p = readParticipant(state, id);
        return p === undefined ? [] : [{ id: p.id, kind: p.kind, ...(p.publish ? { name: p.name } : {}) }];
      }),
      scans: scansJson(readScans(state, root)),
      truncated,
    };
  },
});

const toKey = toHex;

/** `lots {offset, limit}` → the lots ever created, oldest first (the resolver's links). */
export const lots = defineQuery({
  summary: 'Lots created on the ledger, oldest first (what a resolver can resolve)',
  args: S.Object(page),
  result: S.Object({ total: S.Integer(), offset: S.Integer(), lots: S.Array(S.String()) }),
  run: ({ state }, q) => {
    const total = countOf(state, itemKeys.lotCount());
    const offset = q.uint('offset', 0);
    const limit = q.uint('limit', 100, MAX_PAGE);
    const out: string[] = [];
    for (let i = offset; i < total && out.length < limit; i++) {
      const k = lotAt(state, i);
      if (k !== undefined) out.push(k);
    }
    return { total, offset, lots: out };
  },
});

/** `events {offset, limit}` → event summaries in recording order. */
export const events = defineQuery({
  summary: 'Recorded events in recording order (paged)',
  args: S.Object(page),
  result: S.Object({ total: S.Integer(), offset: S.Integer(), events: S.Array(eventSchema) }),
  run: ({ state }, q) => {
    const total = countOf(state, itemKeys.eventCount());
    const offset = q.uint('offset', 0);
    const limit = q.uint('limit', 100, MAX_PAGE);
    const out: ReturnType<typeof eventJson>[] = [];
    for (let i = offset; i < total && out.length < limit; i++) {
      const h = eventAt(state, i);
      const e = h === undefined ? undefined : readEvent(state, h);
      if (e !== undefined) out.push(eventJson(e));
    }
    return { total, offset, events: out };
  },
});
