import { GongzhiError } from '../../errors/index.js';
import type { GenesisContext } from '../../execution/index.js';
import { applyAction } from './actions.js';
import {
  listOrgs,
  listPermissions,
  MODULE,
  paramsCodec,
  readCommittee,
  readParams,
  readRoles,
  writeCommittee,
  writeOrgIndex,
  writeParams,
  writePermission,
  writeRoles,
} from './state.js';

/** Default permission rows of the module's own methods: only the committee proposes and votes. */
export const GOVERNANCE_PERMISSIONS = { propose: ['committee'], vote: ['committee'] } as const;

/**
 * Block 0: parameters, committee, organisations (their admins get `org` and `org:<id>`), the
 * committee role, genesis roles and the permission table (the module's own rows first, genesis
 * rows over them).
 *
 * Every record is then read back through its strict codec: a genesis whose records the codecs
 * cannot read (parameters with unknown names, an org with more than 64 admins…) is refused here
 * with GENESIS_INVALID, so a chain never starts with state it would later call CHAIN_INVALID.
 */
export function initGovernanceGenesis({ genesis: g, state, suite }: GenesisContext<undefined>): void {
  try {
    writeParams(state, paramsCodec.decode(Object.fromEntries(Object.entries(g.params))));
    writeCommittee(state, { members: g.committee.members, threshold: g.committee.threshold });
    for (const o of g.orgs) applyAction(state, suite, { type: 'addOrg', org: o });
    writeOrgIndex(
      state,
      g.orgs.map((o) => o.id),
    );
    for (const m of g.committee.members)
      writeRoles(state, m.account, [...readRoles(state, m.account), 'committee']);
    for (const [account, roles] of Object.entries(g.roles)) {
      writeRoles(state, account, [...readRoles(state, account), ...roles]);
    }
    const own = Object.fromEntries(
      Object.entries(GOVERNANCE_PERMISSIONS).map(([method, roles]) => [`${MODULE}.${method}`, roles]),
    );
    const perms: Record<string, readonly string[]> = { ...own, ...g.permissions };
    for (const [method, roles] of Object.entries(perms)) writePermission(state, method, roles);
    // Read back what was written (see above).
    readParams(state);
    readCommittee(state);
    listOrgs(state);
    listPermissions(state);
    for (const account of [...g.committee.members.map((m) => m.account), ...Object.keys(g.roles)]) {
      readRoles(state, account);
    }
  } catch (e) {
    if (!(e instanceof GongzhiError) || e.code !== 'CHAIN_INVALID') throw e;
    throw new GongzhiError('GENESIS_INVALID', `genesis governance state: ${e.message}`, e.details);
  }
}
