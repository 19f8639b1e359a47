import type { CborValue } from '../../encoding/index.js';
import { defineCodec, readStored, stateKey, uintCodec, writeStored } from '../../execution/index.js';
import { type CborMap, ID_PATTERN, isMap, type ShapeReader } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';

/** Module name, also the state key prefix. */
export const MODULE = 'reports';

/** Most children one office may admit. */
export const MAX_CHILDREN = 256;
/** Most levels above an office (ministry → province → city → district is 3). */
export const MAX_DEPTH = 8;
/** Most categories in one report. */
export const MAX_CATEGORIES = 64;
/** Longest category name, office name and reason. */
export const LIMITS = { category: 64, name: 128, reason: 256 } as const;

/** Category → amount, categories in ascending order (one canonical form). */
export type Totals = readonly (readonly [string, number])[];

/** An office of the hierarchy. It reports to `parent` once `parent` has admitted it. */
export interface Office {
  readonly id: string;
  readonly name: string;
  /** The account that registered the office and acts for it. */
  readonly operator: string;
  /** The office this one reports to (it may be registered later). */
  readonly parent?: string;
  /** Offices this one accepts reports from (they may be registered later). */
  readonly admitted: readonly string[];
}

/** A child report an aggregate commits to. */
export interface ChildRef {
  readonly office: string;
  readonly version: number;
}

/** One version of one office's report for one period. */
export interface Report {
  readonly office: string;
  readonly period: string;
  readonly version: number;
  /** `records`: the office's own records (off the ledger); `aggregate`: its children's reports. */
  readonly kind: 'records' | 'aggregate';
  readonly totals: Totals;
  /** Records: the Merkle root of the office's records; aggregate: the root of the children's entries. */
  readonly root: Uint8Array;
  /** Number of underlying records (an aggregate: the children's sum). */
  readonly count: number;
  readonly children: readonly ChildRef[];
  readonly reason?: string;
  readonly height: number;
  readonly timestamp: number;
  readonly tx: Uint8Array;
}

/** State keys of the reports module. */
export const keys = {
  office: (id: string) => stateKey(MODULE, 'office', id),
  latest: (office: string, period: string) => stateKey(MODULE, 'latest', office, period),
  report: (office: string, period: string, version: number) =>
    stateKey(MODULE, 'report', office, period, String(version)),
};

/** Encode totals as a CBOR map (canonical CBOR sorts its keys). */
export function totalsValue(t: Totals): CborMap {
  return Object.fromEntries(t);
}

/** Read a totals map: category ids → unsigned integers, at most MAX_CATEGORIES (the reader's code). */
export function readTotals(r: ShapeReader, field: string): Totals {
  const m = r.raw(field);
  if (!isMap(m)) return r.fail(field, 'a map of category → amount');
  const entries = Object.entries(m);
  if (entries.length > MAX_CATEGORIES) r.fail(field, `at most ${MAX_CATEGORIES} categories`);
  const out: [string, number][] = [];
  for (const [k, v] of entries) {
    if (!ID_PATTERN.test(k)) r.fail(field, 'a map whose categories are ids ([a-z0-9-], ≤ 64 chars)');
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      r.fail(field, 'a map whose amounts are unsigned integers');
    }
    out.push([k, v]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function readChildren(r: ShapeReader): ChildRef[] {
  return r.list('children', MAX_CHILDREN, (v, at) => {
    const c = r.sub(v, at, ['office', 'version']);
    return { office: c.id('office'), version: c.uint('version') };
  });
}

const officeCodec = defineCodec<Office>(
  'reports office',
  ['id', 'name', 'operator', 'parent', 'admitted'],
  (o) => ({
    id: o.id,
    name: o.name,
    operator: o.operator,
    ...(o.parent === undefined ? {} : { parent: o.parent }),
    admitted: [...o.admitted],
  }),
  (r) => {
    const parent = r.has('parent') ? r.id('parent') : undefined;
    const admitted = r.list('admitted', MAX_CHILDREN, (v) =>
      typeof v === 'string' && ID_PATTERN.test(v) ? v : r.fail('admitted', 'a list of ids'),
    );
    const base = {
      id: r.id('id'),
      name: r.str('name', LIMITS.name),
      operator: r.str('operator', 128),
      admitted,
    };
    return parent === undefined ? base : { ...base, parent };
  },
);

const reportCodec = defineCodec<Report>(
  'reports report',
  [
    'office',
    'period',
    'version',
    'kind',
    'totals',
    'root',
    'count',
    'children',
    'reason',
    'height',
    'timestamp',
    'tx',
  ],
  (p) => ({
    office: p.office,
    period: p.period,
    version: p.version,
    kind: p.kind,
    totals: totalsValue(p.totals),
    root: p.root,
    count: p.count,
    children: p.children.map((c) => ({ office: c.office, version: c.version })),
    ...(p.reason === undefined ? {} : { reason: p.reason }),
    height: p.height,
    timestamp: p.timestamp,
    tx: p.tx,
  }),
  (r) => {
    const reason = r.optStr('reason', LIMITS.reason);
    const base = {
      office: r.id('office'),
      period: r.id('period'),
      version: r.uint('version'),
      kind: r.oneOf('kind', ['records', 'aggregate'] as const),
      totals: readTotals(r, 'totals'),
      root: r.digest('root'),
      count: r.uint('count'),
      children: readChildren(r),
      height: r.uint('height'),
      timestamp: r.uint('timestamp'),
      tx: r.digest('tx'),
    };
    return reason === undefined ? base : { ...base, reason };
  },
);

export function readOffice(state: StateReader, id: string): Office | undefined {
  return readStored(state, keys.office(id), officeCodec);
}

export function writeOffice(state: StateOverlay, o: Office): void {
  writeStored(state, keys.office(o.id), officeCodec, o);
}

/** Latest version of an office's report for a period (0: none). */
export function latestVersion(state: StateReader, office: string, period: string): number {
  return readStored(state, keys.latest(office, period), uintCodec) ?? 0;
}

export function readReport(
  state: StateReader,
  office: string,
  period: string,
  version: number,
): Report | undefined {
  return readStored(state, keys.report(office, period, version), reportCodec);
}

export function writeReport(state: StateOverlay, p: Report): void {
  writeStored(state, keys.report(p.office, p.period, p.version), reportCodec, p);
  writeStored(state, keys.latest(p.office, p.period), uintCodec, p.version);
}

/** True when `child` names `parent` as its parent and `parent` admitted it: the link is joined. */
export function isJoined(state: StateReader, parent: Office, child: string): boolean {
  if (!parent.admitted.includes(child)) return false;
  return readOffice(state, child)?.parent === parent.id;
}

/** The joined children of an office, in id order. */
export function joinedChildren(state: StateReader, office: Office): string[] {
  return office.admitted.filter((c) => isJoined(state, office, c)).sort();
}

/** The joined parent of an office, if any. */
export function joinedParent(state: StateReader, office: Office): Office | undefined {
  if (office.parent === undefined) return undefined;
  const p = readOffice(state, office.parent);
  return p?.admitted.includes(office.id) ? p : undefined;
}

export type { CborValue };
