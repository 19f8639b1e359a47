import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineQuery, S } from '../../execution/index.js';
import { foundOffice } from './offices.js';
import { staleCauses } from './stale.js';
import { joinedChildren, joinedParent, latestVersion, readReport } from './state.js';
import type { ReportJson } from './types.js';

const reportSchema = S.Object(
  {
    office: S.String(),
    period: S.String(),
    version: S.Integer(),
    kind: S.Union([S.Literal('records'), S.Literal('aggregate')]),
    root: S.Hex(32),
    count: S.Integer(),
    totals: S.Record(S.String(), S.Integer()),
    children: S.Array(S.Object({ office: S.String(), version: S.Integer() })),
    reason: S.Optional(S.String()),
    height: S.Integer(),
    timestamp: S.Integer(),
    tx: S.Hex(32),
    latest: S.Integer(),
    stale: S.Boolean(),
    staleBecause: S.Array(S.String()),
  },
  { description: 'one version of an office’s period report' },
);

/** `office {office}` → the office, its declared and joined parent, admitted and joined children. */
export const office = defineQuery({
  summary: 'An office: operator, parent (declared, joined), children (admitted, joined)',
  args: S.Object({ office: S.Id('office id') }),
  result: S.Object({
    id: S.String(),
    name: S.String(),
    operator: S.String(),
    parent: S.Optional(S.String()),
    parentJoined: S.Boolean(),
    admitted: S.Array(S.String()),
    children: S.Array(S.String()),
  }),
  run: ({ state }, q) => {
    const o = foundOffice(state, q.id('office'));
    return {
      id: o.id,
      name: o.name,
      operator: o.operator,
      ...(o.parent === undefined ? {} : { parent: o.parent }),
      parentJoined: joinedParent(state, o) !== undefined,
      admitted: [...o.admitted],
      children: joinedChildren(state, o),
    };
  },
});

/** `report {office, period, version?}` → that version (default the latest), with its staleness. */
export const report = defineQuery<ReportJson>({
  summary: 'An office’s period report (latest by default) and whether it is stale',
  args: S.Object({
    office: S.Id('office id'),
    period: S.Id('period id'),
    version: S.Optional(S.UintParam('version (default the latest)')),
  }),
  result: reportSchema,
  run: ({ state }, q) => {
    const officeId = q.id('office');
    const period = q.id('period');
    const latest = latestVersion(state, officeId, period);
    const version = q.uint('version', latest);
    const r = version === 0 ? undefined : readReport(state, officeId, period, version);
    if (r === undefined) {
      throw new GongzhiError('REPORTS_NO_REPORT', 'no such report', { office: officeId, period, version });
    }
    const causes = staleCauses(state, r);
    return {
      office: r.office,
      period: r.period,
      version: r.version,
      kind: r.kind,
      root: toHex(r.root),
      count: r.count,
      totals: Object.fromEntries(r.totals),
      children: r.children.map((c) => ({ office: c.office, version: c.version })),
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      height: r.height,
      timestamp: r.timestamp,
      tx: toHex(r.tx),
      latest,
      stale: causes.length > 0,
      staleBecause: causes,
    };
  },
});
