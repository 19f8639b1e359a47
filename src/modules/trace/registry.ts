import {
  type Codec,
  defineCodec,
  defineValueCodec,
  readStored,
  stateKey,
  stringListCodec,
  writeStored,
} from '../../execution/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import { PARTICIPANT_KINDS, type ParticipantKind } from './vocabulary.js';

/** Module name, also the state key prefix. */
export const MODULE = 'trace';

/** Registry limits (records stay small; lists stay listable in one query). */
export const LIMITS = {
  participants: 1000,
  gardens: 1000,
  products: 1000,
  accounts: 16,
  bizSteps: 32,
  name: 128,
  region: 128,
  seasons: 64,
  season: 32,
} as const;

/** State keys of the registry. */
export const registryKeys = {
  params: () => stateKey(MODULE, 'params'),
  participant: (id: string) => stateKey(MODULE, 'participant', id),
  participants: () => stateKey(MODULE, 'participants'),
  account: (address: string) => stateKey(MODULE, 'account', address),
  garden: (id: string) => stateKey(MODULE, 'garden', id),
  gardens: () => stateKey(MODULE, 'gardens'),
  gln: (gln: string) => stateKey(MODULE, 'gln', gln),
  harvest: (garden: string) => stateKey(MODULE, 'harvest', garden),
  product: (gtin: string) => stateKey(MODULE, 'product', gtin),
  products: () => stateKey(MODULE, 'products'),
};

/** Module parameters (genesis `genesis.modules.trace`; defaults when absent). */
export interface TraceParams {
  /** A serial scanned in more distinct places than this is flagged as a likely clone. */
  readonly maxScanPlaces: number;
}

export const DEFAULT_TRACE_PARAMS: TraceParams = { maxScanPlaces: 3 };

export const paramsCodec: Codec<TraceParams> = defineCodec<TraceParams>(
  'trace params',
  ['maxScanPlaces'],
  (p) => ({ maxScanPlaces: p.maxScanPlaces }),
  (r) => ({ maxScanPlaces: r.uint('maxScanPlaces', 1000) }),
);

/** The parameters in force. */
export function readParams(state: StateReader): TraceParams {
  return readStored(state, registryKeys.params(), paramsCodec) ?? DEFAULT_TRACE_PARAMS;
}

/** An organisation taking part: its accounts and the bizSteps it may record. */
export interface Participant {
  readonly id: string;
  readonly name: string;
  readonly kind: ParticipantKind;
  readonly accounts: readonly string[];
  /** Canonical bizStep URIs. */
  readonly bizSteps: readonly string[];
  /** Whether the consumer page may show the name (otherwise only the role). */
  readonly publish: boolean;
  /**
   * The party's GLN-13, as events name it in their source and destination lists (PGLN,
   * `417/<gln>`): a shipment to this party is received only by it.
   */
  readonly gln?: string;
}

export const participantCodec: Codec<Participant> = defineCodec<Participant>(
  'trace participant',
  ['id', 'name', 'kind', 'accounts', 'bizSteps', 'publish', 'gln'],
  (p) => ({
    id: p.id,
    name: p.name,
    kind: p.kind,
    accounts: [...p.accounts],
    bizSteps: [...p.bizSteps],
    publish: p.publish,
    // Written only when given: a participant registered without one is stored as before.
    ...(p.gln === undefined ? {} : { gln: p.gln }),
  }),
  (r) => ({
    id: r.id('id'),
    name: r.str('name', LIMITS.name),
    kind: r.oneOf('kind', PARTICIPANT_KINDS),
    accounts: r.strs('accounts', LIMITS.accounts, 128, true),
    bizSteps: r.strs('bizSteps', LIMITS.bizSteps, 256, true),
    publish: r.bool('publish'),
    ...(r.has('gln') ? { gln: r.match('gln', /^[0-9]{13}$/, 'a GLN-13') } : {}),
  }),
);

/** A registered garden: where genuine produce comes from, and how much it can yield. */
export interface Garden {
  readonly id: string;
  /** The participant (kind garden) that runs it. */
  readonly owner: string;
  readonly name: string;
  /** GLN-13 of the garden (the location of its harvest events). */
  readonly gln: string;
  readonly region: string;
  readonly areaM2: number;
  /** Registered yield of fresh produce per season, grams per m². */
  readonly yieldGramsPerM2: number;
}

export const gardenCodec: Codec<Garden> = defineCodec<Garden>(
  'trace garden',
  ['id', 'owner', 'name', 'gln', 'region', 'areaM2', 'yieldGramsPerM2'],
  (g) => ({ ...g }),
  (r) => ({
    id: r.id('id'),
    owner: r.id('owner'),
    name: r.str('name', LIMITS.name),
    gln: r.match('gln', /^[0-9]{13}$/, 'a GLN-13'),
    region: r.str('region', LIMITS.region, 0),
    areaM2: r.uint('areaM2'),
    yieldGramsPerM2: r.uint('yieldGramsPerM2'),
  }),
);

