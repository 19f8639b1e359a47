import { encodeCanonical, fromHex, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  applyMerkleProof,
  type HashFn,
  leafHash,
  type MerkleStep,
  merkleProof,
  merkleRoot,
} from '../../ledger/index.js';
import type { Report, Totals } from './state.js';
import { totalsValue } from './state.js';
import {
  REPORT_PROOF_TYPE,
  type ReportEntryJson,
  type ReportInclusionProof,
  type ReportStepJson,
} from './types.js';

/** The entry an aggregate commits to for one child report (the fields a parent relies on). */
export interface ReportEntry {
  readonly office: string;
  readonly period: string;
  readonly version: number;
  readonly kind: 'records' | 'aggregate';
  readonly root: Uint8Array;
  readonly count: number;
  readonly totals: Totals;
}

/** leafHash(canonical CBOR of the entry): the leaf of a child report in its parent's tree. */
export function entryHash(hash: HashFn, e: ReportEntry): Uint8Array {
  return leafHash(
    hash,
    encodeCanonical({
      office: e.office,
      period: e.period,
      version: e.version,
      kind: e.kind,
      root: e.root,
      count: e.count,
      totals: totalsValue(e.totals),
    }),
  );
}

/** The root an aggregate must carry: the Merkle root of its children's entries in office-id order. */
export function childrenRoot(hash: HashFn, children: readonly ReportEntry[]): Uint8Array {
  return merkleRoot(
    hash,
    [...children].sort((a, b) => (a.office < b.office ? -1 : 1)).map((c) => entryHash(hash, c)),
  );
}

/** The root of an office's records (each record's own bytes, in the office's order). */
export function recordsRoot(hash: HashFn, records: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(
    hash,
    records.map((r) => leafHash(hash, r)),
  );
}

/** The JSON view of an entry. */
export function entryJson(e: ReportEntry): ReportEntryJson {
  return {
    office: e.office,
    period: e.period,
    version: e.version,
    kind: e.kind,
    root: toHex(e.root),
    count: e.count,
    totals: Object.fromEntries(e.totals),
  };
}

function bad(message: string, details: Readonly<Record<string, string | number>> = {}): never {
  throw new GongzhiError('REPORTS_BAD_PROOF', message, details);
}

function entryFromJson(j: ReportEntryJson, at: string): ReportEntry {
  if (typeof j !== 'object' || j === null) bad(`${at} must be a report entry`);
  if (!/^[0-9a-f]{64}$/.test(String(j.root))) bad(`${at}.root must be 32 bytes of hex`);
  const totals = Object.entries(j.totals ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [, v] of totals)
    if (!Number.isSafeInteger(v) || v < 0) bad(`${at}.totals must be unsigned integers`);
  return {
    office: String(j.office),
    period: String(j.period),
    version: Number(j.version),
    kind: j.kind === 'aggregate' ? 'aggregate' : 'records',
    root: fromHex(j.root),
    count: Number(j.count),
    totals,
  };
}

const stepsJson = (s: readonly MerkleStep[]): ReportStepJson[] =>
  s.map((x) => ({ side: x.side, hash: toHex(x.hash) }));

function stepsFrom(s: readonly ReportStepJson[], at: string): MerkleStep[] {
  if (!Array.isArray(s)) bad(`${at} must be a list of steps`);
  return s.map((x, i) => {
    if ((x.side !== 'left' && x.side !== 'right') || !/^[0-9a-f]{64}$/.test(String(x.hash))) {
      bad(`${at}[${i}] must be {side, hash}`);
    }
    return { side: x.side, hash: fromHex(x.hash) };
  });
}

/** A level of a proof under construction: the report, and its siblings' entries in its parent. */
export interface ProofLevel {
  readonly report: ReportEntry;
  /** Every child entry of the next report up (this one included), when there is one. */
  readonly siblings?: readonly ReportEntry[];
}

/**
 * Build an inclusion proof: the record (index `index` of the lowest office's `records`) and the
 * reports from the lowest office to the top, each with its parent's children entries.
 */
export function buildInclusionProof(
  hash: HashFn,
  alg: 'sha256' | 'sm3',
  records: readonly Uint8Array[],
  index: number,
  levels: readonly ProofLevel[],
): ReportInclusionProof {
  const record = records[index];
  if (record === undefined) return bad('record index out of range', { index, count: records.length });
  const recordSteps = merkleProof(
    hash,
    records.map((r) => leafHash(hash, r)),
    index,
  );
  const path = levels.map((l, i) => {
    if (i === levels.length - 1 || l.siblings === undefined)
      return { report: entryJson(l.report), steps: [] };
    const sorted = [...l.siblings].sort((a, b) => (a.office < b.office ? -1 : 1));
    const at = sorted.findIndex((s) => s.office === l.report.office);
    if (at < 0) bad('a report is missing from its parent’s children', { office: l.report.office });
    const steps = merkleProof(
      hash,
      sorted.map((s) => entryHash(hash, s)),
      at,
    );
    return { report: entryJson(l.report), steps: stepsJson(steps) };
  });
  return {
    type: REPORT_PROOF_TYPE,
    version: 1,
    hash: alg,
    record: toHex(record),
    recordSteps: stepsJson(recordSteps),
    path,
  };
}

/**
 * Check an inclusion proof offline (REPORTS_BAD_PROOF naming the failing level). Returns the top
 * report's entry: the caller compares it with the ledger (`reports.report`) or a certificate.
 */
export function verifyInclusionProof(hash: HashFn, p: ReportInclusionProof): ReportEntryJson {
  if (p?.type !== REPORT_PROOF_TYPE || p.version !== 1) bad('not a reports inclusion proof (type/version)');
  if (!Array.isArray(p.path) || p.path.length === 0) bad('path must list at least the records report');
  if (!/^([0-9a-f]{2})*$/.test(String(p.record))) bad('record must be hex');
  let acc = applyMerkleProof(
    hash,
    leafHash(hash, fromHex(p.record)),
    stepsFrom(p.recordSteps, 'recordSteps'),
  );
  let period: string | undefined;
  for (const [i, level] of p.path.entries()) {
    const e = entryFromJson(level.report, `path[${i}].report`);
    if (i === 0 && e.kind !== 'records') bad('path[0] must be a records report');
    if (i > 0 && e.kind !== 'aggregate') bad(`path[${i}] must be an aggregate report`);
    if (period !== undefined && e.period !== period) bad(`path[${i}] is for another period`);
    period = e.period;
    if (toHex(acc) !== toHex(e.root))
      bad(`path[${i}]: the root does not match the level below`, { level: i });
    const steps = stepsFrom(level.steps, `path[${i}].steps`);
    if (i < p.path.length - 1) acc = applyMerkleProof(hash, entryHash(hash, e), steps);
    else if (steps.length > 0) bad('the top report has no parent: its steps must be empty');
  }
  const top = p.path[p.path.length - 1];
  if (top === undefined) return bad('path is empty');
  return top.report;
}

/** The entry of a stored report. */
export function entryOf(r: Report): ReportEntry {
  return {
    office: r.office,
    period: r.period,
    version: r.version,
    kind: r.kind,
    root: r.root,
    count: r.count,
    totals: r.totals,
  };
}
