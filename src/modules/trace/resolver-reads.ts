import type { StateReader } from '../../state/index.js';
import { itemKeys, readScans } from './items.js';
import { readParams, readProduct } from './registry.js';
import { productJson, scansJson } from './views.js';

/**
 * The few records a Digital Link resolver reads beside an identifier's trace, each one point read:
 * the product of a GTIN, the scan parameter, and a serial's scans — which change with every
 * consumer scan, so the resolver reads them fresh while it remembers the rest of the trace.
 */
export const resolverReads = {
  product: (state: StateReader, gtin: string) => {
    const p = readProduct(state, gtin);
    return p === undefined ? undefined : productJson(p);
  },
  maxScanPlaces: (state: StateReader): number => readParams(state).maxScanPlaces,
  scans: (state: StateReader, key: string) => scansJson(readScans(state, key)),
  /** The state key of a serial's scans (the one key of a trace the resolver does not remember). */
  scansKey: (key: string): string => itemKeys.scan(key),
};