/** Capacity of a garden per season, in grams (integer arithmetic only). */
export const capacityOf = (g: Garden): number => g.areaM2 * g.yieldGramsPerM2;

/** Grams harvested at a garden, per season. */
export interface Harvest {
  readonly seasons: readonly { readonly season: string; readonly grams: number }[];
}

export const harvestCodec: Codec<Harvest> = defineCodec<Harvest>(
  'trace harvest',
  ['seasons'],
  (h) => ({ seasons: h.seasons.map((s) => ({ season: s.season, grams: s.grams })) }),
  (r) => ({
    seasons: r.list('seasons', LIMITS.seasons, (v, at) => {
      const s = r.sub(v, at, ['season', 'grams']);
      return { season: s.str('season', LIMITS.season), grams: s.uint('grams') };
    }),
  }),
);

/** A product (GTIN): what one unit weighs, and the ratio bounding what transformations make of it. */
export interface Product {
  readonly gtin: string;
  readonly name: string;
  readonly owner: string;
  /** Net grams of one item (a 250 g tin: 250); absent for produce counted by weight. */
  readonly unitGrams?: number;
  /**
   * Least input per output of a transformation producing this product, as `input : output`
   * (dry tea from fresh leaf 4:1; packing 1:1): outputs × input ≤ inputs × output.
   */
  readonly ratio: { readonly input: number; readonly output: number };
}

export const productCodec: Codec<Product> = defineCodec<Product>(
  'trace product',
  ['gtin', 'name', 'owner', 'unitGrams', 'ratio'],
  (p) => ({
    gtin: p.gtin,
    name: p.name,
    owner: p.owner,
    ...(p.unitGrams === undefined ? {} : { unitGrams: p.unitGrams }),
    ratio: { input: p.ratio.input, output: p.ratio.output },
  }),
  (r) => {
    const ratio = r.nested('ratio', ['input', 'output']);
    return {
      gtin: r.match('gtin', /^[0-9]{14}$/, 'a GTIN-14'),
      name: r.str('name', LIMITS.name),
      owner: r.id('owner'),
      ...(r.has('unitGrams') ? { unitGrams: r.uint('unitGrams') } : {}),
      ratio: { input: ratio.uint('input', 1000), output: ratio.uint('output', 1000) },
    };
  },
);

const idCodec: Codec<string> = defineValueCodec(
  'trace id',
  (s) => s,
  (v, fail) => (typeof v === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(v) ? v : fail('an id')),
);

export const readParticipant = (s: StateReader, id: string): Participant | undefined =>
  readStored(s, registryKeys.participant(id), participantCodec);
export const readGarden = (s: StateReader, id: string): Garden | undefined =>
  readStored(s, registryKeys.garden(id), gardenCodec);
export const readProduct = (s: StateReader, gtin: string): Product | undefined =>
  readStored(s, registryKeys.product(gtin), productCodec);
export const readHarvest = (s: StateReader, garden: string): Harvest =>
  readStored(s, registryKeys.harvest(garden), harvestCodec) ?? { seasons: [] };
export const participantOfAccount = (s: StateReader, address: string): string | undefined =>
  readStored(s, registryKeys.account(address), idCodec);
export const gardenOfGln = (s: StateReader, gln: string): string | undefined =>
  readStored(s, registryKeys.gln(gln), idCodec);
export const listIds = (s: StateReader, key: string): string[] => readStored(s, key, stringListCodec) ?? [];

/** Grams harvested at `garden` in `season`. */
export function harvested(h: Harvest, season: string): number {
  return h.seasons.find((x) => x.season === season)?.grams ?? 0;
}

export function writeParticipant(s: StateOverlay, p: Participant): void {
  writeStored(s, registryKeys.participant(p.id), participantCodec, p);
}
export function writeAccount(s: StateOverlay, address: string, participant: string): void {
  writeStored(s, registryKeys.account(address), idCodec, participant);
}
export function writeGarden(s: StateOverlay, g: Garden): void {
  writeStored(s, registryKeys.garden(g.id), gardenCodec, g);
  writeStored(s, registryKeys.gln(g.gln), idCodec, g.id);
}
export function writeProduct(s: StateOverlay, p: Product): void {
  writeStored(s, registryKeys.product(p.gtin), productCodec, p);
}
export function writeHarvest(s: StateOverlay, garden: string, h: Harvest): void {
  writeStored(s, registryKeys.harvest(garden), harvestCodec, h);
}
/** Add `id` to the sorted id list under `key` (no-op when present). */
export function addToList(s: StateOverlay, key: string, ids: readonly string[], id: string): void {
  if (!ids.includes(id)) writeStored(s, key, stringListCodec, [...ids, id].sort());
}
