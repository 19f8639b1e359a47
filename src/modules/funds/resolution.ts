import { GongzhiError } from '../../errors/index.js';
import type { StateReader } from '../../state/index.js';

/**
 * The seam for owners' resolutions (the voting module, issue "community voting", is not on this
 * chain yet). An expense whose amount falls in a `resolution` tier must cite a resolution id; the
 * funds module asks this one function whether that resolution passed and for what.
 *
 * Today no voting module is registered, so every call is FUNDS_RESOLUTION_UNAVAILABLE and nothing
 * is written. When the voting module lands, this file imports its exported reader (one
 * MODULES.crossImports row in scripts/check-layers.mjs) and returns its outcome; nothing else in
 * the funds module changes.
 */
export interface ResolutionOutcome {
  readonly resolution: string;
  readonly passed: boolean;
  /** The fund and the largest amount the resolution authorises. */
  readonly fund: string;
  readonly amount: number;
}

export function readResolution(_state: StateReader, resolution: string, fund: string): ResolutionOutcome {
  throw new GongzhiError(
    'FUNDS_RESOLUTION_UNAVAILABLE',
    `expense needs owners' resolution ${resolution}, and no voting module is registered`,
    { resolution, fund },
  );
}
