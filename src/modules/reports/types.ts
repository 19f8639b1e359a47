/**
 * Wire types of the reports module (JSON; bytes as lower-case hex), shared by the module, the CLI
 * and any offline verifier.
 */

/** The part of a report that its parent's aggregate commits to. */
export interface ReportEntryJson {
  readonly office: string;
  readonly period: string;
  readonly version: number;
  readonly kind: 'records' | 'aggregate';
  /** Records root or children root (hex). */
  readonly root: string;
  readonly count: number;
  readonly totals: Readonly<Record<string, number>>;
}

/** A report as the `report` query returns it. */
export interface ReportJson extends ReportEntryJson {
  readonly children: readonly { readonly office: string; readonly version: number }[];
  readonly reason?: string;
  readonly height: number;
  readonly timestamp: number;
  readonly tx: string;
  /** Latest version of this office's report for the period. */
  readonly latest: number;
  /** True when a newer version exists, or a report it commits to (at any depth) is superseded. */
  readonly stale: boolean;
  /** Why it is stale: `office@version` of each superseded report under it. */
  readonly staleBecause: readonly string[];
}

/** One step of a Merkle path. */
export interface ReportStepJson {
  readonly side: 'left' | 'right';
  readonly hash: string;
}

/** The proof format identifier. */
export const REPORT_PROOF_TYPE = 'gongzhi.reports.inclusion';

/**
 * A record's inclusion in a top-level figure: from the record (held by the lowest office) up
 * through each report's entry in its parent's aggregate. `path[0]` is the records report, the last
 * item the top report; `steps` of item i lead from item i's entry to item i+1's root.
 */
export interface ReportInclusionProof {
  readonly type: typeof REPORT_PROOF_TYPE;
  readonly version: 1;
  readonly hash: 'sha256' | 'sm3';
  /** The record's bytes (hex): the office's own encoding, opaque to the chain. */
  readonly record: string;
  /** From leafHash(record) to path[0].report.root. */
  readonly recordSteps: readonly ReportStepJson[];
  readonly path: readonly { readonly report: ReportEntryJson; readonly steps: readonly ReportStepJson[] }[];
}
