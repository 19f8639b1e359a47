import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import { parseIdKey, schemas } from './args.js';
import { MAX_PLACES, readItem, readScans, type Scans, writeScans } from './items.js';
import { readParams } from './registry.js';

/** A coarse place name: letters, digits, marks, punctuation, spaces and symbols, 1..64 of them. */
export const SCAN_PLACE = /^[\p{L}\p{N}\p{M}\p{P}\p{Zs}\p{S}]{1,64}$/u;

/** Arguments of `trace.scan`. */
export interface ScanArgs {
  readonly key: string;
  /**
   * Where the code was scanned, coarse (a city or district, never a person's position); absent
   * when the resolver cannot tell — the scan is counted, no place is added.
   */
  readonly place?: string;
}

/**
 * `scan`: a resolver records that a consumer scanned a serial's code, and where (coarsely). The
 * count and the distinct places are kept; a serial seen in more places than `maxScanPlaces` is
 * flagged — one genuine tin is not bought in four cities, a cloned code is. The node's Digital
 * Link resolver records one per consumer resolution of a serial (src/node/trace-scans.ts).
 */
export const scan = defineMethod<ScanArgs, { scans: Scans; flag: boolean }>({
  summary: 'Record a consumer scan of a serial (coarse place); flag a serial seen in too many places',
  args: S.Object(
    {
      key: schemas.key,
      place: S.Optional(
        S.String({ minLength: 1, maxLength: 64, description: 'city or district (absent: counted only)' }),
      ),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['key', 'place']);
    const key = r.str('key', 200);
    if (parseIdKey(key, 'key').kind !== 'serial') {
      throw new GongzhiError('TRACE_BAD_ID', 'key must be a serial (01/<gtin>/21/<serial>)', {
        field: 'key',
      });
    }
    if (!r.has('place')) return { key };
    const place = r.match('place', SCAN_PLACE, 'a place name (1..64 characters)', 64);
    return { key, place: place.trim() };
  },
  check: ({ state, height }, a) => {
    if (readItem(state, a.key) === undefined) {
      throw new GongzhiError('TRACE_UNKNOWN_ID', `${a.key} is not on the ledger: the code is not genuine`, {
        key: a.key,
      });
    }
    const before = readScans(state, a.key) ?? { count: 0, places: [], distinct: 0 };
    const place = a.place;
    const known = place === undefined || before.places.includes(place);
    const places =
      known || before.places.length >= MAX_PLACES || place === undefined
        ? before.places
        : [...before.places, place];
    const distinct = known ? before.distinct : before.distinct + 1;
    const flag = before.flaggedAt === undefined && distinct > readParams(state).maxScanPlaces;
    const scans: Scans = {
      count: before.count + 1,
      places,
      distinct,
      ...(before.flaggedAt !== undefined
        ? { flaggedAt: before.flaggedAt }
        : flag
          ? { flaggedAt: height }
          : {}),
    };
    return { scans, flag };
  },
  apply: (ctx, a, { scans, flag }) => {
    writeScans(ctx.state, a.key, scans);
    ctx.emit('scanned', {
      key: a.key,
      ...(a.place === undefined ? {} : { place: a.place }),
      count: scans.count,
      places: scans.distinct,
    });
    if (flag) ctx.emit('flagged', { key: a.key, places: [...scans.places], count: scans.count });
  },
});
