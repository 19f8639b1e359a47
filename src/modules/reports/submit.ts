import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type CheckContext, defineMethod, type ExecContext, readArgs, S } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import type { StateReader } from '../../state/index.js';
import { operatedOffice } from './offices.js';
import { childrenRoot, entryOf } from './proof.js';
import { markAncestorsStale, staleCauses } from './stale.js';
import {
  type ChildRef,
  joinedChildren,
  LIMITS,
  latestVersion,
  MAX_CATEGORIES,
  MAX_CHILDREN,
  type Office,
  type Report,
  readReport,
  readTotals,
  type Totals,
  writeReport,
} from './state.js';

const totalsSchema = S.Record(S.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }), S.Uint(), {
  maxProperties: MAX_CATEGORIES,
  description: 'category → amount (integers)',
});

const common = {
  office: S.Id('the reporting office'),
  period: S.Id('the period, e.g. 2026-q3'),
  totals: totalsSchema,
  root: S.Hex(32, 'records root, or the children entries’ root for an aggregate'),
  reason: S.Optional(S.String({ minLength: 1, maxLength: LIMITS.reason, description: 'why (a correction)' })),
};

interface Base {
  readonly office: string;
  readonly period: string;
  readonly totals: Totals;
  readonly root: Uint8Array;
  readonly reason?: string;
}

function readBase(r: ShapeReader): Base {
  const reason = r.has('reason') ? r.str('reason', LIMITS.reason) : undefined;
  const base = {
    office: r.id('office'),
    period: r.id('period'),
    totals: readTotals(r, 'totals'),
    root: r.digest('root'),
  };
  return reason === undefined ? base : { ...base, reason };
}

/** The next version's number, refusing a correction without a reason. */
function nextVersion(state: StateReader, a: Base): number {
  const version = latestVersion(state, a.office, a.period) + 1;
  if (version > 1 && a.reason === undefined) {
    throw new GongzhiError('REPORTS_REASON_REQUIRED', 'a correction must say why', {
      office: a.office,
      period: a.period,
      version,
    });
  }
  return version;
}

function store(ctx: ExecContext, p: Omit<Report, 'height' | 'timestamp' | 'tx'>): void {
  writeReport(ctx.state, { ...p, height: ctx.height, timestamp: ctx.timestamp, tx: ctx.txHash });
  ctx.emit('reported', {
    office: p.office,
    period: p.period,
    version: p.version,
    kind: p.kind,
    root: p.root,
  });
  markAncestorsStale(ctx, p.office, p.period, p.version);
}

export interface SubmitArgs extends Base {
  readonly count: number;
}

/**
 * `submit`: a lowest office reports its totals per category and the Merkle root of its records
 * (the records stay with it). A later version is a correction and needs a reason; every report
 * above it is then stale until re-aggregated.
 */
export const submit = defineMethod<SubmitArgs, number>({
  summary: 'Report a period’s totals and the Merkle root of the office’s own records',
  args: S.Object(
    { ...common, count: S.Uint('number of records under the root') },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['office', 'period', 'totals', 'root', 'count', 'reason']);
    return { ...readBase(r), count: r.uint('count') };
  },
  check: ({ state, sender }, a) => {
    const o = operatedOffice(state, a.office, sender);
    const kids = joinedChildren(state, o);
    if (kids.length > 0) {
      throw new GongzhiError('REPORTS_HAS_CHILDREN', 'an office with joined children reports an aggregate', {
        office: a.office,
        children: kids.length,
      });
    }
    return nextVersion(state, a);
  },
  apply: (ctx, a, version) =>
    store(ctx, {
      office: a.office,
      period: a.period,
      version,
      kind: 'records',
      totals: a.totals,
      root: a.root,
      count: a.count,
      children: [],
      ...(a.reason === undefined ? {} : { reason: a.reason }),
    }),
});

export interface AggregateArgs extends Base {
  readonly children: readonly ChildRef[];
}

interface Prepared {
  readonly version: number;
  readonly count: number;
}

