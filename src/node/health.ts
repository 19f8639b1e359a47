import { GongzhiError } from '../errors/index.js';
import type { ReaderStatus } from '../ordering/index.js';
import type { FinalityStatus } from './finality.js';
import type { GroupLedger } from './group-ledger.js';

/**
 * When a group counts as degraded (node config `health`; every field an integer ≥ 1). A degraded
 * group still serves reads and may still commit; it says that something an operator must look at
 * is wrong: ordering unreachable, blocks not being cut, or finality falling behind.
 */
export interface HealthThresholds {
  /** The ordering service has not answered for this long (ms). */
  readonly maxOrderingSilenceMs: number;
  /** A pending transaction has waited this long (ms) with no block cut meanwhile. */
  readonly maxCutStallMs: number;
  /** The head is this many blocks above the final height (networked groups only). */
  readonly maxFinalLag: number;
  /** The final height has not moved for this long (ms) with blocks above it (networked groups only). */
  readonly maxFinalStallMs: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  maxOrderingSilenceMs: 5_000,
  maxCutStallMs: 10_000,
  maxFinalLag: 50,
  maxFinalStallMs: 30_000,
};

/** The defaults with `given` over them; CONFIG_INVALID names a field that is unknown or not an integer ≥ 1. */
export function resolveHealthThresholds(given: unknown = {}, path = '(options)'): HealthThresholds {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new GongzhiError('CONFIG_INVALID', 'health must be an object', { path });
  }
  const out: { -readonly [K in keyof HealthThresholds]?: number } = {};
  for (const [k, v] of Object.entries(given)) {
    if (!(k in DEFAULT_HEALTH_THRESHOLDS)) {
      throw new GongzhiError('CONFIG_INVALID', `health.${k} is not a known threshold`, {
        path,
        known: Object.keys(DEFAULT_HEALTH_THRESHOLDS).join(', '),
      });
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      throw new GongzhiError('CONFIG_INVALID', `health.${k} must be an integer ≥ 1`, { path });
    }
    out[k as keyof HealthThresholds] = v;
  }
  return { ...DEFAULT_HEALTH_THRESHOLDS, ...out };
}

/** One group's health as /health reports it. */
export interface GroupHealth {
  readonly id: string;
  readonly height: number;
  readonly finalHeight: number;
  readonly mempool: number;
  readonly halted?: string;
  readonly ordering: {
    readonly reachable: boolean;
    /** ms since the ordering service last answered; absent before its first answer. */
    readonly lastOkAgeMs?: number;
    readonly leader?: string;
    readonly error?: string;
    readonly reader?: ReaderStatus;
  };
  /** ms since this node committed a block (or opened the group). */
  readonly lastCutAgeMs: number;
  /** ms the oldest pending transaction has waited with no block cut (0 when none pends). */
  readonly cutStallMs: number;
  /** Head height minus final height; only where finality is tracked (networked groups). */
  readonly finalLag?: number;
  /** Where finality is tracked: how long the final height has stood still and what it waits on. */
  readonly finality?: FinalityStatus;
  /** What is wrong, one short phrase each; empty when healthy. */
  readonly degraded: string[];
}

/**
 * Measure one group against the thresholds. `networked`: finality is tracked, so its lag counts;
 * `finality`: the tracker's status, whose stall counts.
 */
export function groupHealth(
  g: GroupLedger,
  t: HealthThresholds,
  networked: boolean,
  finality?: FinalityStatus,
): GroupHealth {
  const now = Date.now();
  const o = g.orderingHealth();
  const lastOkAgeMs = o.lastOkAt === undefined ? undefined : Math.max(0, now - o.lastOkAt);
  const cutStallMs = g.cutStallMs();
  const finalLag = networked ? g.latest.height - g.finalHeight : undefined;
  const degraded: string[] = [];
  if (!o.reachable && (lastOkAgeMs === undefined || lastOkAgeMs > t.maxOrderingSilenceMs)) {
    degraded.push(`ordering unreachable${o.error ? ` (${o.error})` : ''}`);
  }
  if (cutStallMs > t.maxCutStallMs)
    degraded.push(`no block cut for ${cutStallMs} ms with transactions pending`);
  // A message in hand that long means a block that does not finish executing (or a stuck handler):
  // the reader takes nothing more from the stream meanwhile.
  if (o.reader?.busyMs !== undefined && o.reader.busyMs > t.maxCutStallMs)
    degraded.push(`stream reader busy with one message for ${o.reader.busyMs} ms`);
  if (finalLag !== undefined && finalLag > t.maxFinalLag) {
    degraded.push(`final height ${finalLag} blocks behind the head`);
  }
  // A lag under maxFinalLag that never closes is as wrong as a long one: seen as one block short of
  // final for good on two nodes after a NATS majority loss.
  if (finality?.waiting && finality.stalledMs > t.maxFinalStallMs) {
    degraded.push(
      `final height held at ${g.finalHeight} for ${finality.stalledMs} ms (block ${finality.waiting.height} signed by ${finality.waiting.signers.length === 0 ? 'none seen' : finality.waiting.signers.join(', ')})`,
    );
  }
  return {
    id: g.group,
    height: g.latest.height,
    finalHeight: g.finalHeight,
    mempool: g.mempoolSize,
    ...(g.halted ? { halted: `${g.halted.code}: ${g.halted.message}` } : {}),
    ordering: {
      reachable: o.reachable,
      ...(lastOkAgeMs === undefined ? {} : { lastOkAgeMs }),
      ...(o.leader ? { leader: o.leader } : {}),
      ...(o.error && !o.reachable ? { error: o.error } : {}),
      ...(o.reader ? { reader: o.reader } : {}),
    },
    lastCutAgeMs: g.lastCutAgeMs(),
    cutStallMs,
    ...(finalLag === undefined ? {} : { finalLag }),
    ...(finality === undefined ? {} : { finality }),
    degraded,
  };
}
