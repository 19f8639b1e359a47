import { GongzhiError } from '../errors/index.js';
import type { StateReader } from '../state/index.js';
import type { AdmissionScope, CandidateTx } from './admission-check.js';
import type { AdmitContext } from './module.js';
import type { ModuleRegistry } from './registry.js';

/**
 * Run the method's own admission check (`MethodDef.admit`), if it has one, against read-only
 * committed state: parse the arguments (EXEC_BAD_ARGS) and let the method refuse with its code.
 * The node calls this after the signature and role checks; methods without `admit` cost nothing
 * here (their arguments are parsed in the block, as before).
 */
export function admitByMethod(
  registry: ModuleRegistry,
  c: CandidateTx,
  scope: AdmissionScope,
  state: StateReader,
): void {
  const b = c.tx.body;
  const def = registry.method(b.module, b.method);
  if (def.admit === undefined) return;
  const ctx: AdmitContext = {
    chain: scope.chain,
    group: scope.group,
    height: scope.height,
    txHash: c.hash,
    sender: c.sender,
    senderKey: b.sender,
    suite: scope.suite,
    params: scope.params,
    state,
  };
  try {
    def.admit(ctx, def.parse(b.args));
  } catch (e) {
    // A non-Gongzhi throw is a bug in the method: refuse as the block would record it.
    throw e instanceof GongzhiError
      ? e
      : new GongzhiError('EXEC_INTERNAL', e instanceof Error ? e.message : String(e));
  }
}
