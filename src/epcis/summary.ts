import { keyOf } from './digital-link.js';
import {
  CBV,
  canonicalNumber,
  canonicalTimestamp,
  canonicalValue,
  contextPrefixes,
  GS1_VOC,
} from './event-hash.js';

/**
 * What the ledger keeps of an EPCIS event: its type, time, bizStep, location and the identifiers
 * it touches with their quantities — never the full event, which stays with the recording
 * organisation's node. Extracted here, off the ledger; the ledger module re-checks every field.
 */

/** The namespace of Gongzhi's own EPCIS extension fields (ILMD), e.g. `gz:season`. */
export const GONGZHI_TRACE_NS = 'urn:gongzhi:trace:';

/** Where an identifier appears in the event. */
export type IdRole = 'epc' | 'quantity' | 'parent' | 'child' | 'input' | 'output';

/** One identifier an event touches, as a ledger key (`01/<gtin>/10/<lot>`, `00/<sscc>`…). */
export interface SummaryId {
  readonly role: IdRole;
  readonly key: string;
  /** For quantities in KGM or GRM: the amount in grams (integer). */
  readonly grams?: number;
  /** For quantities without a unit: the number of items. */
  readonly units?: number;
}

/** The ledger view of one event. */
export interface EventSummary {
  readonly type: string;
  readonly action?: string;
  /** eventTime in ms since the epoch (UTC, rounded to the millisecond as the hash does). */
  readonly eventTime: number;
  /** Canonical bizStep URI (CBV terms expanded), when present. */
  readonly bizStep?: string;
  readonly disposition?: string;
  /** The business location's key (`414/<gln>[/254/<ext>]`), else the read point's. */
  readonly location?: string;
  readonly ids: SummaryId[];
  /** Gongzhi ILMD `gz:season` (the harvest season an origin lot counts against). */
  readonly season?: string;
  /**
   * The destination party's key (`417/<gln>`) from destinationList: the possessing party, else the
   * owning party — who is to receive a shipment.
   */
  readonly destination?: string;
}

/** Why an event cannot be summarised for the ledger: a quantity, an identifier, or the event itself. */
export class SummaryError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly kind: 'quantity' | 'id' | 'event' = 'event',
  ) {
    super(message);
    this.name = 'SummaryError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `text` × 10^shift as an exact integer, or undefined when that is not an integer. */
export function scaledInteger(text: string, shift: number): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(text);
  if (m === null) return undefined;
  const frac = m[2] ?? '';
  let digits = `${m[1] as string}${frac}`.replace(/^0+(?=\d)/, '');
  let exp = Number(m[3] ?? '0') - frac.length + shift;
  while (exp < 0 && digits.endsWith('0') && digits.length > 1) {
    digits = digits.slice(0, -1);
    exp++;
  }
  if (exp < 0) return digits === '0' ? 0 : undefined;
  const n = BigInt(digits) * 10n ** BigInt(exp);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
}

/** A quantity element's amount: grams for KGM/GRM, units for none; anything else refused. */
function amount(q: Record<string, unknown>, field: string): { grams?: number; units?: number } {
  if (q.quantity === undefined) return {};
  if (typeof q.quantity !== 'number' || q.quantity < 0)
    throw new SummaryError('quantity must be a non-negative number', field, 'quantity');
  const text = canonicalNumber(q.quantity);
  const uom = q.uom;
  if (uom === undefined) {
    const units = scaledInteger(text, 0);
    if (units === undefined)
      throw new SummaryError('a quantity without uom must be a whole number of items', field, 'quantity');
    return { units };
  }
  const shift = uom === 'KGM' ? 3 : uom === 'GRM' ? 0 : undefined;
  if (shift === undefined)
    throw new SummaryError(`unit ${String(uom)} is not supported (use KGM or GRM)`, field, 'quantity');
  const grams = scaledInteger(text, shift);
  if (grams === undefined)
    throw new SummaryError('quantity must be a whole number of grams', field, 'quantity');
  return { grams };
}

function idKey(v: unknown, field: string): string {
  const key = typeof v === 'string' ? keyOf(v) : undefined;
  if (key === undefined) throw new SummaryError(`${String(v)} is not a GS1 identifier`, field, 'id');
  return key;
}

/** The first `type` party of a source/destination list whose identifier is a party GLN (417). */
function partyKey(list: unknown, field: 'destination' | 'source', type: string): string | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const x of list) {
    if (!isObject(x) || typeof x[field] !== 'string') continue;
    const t = typeof x.type === 'string' ? x.type : '';
    if (t !== type && t !== `${CBV}SDT-${type}`) continue;
    const k = keyOf(x[field]);
    if (k !== undefined && /^417\/[0-9]{13}$/.test(k)) return k;
  }
  return undefined;
}

function locationKey(v: unknown): string | undefined {
  if (!isObject(v) || typeof v.id !== 'string') return undefined;
  const k = keyOf(v.id);
  return k?.startsWith('414/') ? k : undefined;
}

