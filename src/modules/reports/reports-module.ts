import { defineModule, type LedgerModule } from '../../execution/index.js';
import { REPORTS_ERRORS } from './errors.js';
import { admit, registerOffice } from './offices.js';
import { office, report } from './queries.js';
import { MODULE } from './state.js';
import { aggregate, submit } from './submit.js';

/**
 * Hierarchical reporting (government chain, dimension Y): offices in a tree joined in any order,
 * period reports of totals plus a Merkle root of the office's records (kept off the ledger),
 * aggregates checked on the ledger to be the sum of the children and to commit to their roots,
 * corrections as new versions that mark every report above them stale.
 */
export const reportsModule: LedgerModule = defineModule({
  name: MODULE,
  summary: 'Hierarchical reports: offices, period totals with records roots, checked aggregates, corrections',
  methods: { registerOffice, admit, submit, aggregate },
  queries: { office, report },
  // Consortium organisations and the offices they enrol (role `office`) report.
  permissions: {
    registerOffice: ['org', 'office'],
    admit: ['org', 'office'],
    submit: ['org', 'office'],
    aggregate: ['org', 'office'],
  },
  errors: REPORTS_ERRORS,
});
