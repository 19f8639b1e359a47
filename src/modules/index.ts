import type { LedgerModule } from '../execution/index.js';
import { datashareModule } from './datashare/index.js';
import { evidenceModule } from './evidence/index.js';
import { fundsModule } from './funds/index.js';
import { governanceModule } from './governance/index.js';
import { identityModule } from './identity/index.js';
import { pointsModule } from './points/index.js';
import { reportsModule } from './reports/index.js';
import { traceModule } from './trace/index.js';
import { votingModule } from './voting/index.js';

/**
 * The modules every group runs, in registry order. Registering a module is one line here: its
 * methods, queries, permissions (genesis rows), error codes and genesis section come from its
 * manifest.
 */
export const BUILTIN_MODULES: readonly LedgerModule[] = [
  governanceModule,
  evidenceModule,
  pointsModule,
  identityModule,
  traceModule,
  votingModule,
  reportsModule,
  datashareModule,
  fundsModule,
];

/**
 * The permission rows a new genesis starts with: every built-in module's defaults. Governance's own
 * rows (`governance.propose`/`vote` → committee) are written by its genesis initialiser.
 */
export function defaultPermissionRows(
  modules: readonly LedgerModule[] = BUILTIN_MODULES,
): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  for (const m of modules) if (m.name !== governanceModule.name) Object.assign(out, m.permissionRows);
  return out;
}
