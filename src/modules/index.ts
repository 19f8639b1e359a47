import type { LedgerModule } from '../execution/index.js';
import { evidenceModule } from './evidence/index.js';
import { fundsModule } from './funds/index.js';
import { governanceModule } from './governance/index.js';
import { identityModule } from './identity/index.js';
import { pointsModule } from './points/index.js';

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
