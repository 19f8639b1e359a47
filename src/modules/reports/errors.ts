import { defineErrors } from '../../execution/index.js';

/** The reports module's codes (hierarchical aggregation, issue 11 Y). */
export const REPORTS_ERRORS = defineErrors({
  REPORTS_OFFICE_EXISTS: [409, 'An office with this id is registered already: pick another id.'],
  REPORTS_OFFICE_NOT_FOUND: [
    404,
    'No office with this id is registered: register it first (reports.registerOffice).',
  ],
  REPORTS_NOT_OPERATOR: [403, 'Only the account that registered this office may act for it.'],
  REPORTS_CYCLE: [409, 'This link would make an office its own ancestor, or exceed the depth limit.'],
  REPORTS_LIMIT: [409, 'The office has as many children as allowed; split it into intermediate offices.'],
  REPORTS_HAS_CHILDREN: [
    409,
    'This office has lower offices joined to it: it reports an aggregate (reports.aggregate), not records.',
  ],
  REPORTS_NOT_MEMBER: [
    403,
    'That office is not a joined child of the aggregating office (it must name it as parent and be admitted).',
  ],
  REPORTS_INCOMPLETE: [409, 'An aggregate must cover every joined child office: add the missing ones.'],
  REPORTS_NO_REPORT: [404, 'There is no such report (office, period, version): submit it first.'],
  REPORTS_STALE_CHILD: [
    409,
    'A child report used is superseded or stale: use its latest version, re-aggregating it first if needed.',
  ],
  REPORTS_BAD_SUM: [422, 'The totals are not the sum of the children’s totals: recompute them per category.'],
  REPORTS_BAD_ROOT: [
    422,
    'The root does not commit to the children’s reports: recompute it (reports entry tree).',
  ],
  REPORTS_REASON_REQUIRED: [422, 'A correction (version > 1) must carry a reason.'],
  REPORTS_OVERFLOW: [422, 'A total exceeds the largest safe integer: report in a larger unit.'],
  REPORTS_BAD_PROOF: [422, 'The inclusion proof does not recompute to the report it claims.'],
});

type Codes = { readonly [K in keyof typeof REPORTS_ERRORS]: true };
declare module '../../errors/codes.js' {
  interface ModuleErrorCodes extends Codes {}
}
