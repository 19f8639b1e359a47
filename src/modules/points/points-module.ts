import { defineModule, type LedgerModule } from '../../execution/index.js';
import { POINTS_ERRORS } from './errors.js';
import { consentMethods } from './ops-consent.js';
import { deviceMethods } from './ops-devices.js';
import { earnMethods } from './ops-earn.js';
import { exchangeMethods } from './ops-exchange.js';
import { fundingMethods } from './ops-funding.js';
import { interbankMethods } from './ops-interbank.js';
import { memberMethods } from './ops-members.js';
import { oversightMethods } from './ops-oversight.js';
import { programMethods } from './ops-program.js';
import { serviceMethods } from './ops-services.js';
import { settlementMethods } from './ops-settlement.js';
import { spendMethods } from './ops-spend.js';
import { verificationMethods } from './ops-verification.js';
import { programQueries } from './queries.js';
import { unconfirmedAreaQueries } from './queries-areas-unconfirmed.js';
import { bookQueries } from './queries-books.js';
import { deviceQueries } from './queries-devices.js';
import { oversightQueries } from './queries-oversight.js';
import { privateQueries } from './queries-private.js';
import { supervisionQueries } from './queries-supervision.js';
import { unitQueries } from './queries-units.js';
import { MODULE } from './types.js';

const methods = {
  ...programMethods,
  ...memberMethods,
  ...fundingMethods,
  ...earnMethods,
  ...deviceMethods,
  ...serviceMethods,
  ...spendMethods,
  ...exchangeMethods,
  ...settlementMethods,
  ...verificationMethods,
  ...interbankMethods,
  ...consentMethods,
  ...oversightMethods,
};

/** Methods a genesis restricts to a governance role; every other points method is `*`. */
const RESTRICTED: Readonly<Record<string, readonly string[]>> = {
  createProgram: ['points-issuer'],
  approveProgram: ['points-supervisor'],
  approveMethodology: ['points-supervisor'],
};

/**
 * The Shandu points engine: programs approved by supervisors, per-program roles, measured awards,
 * a double-entry ledger of lots with expiry, exchange between programs, and period settlement.
 * Every scenario (green travel, time bank, parking, civic points) is configuration of this module.
 * The governance permission rows gate who may call a method at all; each operation then checks the
 * caller's role in the program's own role table.
 */
export const pointsModule: LedgerModule = defineModule({
  name: MODULE,
  summary: 'Shandu points: supervised programs, measured awards, lots with expiry, exchange, settlement',
  methods,
  queries: {
    ...programQueries,
    ...bookQueries,
    ...deviceQueries,
    ...unitQueries,
    ...privateQueries,
    ...supervisionQueries,
    ...oversightQueries,
    ...unconfirmedAreaQueries,
  },
  permissions: Object.fromEntries(Object.keys(methods).map((m) => [m, RESTRICTED[m] ?? ['*']])),
  errors: POINTS_ERRORS,
});

/**
 * Genesis permissions for the points module (`points.<method>` → roles). The governance Authorizer
 * checks these first; the module then checks the caller's role in the program's own role table.
 */
export const POINTS_PERMISSIONS: Readonly<Record<string, readonly string[]>> = pointsModule.permissionRows;