const LISTS: readonly (readonly [string, IdRole, 'epc' | 'quantity'])[] = [
  ['epcList', 'epc', 'epc'],
  ['quantityList', 'quantity', 'quantity'],
  ['childEPCs', 'child', 'epc'],
  ['childQuantityList', 'child', 'quantity'],
  ['inputEPCList', 'input', 'epc'],
  ['inputQuantityList', 'input', 'quantity'],
  ['outputEPCList', 'output', 'epc'],
  ['outputQuantityList', 'output', 'quantity'],
];

/** A bare CBV term or URI of a bizStep / disposition, as the canonical URI the hash uses. */
export function cbvUri(v: string, kind: 'BizStep' | 'Disp'): string {
  return v.includes(':') ? canonicalValue(v) : `${CBV}${kind}-${v}`;
}

/** The ILMD value of a Gongzhi extension field (`gz:<local>` or the full `urn:gongzhi:trace:<local>`). */
export function gongzhiField(
  event: Readonly<Record<string, unknown>>,
  local: string,
  context?: unknown,
): string | undefined {
  const ns = contextPrefixes(context, event['@context']);
  const holders = [event.ilmd, event];
  for (const h of holders) {
    if (!isObject(h)) continue;
    for (const [k, v] of Object.entries(h)) {
      const i = k.indexOf(':');
      const full = i > 0 && ns[k.slice(0, i)] !== undefined ? `${ns[k.slice(0, i)]}${k.slice(i + 1)}` : k;
      if (full === `${GONGZHI_TRACE_NS}${local}` && typeof v === 'string') return v;
    }
  }
  return undefined;
}

/** Summarise one event for the ledger (SummaryError naming the field when it cannot be). */
export function summarizeEvent(event: Readonly<Record<string, unknown>>, context?: unknown): EventSummary {
  const type = event.type;
  if (typeof type !== 'string') throw new SummaryError('an event has a type', 'type');
  const time = typeof event.eventTime === 'string' ? canonicalTimestamp(event.eventTime) : undefined;
  if (time === undefined) throw new SummaryError('eventTime must be a timestamp with offset', 'eventTime');
  const ids: SummaryId[] = [];
  if (typeof event.parentID === 'string')
    ids.push({ role: 'parent', key: idKey(event.parentID, 'parentID') });
  for (const [field, role, kind] of LISTS) {
    const list = event[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new SummaryError(`${field} must be a list`, field);
    list.forEach((x, i) => {
      const at = `${field}[${i}]`;
      if (kind === 'epc') ids.push({ role, key: idKey(x, at) });
      else if (isObject(x)) ids.push({ role, key: idKey(x.epcClass, `${at}.epcClass`), ...amount(x, at) });
      else throw new SummaryError('a quantity element is an object', at);
    });
  }
  const location = locationKey(event.bizLocation) ?? locationKey(event.readPoint);
  const season = gongzhiField(event, 'season', context);
  const destination =
    partyKey(event.destinationList, 'destination', 'possessing_party') ??
    partyKey(event.destinationList, 'destination', 'owning_party');
  return {
    type,
    ...(typeof event.action === 'string' ? { action: event.action } : {}),
    eventTime: Date.parse(time),
    ...(typeof event.bizStep === 'string' ? { bizStep: cbvUri(event.bizStep, 'BizStep') } : {}),
    ...(typeof event.disposition === 'string' ? { disposition: cbvUri(event.disposition, 'Disp') } : {}),
    ...(location === undefined ? {} : { location }),
    ids,
    ...(season === undefined ? {} : { season }),
    ...(destination === undefined ? {} : { destination }),
  };
}

/** One sensor report reduced to what a consumer page shows. */
export interface SensorReading {
  /** Measurement type without the GS1 vocabulary prefix (`Temperature`, `RelativeHumidity`…). */
  readonly type: string;
  readonly value: number;
  readonly uom?: string;
  readonly time?: string;
}

/** Every numeric sensor report of an event (sensorElementList), for summaries. */
export function sensorReadings(event: Readonly<Record<string, unknown>>): SensorReading[] {
  const out: SensorReading[] = [];
  const list = event.sensorElementList;
  if (!Array.isArray(list)) return out;
  for (const el of list) {
    if (!isObject(el)) continue;
    const meta = isObject(el.sensorMetadata) ? el.sensorMetadata : {};
    const reports = Array.isArray(el.sensorReport) ? el.sensorReport : [];
    for (const r of reports) {
      if (!isObject(r) || typeof r.type !== 'string' || typeof r.value !== 'number') continue;
      const t = r.type.startsWith('gs1:') ? r.type.slice(4) : r.type.replace(GS1_VOC, '');
      const time =
        typeof r.time === 'string' ? r.time : typeof meta.time === 'string' ? meta.time : undefined;
      out.push({
        type: t,
        value: r.value,
        ...(typeof r.uom === 'string' ? { uom: r.uom } : {}),
        ...(time === undefined ? {} : { time }),
      });
    }
  }
  return out;
}
