import type { CryptoSuite } from '../../crypto/index.js';
import { fromHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type Authorizer, defineModule, type LedgerModule } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { GOVERNANCE_ERRORS } from './errors.js';
import { GOVERNANCE_PERMISSIONS, initGovernanceGenesis } from './genesis.js';
import { propose } from './propose.js';
import {
  committee,
  frozen,
  nodes,
  orgs,
  params,
  permissions,
  proposal,
  proposals,
  roles,
} from './queries.js';
import { isFrozen, MODULE, readOrg, readPermission, readRoles } from './state.js';
import { vote } from './vote.js';

/** The governance module: committee proposals and weighted votes over members, roles, permissions, params, freezes. */
export const governanceModule: LedgerModule = defineModule({
  name: MODULE,
  summary:
    'Consortium governance: organisations, committee, roles, permissions, parameters, freezes, by vote',
  methods: { propose, vote },
  queries: { params, committee, orgs, nodes, roles, frozen, permissions, proposal, proposals },
  permissions: GOVERNANCE_PERMISSIONS,
  errors: GOVERNANCE_ERRORS,
  initGenesis: initGovernanceGenesis,
});

/** Permission table + freeze list enforcement, run before every call (records read strictly). */
export const governanceAuthorizer: Authorizer = {
  authorize(state, sender, module, method) {
    if (isFrozen(state, sender)) {
      throw new GongzhiError('EXEC_ACCOUNT_FROZEN', 'account is frozen by the committee', {
        account: sender,
      });
    }
    const allowed = readPermission(state, `${module}.${method}`);
    if (allowed.includes('*')) return;
    const roles = readRoles(state, sender);
    if (!allowed.some((r) => roles.includes(r))) {
      throw new GongzhiError('EXEC_PERMISSION_DENIED', `not allowed to call ${module}.${method}`, {
        account: sender,
        method: `${module}.${method}`,
      });
    }
  },
};

/** Decode the admins of an org to addresses (used by tooling). */
export function orgAdminAddresses(suite: CryptoSuite, state: StateReader, orgId: string): string[] {
  return (readOrg(state, orgId)?.admins ?? []).map((k) => suite.address(fromHex(k)));
}
