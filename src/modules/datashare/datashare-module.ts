import { defineModule, type LedgerModule } from '../../execution/index.js';
import { addVersion, publish } from './catalogue.js';
import { answer, confirm, deliver } from './deliveries.js';
import { DATASHARE_ERRORS } from './errors.js';
import { audit, catalogue, dataset, delivery, requestQuery } from './queries.js';
import { grant, refuse, request, revoke } from './requests.js';
import { MODULE } from './state.js';

/**
 * Cross-department data sharing (government chain, dimension X): a catalogue of datasets (fields,
 * sharing class, legal basis, version digests — never contents), requests, grants with expiry and
 * scope, refusals, revocations, and the access audit of every delivery and answer. The data moves
 * off the ledger between the departments' nodes (src/api/routes/datashare.ts).
 */
export const datashareModule: LedgerModule = defineModule({
  name: MODULE,
  summary: 'Data sharing: catalogue, requests, grants, revocation, access audit (data stays off the ledger)',
  methods: { publish, addVersion, request, grant, refuse, revoke, deliver, answer, confirm },
  queries: { dataset, catalogue, request: requestQuery, delivery, audit },
  // Departments are consortium organisations; which department an account acts for is checked
  // in the module (role org:<dept>).
  permissions: {
    publish: ['org'],
    addVersion: ['org'],
    request: ['org'],
    grant: ['org'],
    refuse: ['org'],
    revoke: ['org'],
    deliver: ['org'],
    answer: ['org'],
    confirm: ['org'],
  },
  errors: DATASHARE_ERRORS,
});
