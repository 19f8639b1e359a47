import { toHex } from '../../encoding/index.js';
import {
  type Codec,
  defineCodec,
  digestCodec,
  readStored,
  stateKey,
  uintCodec,
  writeStored,
} from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import { MODULE } from './registry.js';

/** Most identifiers one event may touch (a pallet of tins is a few hundred). */
export const MAX_IDS = 1000;
/** Most origins (gardens) one item may descend from; most containers it may have been packed in. */
export const MAX_ORIGINS = 16;
export const MAX_CONTAINERS = 16;
/** Most portions a lot is split into at a time (part-lot hand-overs, parts.ts). */
export const MAX_PARTS = 32;
/** Most distinct scan places kept per serial (the count goes on). */
export const MAX_PLACES = 32;

export const ID_ROLES = ['epc', 'quantity', 'parent', 'child', 'input', 'output'] as const;
export type IdRole = (typeof ID_ROLES)[number];
export const EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransformationEvent',
  'AssociationEvent',
  'TransactionEvent',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const ACTIONS = ['ADD', 'OBSERVE', 'DELETE'] as const;
export type Action = (typeof ACTIONS)[number];
export const ITEM_KINDS = ['lot', 'serial', 'container'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** State keys of goods and events. Identifier keys are canonical DL paths (`01/<gtin>/10/<lot>`). */
export const itemKeys = {
  item: (key: string) => stateKey(MODULE, 'item', key),
  event: (hash: Uint8Array) => stateKey(MODULE, 'event', toHex(hash)),
  eventCount: () => stateKey(MODULE, 'events'),
  eventAt: (n: number) => stateKey(MODULE, 'eventat', String(n)),
  idEventCount: (key: string) => stateKey(MODULE, 'evn', key),
  idEventAt: (key: string, n: number) => stateKey(MODULE, 'evi', key, String(n)),
  lotCount: () => stateKey(MODULE, 'lots'),
  lotAt: (n: number) => stateKey(MODULE, 'lotat', String(n)),
  scan: (key: string) => stateKey(MODULE, 'scan', key),
};

/** One identifier an event touches. */
export interface EventId {
  readonly role: IdRole;
  readonly key: string;
  readonly grams?: number;
  readonly units?: number;
}

/** What the ledger keeps of an event (the full document stays with the recorder's node). */
export interface EventRecord {
  /** SHA-256 of the CBV 2.0 pre-hash string (the `ni:///sha-256;…` hash's digest). */
  readonly hash: Uint8Array;
  readonly type: EventType;
  readonly action?: Action;
  readonly eventTime: number;
  readonly bizStep: string;
  readonly disposition?: string;
  readonly location?: string;
  readonly season?: string;
  /** The destination party (`417/<gln>`) the event named. */
  readonly destination?: string;
  readonly ids: readonly EventId[];
  /** The recording participant and account, and where it was recorded. */
  readonly recorder: string;
  readonly account: string;
  readonly height: number;
  readonly tx: Uint8Array;
}

/** Read one `{role, key, grams?, units?}` (shared by the record arguments and the stored event). */
export function readEventId(r: ShapeReader, v: Parameters<ShapeReader['sub']>[0], at: string): EventId {
  const s = r.sub(v, at, ['role', 'key', 'grams', 'units']);
  const role = s.oneOf('role', ID_ROLES);
  const key = s.str('key', 200);
  if (s.has('grams') && s.has('units')) s.fail('units', 'absent when grams is given');
  return {
    role,
    key,
    ...(s.has('grams') ? { grams: s.uint('grams') } : {}),
    ...(s.has('units') ? { units: s.uint('units') } : {}),
  };
}

export const eventIdValue = (i: EventId) => ({
  role: i.role,
  key: i.key,
  ...(i.grams === undefined ? {} : { grams: i.grams }),
  ...(i.units === undefined ? {} : { units: i.units }),
});

export const eventCodec: Codec<EventRecord> = defineCodec<EventRecord>(
  'trace event',
  ['hash', 'type', 'action', 'eventTime', 'bizStep', 'disposition', 'location', 'season', 'ids'].concat([
    'recorder',
    'account',
    'height',
    'tx',
    'destination',
  ]),
  (e) => ({
    hash: e.hash,
    type: e.type,
    ...(e.action === undefined ? {} : { action: e.action }),
    eventTime: e.eventTime,
    bizStep: e.bizStep,
    ...(e.disposition === undefined ? {} : { disposition: e.disposition }),
    ...(e.location === undefined ? {} : { location: e.location }),
    ...(e.season === undefined ? {} : { season: e.season }),
    // Written only when named: an event without one is stored as before.
    ...(e.destination === undefined ? {} : { destination: e.destination }),
    ids: e.ids.map(eventIdValue),
    recorder: e.recorder,
    account: e.account,
    height: e.height,
    tx: e.tx,
  }),
  (r) => ({
    hash: r.digest('hash'),
    type: r.oneOf('type', EVENT_TYPES),
    ...(r.has('action') ? { action: r.oneOf('action', ACTIONS) } : {}),
    eventTime: r.uint('eventTime'),
    bizStep: r.str('bizStep', 256),
    ...(r.has('disposition') ? { disposition: r.str('disposition', 256) } : {}),
    ...(r.has('location') ? { location: r.str('location', 200) } : {}),
    ...(r.has('season') ? { season: r.str('season', 32) } : {}),
    ...(r.has('destination') ? { destination: r.str('destination', 20) } : {}),
    ids: r.list('ids', MAX_IDS, (v, at) => readEventId(r, v, at)),
    recorder: r.id('recorder'),
    account: r.str('account', 128),
    height: r.uint('height'),
    tx: r.digest('tx'),
  }),
);

/** What a shipment in transit records: who shipped, in which event, to which party (`417/<gln>`). */
export interface Transit {
  readonly from: string;
  readonly event: Uint8Array;
  readonly to?: string;
}

/** A portion of a lot held apart from its custodian's rest (parts.ts): at rest, or in transit. */
export interface Part {
  readonly holder: string;
  readonly grams: number;
  readonly transit?: Transit;
}

/** A lot, a serialised item or a container (SSCC) on the ledger. */
export interface Item {
  readonly key: string;
  readonly kind: ItemKind;
  /** Grams it was made with (a serial: its product's unit weight; a container: its contents). */
  readonly grams: number;
  /** Grams consumed by transformations since. */
  readonly used: number;
  /** Gardens it descends from (sorted). */
  readonly origins: readonly string[];
  readonly season?: string;
  /** The participant that created it, and the event that did. */
  readonly createdBy: string;
  readonly createdIn: Uint8Array;
  /** Containers (SSCC keys) it was packed into, oldest first. */
  readonly containers: readonly string[];
  readonly sold?: { readonly by: string; readonly event: Uint8Array; readonly eventTime: number };
  /** The participant holding it now, when not its creator (custody.ts). */
  readonly custodian?: string;
  /**
   * Shipped by its custodian and not yet received: who shipped it, in which event, and the
   * destination party (`417/<gln>`) the shipment named, when it named one.
   */
  readonly transit?: Transit;
  /** Taken out of its last container (AggregationEvent DELETE); absent while packed or never packed. */
  readonly unpacked?: boolean;
  /** Portions of a lot handed over apart from the rest (part-lot shipments); absent when none. */
  readonly parts?: readonly Part[];
}

const transitValue = (t: Transit) => ({
  from: t.from,
  event: t.event,
  ...(t.to === undefined ? {} : { to: t.to }),
});

function readTransit(t: ShapeReader): Transit {
  return {
    from: t.id('from'),
    event: t.digest('event'),
    ...(t.has('to') ? { to: t.str('to', 20) } : {}),
  };
}

export const itemCodec: Codec<Item> = defineCodec<Item>(
  'trace item',
  [
    'key',
    'kind',
    'grams',
    'used',
    'origins',
    'season',
    'createdBy',
    'createdIn',
    'containers',
    'sold',
    'custodian',
    'transit',
    'unpacked',
    'parts',
  ],
  (i) => ({
    key: i.key,
    kind: i.kind,
    grams: i.grams,
    used: i.used,
    origins: [...i.origins],
    ...(i.season === undefined ? {} : { season: i.season }),
    createdBy: i.createdBy,
    createdIn: i.createdIn,
    containers: [...i.containers],
    ...(i.sold === undefined
      ? {}
      : { sold: { by: i.sold.by, event: i.sold.event, eventTime: i.sold.eventTime } }),
    // Written only when they say something: an item never handed over is stored as before.
    ...(i.custodian === undefined || i.custodian === i.createdBy ? {} : { custodian: i.custodian }),
    ...(i.transit === undefined ? {} : { transit: transitValue(i.transit) }),
    ...(i.unpacked === true ? { unpacked: true } : {}),
    ...(i.parts === undefined || i.parts.length === 0
      ? {}
      : {
          parts: i.parts.map((x) => ({
            holder: x.holder,
            grams: x.grams,
            ...(x.transit === undefined ? {} : { transit: transitValue(x.transit) }),
          })),
        }),
  }),
  (r) => {
    const sold = r.has('sold') ? r.nested('sold', ['by', 'event', 'eventTime']) : undefined;
    const transit = r.has('transit') ? r.nested('transit', ['from', 'event', 'to']) : undefined;
    return {
      key: r.str('key', 200),
      kind: r.oneOf('kind', ITEM_KINDS),
      grams: r.uint('grams'),
      used: r.uint('used'),
      origins: r.strs('origins', MAX_ORIGINS, 64, true),
      ...(r.has('season') ? { season: r.str('season', 32) } : {}),
      createdBy: r.id('createdBy'),
      createdIn: r.digest('createdIn'),
      containers: r.strs('containers', MAX_CONTAINERS, 200),
      ...(sold === undefined
        ? {}
        : { sold: { by: sold.id('by'), event: sold.digest('event'), eventTime: sold.uint('eventTime') } }),
      ...(r.has('custodian') ? { custodian: r.id('custodian') } : {}),
      ...(transit === undefined ? {} : { transit: readTransit(transit) }),
      ...(r.has('unpacked') && r.bool('unpacked') ? { unpacked: true } : {}),
      ...(r.has('parts')
        ? {
            parts: r.list('parts', MAX_PARTS, (v, at) => {
              const x = r.sub(v, at, ['holder', 'grams', 'transit']);
              const t = x.has('transit') ? x.nested('transit', ['from', 'event', 'to']) : undefined;
              return {
                holder: x.id('holder'),
                grams: x.uint('grams'),
                ...(t === undefined ? {} : { transit: readTransit(t) }),
              };
            }),
          }
        : {}),
    };
  },
);

/** Consumer scans of one serial. */
export interface Scans {
  readonly count: number;
  /** Distinct places, in the order first seen (at most MAX_PLACES kept). */
  readonly places: readonly string[];
  readonly distinct: number;
  /** Height at which the serial was flagged (seen in more places than the parameter allows). */
  readonly flaggedAt?: number;
}

export const scansCodec: Codec<Scans> = defineCodec<Scans>(
  'trace scans',
  ['count', 'places', 'distinct', 'flaggedAt'],
  (s) => ({
    count: s.count,
    places: [...s.places],
    distinct: s.distinct,
    ...(s.flaggedAt === undefined ? {} : { flaggedAt: s.flaggedAt }),
  }),
  (r) => ({
    count: r.uint('count'),
    places: r.strs('places', MAX_PLACES, 64, true),
    distinct: r.uint('distinct'),
    ...(r.has('flaggedAt') ? { flaggedAt: r.uint('flaggedAt') } : {}),
  }),
);

export const readItem = (s: StateReader, key: string): Item | undefined =>
  readStored(s, itemKeys.item(key), itemCodec);
export const readEvent = (s: StateReader, hash: Uint8Array): EventRecord | undefined =>
  readStored(s, itemKeys.event(hash), eventCodec);
export const readScans = (s: StateReader, key: string): Scans | undefined =>
  readStored(s, itemKeys.scan(key), scansCodec);
export const countOf = (s: StateReader, key: string): number => readStored(s, key, uintCodec) ?? 0;
/** The `n`-th event hash recorded for identifier `key`. */
export const idEventAt = (s: StateReader, key: string, n: number): Uint8Array | undefined =>
  readStored(s, itemKeys.idEventAt(key, n), digestCodec);
export const eventAt = (s: StateReader, n: number): Uint8Array | undefined =>
  readStored(s, itemKeys.eventAt(n), digestCodec);

export function writeItem(s: StateOverlay, i: Item): void {
  writeStored(s, itemKeys.item(i.key), itemCodec, i);
}
export function writeEvent(s: StateOverlay, e: EventRecord): void {
  writeStored(s, itemKeys.event(e.hash), eventCodec, e);
}
export function writeScans(s: StateOverlay, key: string, v: Scans): void {
  writeStored(s, itemKeys.scan(key), scansCodec, v);
}
/** Append `value` to the counted list (`count` key, `at(n)` items). */
export function appendDigest(
  s: StateOverlay,
  countKey: string,
  at: (n: number) => string,
  value: Uint8Array,
): void {
  const n = countOf(s, countKey);
  writeStored(s, at(n), digestCodec, value);
  writeStored(s, countKey, uintCodec, n + 1);
}

const keyCodec: Codec<string> = defineCodec<string>(
  'trace key',
  ['key'],
  (k) => ({ key: k }),
  (r) => r.str('key', 200),
);

/** The `n`-th lot key ever created (for the resolver's list of links). */
export const lotAt = (s: StateReader, n: number): string | undefined =>
  readStored(s, itemKeys.lotAt(n), keyCodec);

/** Append a lot key to the list of lots. */
export function appendLot(s: StateOverlay, key: string): void {
  const n = countOf(s, itemKeys.lotCount());
  writeStored(s, itemKeys.lotAt(n), keyCodec, key);
  writeStored(s, itemKeys.lotCount(), uintCodec, n + 1);
}
