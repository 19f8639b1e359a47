import {
  type ExecContext,
  readStored,
  stateKey,
  stringListCodec,
  writeStored,
} from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { joinedParent, latestVersion, MAX_DEPTH, MODULE, type Report, readOffice } from './state.js';

/** Key of the stale mark of one report version: the `office@version` reports that superseded under it. */
const staleKey = (office: string, period: string, version: number) =>
  stateKey(MODULE, 'stale', office, period, String(version));

/** At most this many causes are kept per report (the first ones; enough to say why). */
const MAX_CAUSES = 16;

/**
 * Why a report is stale: itself superseded (`office@version`), or marked by a new version below it.
 * Empty: the report is current.
 */
export function staleCauses(state: StateReader, r: Report): string[] {
  const out: string[] = [];
  if (r.version < latestVersion(state, r.office, r.period)) out.push(`${r.office}@${r.version}`);
  out.push(...(readStored(state, staleKey(r.office, r.period, r.version), stringListCodec) ?? []));
  return out;
}

/**
 * A new version of `office`'s report for `period` makes the latest report of every joined
 * ancestor stale (they summed the old figures, or none), until each re-aggregates.
 */
export function markAncestorsStale(ctx: ExecContext, office: string, period: string, version: number): void {
  const cause = `${office}@${version}`;
  let cur = readOffice(ctx.state, office);
  for (let depth = 0; cur !== undefined && depth < MAX_DEPTH; depth++) {
    const up = joinedParent(ctx.state, cur);
    if (up === undefined) return;
    const v = latestVersion(ctx.state, up.id, period);
    if (v > 0) {
      const key = staleKey(up.id, period, v);
      const causes = readStored(ctx.state, key, stringListCodec) ?? [];
      if (causes.length < MAX_CAUSES && !causes.includes(cause)) {
        writeStored(ctx.state, key, stringListCodec, [...causes, cause]);
      }
      ctx.emit('stale', { office: up.id, period, version: v, cause });
    }
    cur = up;
  }
}
