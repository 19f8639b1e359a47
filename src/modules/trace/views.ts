import { toHex } from '../../encoding/index.js';
import { S } from '../../execution/index.js';
import type { EventRecord, Item, Scans, Transit } from './items.js';
import { restGrams } from './parts.js';
import { capacityOf, type Garden, type Harvest, type Participant, type Product } from './registry.js';

/** JSON views of the module's records (bytes as hex) and their schemas, for the queries. */

const eventIdSchema = S.Object({
  role: S.String(),
  key: S.String(),
  grams: S.Optional(S.Integer()),
  units: S.Optional(S.Integer()),
});

export const eventSchema = S.Object(
  {
    hash: S.Hex(32),
    hashUri: S.String({ description: 'ni:///sha-256;<hex>?ver=CBV2.0' }),
    type: S.String(),
    action: S.Optional(S.String()),
    eventTime: S.Integer(),
    bizStep: S.String(),
    disposition: S.Optional(S.String()),
    location: S.Optional(S.String()),
    season: S.Optional(S.String()),
    destination: S.Optional(S.String({ description: 'destination party 417/<gln>' })),
    ids: S.Array(eventIdSchema),
    recorder: S.String(),
    account: S.String(),
    height: S.Integer(),
    tx: S.Hex(32),
  },
  { description: 'an event summary as recorded' },
);

export function eventJson(e: EventRecord) {
  return {
    hash: toHex(e.hash),
    hashUri: `ni:///sha-256;${toHex(e.hash)}?ver=CBV2.0`,
    type: e.type,
    ...(e.action === undefined ? {} : { action: e.action }),
    eventTime: e.eventTime,
    bizStep: e.bizStep,
    ...(e.disposition === undefined ? {} : { disposition: e.disposition }),
    ...(e.location === undefined ? {} : { location: e.location }),
    ...(e.season === undefined ? {} : { season: e.season }),
    ...(e.destination === undefined ? {} : { destination: e.destination }),
    ids: e.ids.map((i) => ({ ...i })),
    recorder: e.recorder,
    account: e.account,
    height: e.height,
    tx: toHex(e.tx),
  };
}

export const itemSchema = S.Object({
  key: S.String(),
  kind: S.String(),
  grams: S.Integer(),
  used: S.Integer(),
  remaining: S.Integer(),
  origins: S.Array(S.String()),
  season: S.Optional(S.String()),
  createdBy: S.String(),
  createdIn: S.Hex(32),
  containers: S.Array(S.String()),
  sold: S.Optional(S.Object({ by: S.String(), event: S.Hex(32), eventTime: S.Integer() })),
  custodian: S.String({ description: 'participant holding it (a packed item: see its container)' }),
  packed: S.Boolean({ description: 'inside its last container' }),
  transit: S.Optional(S.Object({ from: S.String(), event: S.Hex(32), to: S.Optional(S.String()) })),
  parts: S.Optional(
    S.Array(
      S.Object({
        holder: S.String(),
        grams: S.Integer(),
        transit: S.Optional(S.Object({ from: S.String(), event: S.Hex(32), to: S.Optional(S.String()) })),
      }),
      { description: 'portions of a lot held apart from the custodian’s rest (part-lot hand-overs)' },
    ),
  ),
  restGrams: S.Optional(S.Integer({ description: 'grams the custodian holds when parts are held apart' })),
});

/** `holder`: the participant holding it now (for a packed item, its container's custodian). */
const transitJson = (t: Transit) => ({
  from: t.from,
  event: toHex(t.event),
  ...(t.to === undefined ? {} : { to: t.to }),
});

export function itemJson(i: Item, holder: string = i.custodian ?? i.createdBy) {
  return {
    key: i.key,
    kind: i.kind,
    grams: i.grams,
    used: i.used,
    remaining: i.grams - i.used,
    origins: [...i.origins],
    ...(i.season === undefined ? {} : { season: i.season }),
    createdBy: i.createdBy,
    createdIn: toHex(i.createdIn),
    containers: [...i.containers],
    ...(i.sold === undefined
      ? {}
      : { sold: { by: i.sold.by, event: toHex(i.sold.event), eventTime: i.sold.eventTime } }),
    custodian: holder,
    packed: i.containers.length > 0 && i.unpacked !== true,
    ...(i.transit === undefined ? {} : { transit: transitJson(i.transit) }),
    ...(i.parts === undefined
      ? {}
      : {
          parts: i.parts.map((x) => ({
            holder: x.holder,
            grams: x.grams,
            ...(x.transit === undefined ? {} : { transit: transitJson(x.transit) }),
          })),
          restGrams: restGrams(i),
        }),
  };
}

export const scansSchema = S.Object({
  count: S.Integer(),
  places: S.Array(S.String()),
  distinct: S.Integer(),
  flagged: S.Boolean(),
  flaggedAt: S.Optional(S.Integer()),
});

export function scansJson(s: Scans | undefined) {
  if (s === undefined) return { count: 0, places: [], distinct: 0, flagged: false };
  return {
    count: s.count,
    places: [...s.places],
    distinct: s.distinct,
    flagged: s.flaggedAt !== undefined,
    ...(s.flaggedAt === undefined ? {} : { flaggedAt: s.flaggedAt }),
  };
}

export const participantSchema = S.Object({
  id: S.String(),
  name: S.String(),
  kind: S.String(),
  accounts: S.Array(S.String()),
  bizSteps: S.Array(S.String()),
  publish: S.Boolean(),
  gln: S.Optional(S.String({ description: 'the party GLN (PGLN 417/<gln>) shipments name' })),
});

export const participantJson = (p: Participant) => ({
  ...p,
  accounts: [...p.accounts],
  bizSteps: [...p.bizSteps],
});

export const gardenSchema = S.Object({
  id: S.String(),
  owner: S.String(),
  name: S.String(),
  gln: S.String(),
  region: S.String(),
  areaM2: S.Integer(),
  yieldGramsPerM2: S.Integer(),
  capacityGrams: S.Integer({ description: 'per season: areaM2 × yieldGramsPerM2' }),
  harvested: S.Array(S.Object({ season: S.String(), grams: S.Integer() })),
});

export const gardenJson = (g: Garden, h: Harvest) => ({
  ...g,
  capacityGrams: capacityOf(g),
  harvested: h.seasons.map((s) => ({ ...s })),
});

export const productSchema = S.Object({
  gtin: S.String(),
  name: S.String(),
  owner: S.String(),
  unitGrams: S.Optional(S.Integer()),
  ratio: S.Object({ input: S.Integer(), output: S.Integer() }),
});

export const productJson = (p: Product) => ({ ...p, ratio: { ...p.ratio } });