/** Sum the children's totals per category (REPORTS_OVERFLOW beyond safe integers). */
function sumTotals(reports: readonly Report[]): Totals {
  const sum = new Map<string, number>();
  for (const r of reports) {
    for (const [k, v] of r.totals) {
      const s = (sum.get(k) ?? 0) + v;
      if (!Number.isSafeInteger(s))
        throw new GongzhiError('REPORTS_OVERFLOW', 'a total overflows', { category: k });
      sum.set(k, s);
    }
  }
  return [...sum].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The children's reports: each a joined child, each its latest version and not stale. */
function childReports(state: StateReader, o: Office, a: AggregateArgs): Report[] {
  const joined = joinedChildren(state, o);
  const named = a.children.map((c) => c.office);
  if (new Set(named).size !== named.length) {
    throw new GongzhiError('EXEC_BAD_ARGS', 'args.children names an office twice', { field: 'children' });
  }
  for (const c of named) {
    if (!joined.includes(c)) {
      throw new GongzhiError('REPORTS_NOT_MEMBER', 'office is not a joined child of this office', {
        office: a.office,
        child: c,
      });
    }
  }
  const missing = joined.filter((c) => !named.includes(c));
  if (missing.length > 0) {
    throw new GongzhiError('REPORTS_INCOMPLETE', 'the aggregate leaves out joined children', {
      office: a.office,
      missing: missing.join(','),
    });
  }
  return a.children.map((c) => {
    const r = readReport(state, c.office, a.period, c.version);
    if (r === undefined) {
      throw new GongzhiError('REPORTS_NO_REPORT', 'no such child report', { ...c, period: a.period });
    }
    const causes = staleCauses(state, r);
    if (causes.length > 0) {
      throw new GongzhiError('REPORTS_STALE_CHILD', 'a child report is superseded or stale', {
        ...c,
        latest: latestVersion(state, c.office, a.period),
        causes: causes.join(','),
      });
    }
    return r;
  });
}

function checkAggregate({ state, sender, suite }: CheckContext, a: AggregateArgs): Prepared {
  const o = operatedOffice(state, a.office, sender);
  const reports = childReports(state, o, a);
  const sum = sumTotals(reports);
  const same =
    sum.length === a.totals.length &&
    sum.every(([k, v], i) => a.totals[i]?.[0] === k && a.totals[i]?.[1] === v);
  if (!same) {
    throw new GongzhiError('REPORTS_BAD_SUM', 'totals are not the sum of the children’s totals', {
      office: a.office,
      expected: JSON.stringify(Object.fromEntries(sum)),
      got: JSON.stringify(Object.fromEntries(a.totals)),
    });
  }
  const root = childrenRoot(suite.hash, reports.map(entryOf));
  if (toHex(root) !== toHex(a.root)) {
    throw new GongzhiError('REPORTS_BAD_ROOT', 'root does not commit to the children’s entries', {
      office: a.office,
      expected: toHex(root),
    });
  }
  let count = 0;
  for (const r of reports) count += r.count;
  if (!Number.isSafeInteger(count)) throw new GongzhiError('REPORTS_OVERFLOW', 'record count overflows', {});
  return { version: nextVersion(state, a), count };
}

/**
 * `aggregate`: an upper office reports the sum of its joined children's latest reports and the
 * root of their entries. The ledger recomputes both and refuses a wrong sum, a wrong root, a
 * non-member, a missing child or a stale child.
 */
export const aggregate = defineMethod<AggregateArgs, Prepared>({
  summary: 'Report the sum of the lower offices’ latest reports, committing to their roots',
  args: S.Object(
    {
      ...common,
      children: S.Array(S.Object({ office: S.Id(), version: S.Integer({ minimum: 1 }) }), {
        maxItems: MAX_CHILDREN,
        description: 'the child reports summed, one per joined child',
      }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['office', 'period', 'totals', 'root', 'children', 'reason']);
    const children = r.list('children', MAX_CHILDREN, (c, at) => {
      const s = r.sub(c, at, ['office', 'version']);
      return { office: s.id('office'), version: s.uint('version') };
    });
    return { ...readBase(r), children: [...children].sort((x, y) => (x.office < y.office ? -1 : 1)) };
  },
  check: checkAggregate,
  apply: (ctx, a, p) =>
    store(ctx, {
      office: a.office,
      period: a.period,
      version: p.version,
      kind: 'aggregate',
      totals: a.totals,
      root: a.root,
      count: p.count,
      children: a.children,
      ...(a.reason === undefined ? {} : { reason: a.reason }),
    }),
});
