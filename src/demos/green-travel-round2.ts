import type { CborMap } from '../ledger/index.js';
import { DAY_MS } from '../modules/points/index.js';
import { fmt, type Scenario } from './points-kit.js';

/**
 * Green travel, round 2 (issue 17): the parts a carbon-inclusion scheme needs beyond the books —
 * consent per distributor, the shared device registry, and a verifier whose sign-off turns a
 * closed period's reductions into serial-numbered units that are retired or exported once.
 */

const PROGRAM = 'green-travel';
const BEIJING_MS = 8 * 3_600_000;

/** Where the methodology's emission factors come from (hashed with the version). */
export const GREEN_TRAVEL_SOURCES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    ['le16', '16to25', 'gt25', 'bev'].flatMap((v) => [
      [
        `parked-day.${v}.baselineMg`,
        'mission figure 273 g/km × 22 km, scaled by the pay scale (an assumption)',
      ],
      [`parked-day.${v}.projectMg`, 'subway 28.6 g/pkm × 22 km (mission figure)'],
    ]),
  ),
  ...Object.fromEntries(
    ['subway', 'bus', 'walk', 'cycle'].map((k) => [
      `${k}.default.baselineMg`,
      'car 273 g CO2e/km (mission figure)',
    ]),
  ),
  'subway.default.projectMg': 'subway 28.6 g CO2e/pkm (mission figure)',
  'bus.default.projectMg': 'bus 60 g CO2e/pkm (an assumption, pending DB11/T 3043-2024’s table)',
};

/** Each member authorises the platform for the kinds it reports for her (purpose, source, text version). */
export async function giveConsents(s: Scenario, drivers: readonly string[]): Promise<void> {
  const consent = (who: string, kinds: string[], source: string) =>
    [
      who,
      'giveConsent',
      {
        program: PROGRAM,
        distributor: s.addr('green-platform'),
        kinds,
        purpose: 'green-travel carbon points',
        source,
        version: 1,
        text: s.digest('green-travel consent text v1'),
      },
    ] as const;
  await s.all([
    ...drivers.map((d) => consent(d, ['parked-day'], 'on-board device (OBD) of the car')),
    consent('chen', ['subway', 'bus', 'walk', 'cycle'], 'metro gates and phone GPS'),
  ]);
  s.log(
    'each member authorises the platform for what it reports (scope, purpose, data source, consent text v1): drivers parked days, chen trips',
  );
}

/** The device registry: li's car keeps its claimed day when its OBD box is replaced. */
export async function deviceRegistry(s: Scenario, refusals: string[]): Promise<void> {
  const today = Math.floor((Date.now() + BEIJING_MS) / DAY_MS);
  const start = (today - 1) * DAY_MS - BEIJING_MS;
  const claim = (box: string): CborMap => ({
    program: PROGRAM,
    user: s.addr('li'),
    kind: 'parked-day',
    variant: 'le16',
    quantity: 1,
    periodStart: start,
    periodEnd: start + DAY_MS,
    device: s.digest(box),
    evidence: s.digest(`${box} report day -1`),
    measuredBy: 'obd-box-v4',
    sponsor: s.addr('insurer'),
  });
  const register = (box: string): CborMap => ({
    program: PROGRAM,
    device: s.digest(box),
    asset: s.digest('plate 京A·12345'),
    measuredBy: 'obd-box-v4',
    member: s.addr('li'),
  });
  await s.call('green-platform', 'registerDevice', register('li new OBD box 1'));
  await s.call('li', 'bindDevice', {
    device: s.digest('li new OBD box 1'),
    consent: s.digest('li binds box 1'),
  });
  await s.call('green-platform', 'claim', claim('li new OBD box 1'));
  refusals.push(
    await s.refused(
      'green-platform',
      'registerDevice',
      register('li new OBD box 2'),
      'POINTS_DEVICE_CONFLICT',
    ),
  );
  await s.call('li', 'releaseDevice', { device: s.digest('li new OBD box 1') });
  await s.call('green-platform', 'registerDevice', register('li new OBD box 2'));
  await s.call('li', 'bindDevice', {
    device: s.digest('li new OBD box 2'),
    consent: s.digest('li binds box 2'),
  });
  refusals.push(
    await s.refused('green-platform', 'claim', claim('li new OBD box 2'), 'POINTS_DUPLICATE_CLAIM'),
  );
  s.log(
    'device registry: li’s car (plate digest) is registered with a new OBD box and li binds it; yesterday is claimed; a second box for the same car is refused while the first is bound (POINTS_DEVICE_CONFLICT); after the swap, yesterday under the new box’s digest is a duplicate (POINTS_DUPLICATE_CLAIM) — the index is by car and holds across programmes',
  );
}

/** The certification body verifies period 1's reductions; units are retired and exported, once each. */
export async function verifyAndRetire(s: Scenario, refusals: string[]): Promise<Record<string, unknown>> {
  await s.call('env-bureau', 'grantRole', {
    program: PROGRAM,
    role: 'verifier',
    account: s.addr('cert-body'),
  });
  await s.call('cert-body', 'validateMethodology', {
    program: PROGRAM,
    version: 1,
    opinion: 'positive',
    report: s.digest('validation report of green travel v2'),
  });
  const report = s.query<{ activity: Record<string, number> }>('report', { program: PROGRAM, period: 1 });
  const claimedG = report.activity['r:1'] ?? 0;
  refusals.push(
    await s.refused(
      'cert-body',
      'verifyReductions',
      { program: PROGRAM, period: 1, version: 1, verifiedG: claimedG + 1, report: s.digest('x') },
      'POINTS_BAD_AMOUNT',
    ),
  );
  // the verifier confirms all but one trip's worth it could not trace (an illustration)
  const verifiedG = claimedG - 1000;
  await s.call('cert-body', 'verifyReductions', {
    program: PROGRAM,
    period: 1,
    version: 1,
    verifiedG,
    report: s.digest('verification report, period 1'),
  });
  const use = (action: string, count: number, party: string, note: string): CborMap => ({
    program: PROGRAM,
    period: 1,
    version: 1,
    action,
    count,
    party,
    note,
  });
  const units = () =>
    s.query<{
      batches: {
        serials: { first: string; last: string; count: number };
        retired: number;
        exported: number;
      }[];
    }>('units', { program: PROGRAM }).batches[0];
  const issued = units()?.serials.count ?? 0;
  await s.call(
    'carbon-exchange',
    'useUnits',
    use('retire', 10, 'Haidian library', 'offset of the 2026 reading festival'),
  );
  await s.call(
    'carbon-exchange',
    'useUnits',
    use('export', issued - 10, 'Beijing carbon-inclusion registry', 'BJ-CI-2026-0001'),
  );
  refusals.push(
    await s.refused(
      'carbon-exchange',
      'useUnits',
      use('retire', 1, 'anyone', 'again'),
      'POINTS_INSUFFICIENT_BALANCE',
    ),
  );
  const b = units();
  s.log(
    `certification body (verifier, appointed by the bureau) validates the methodology — every emission factor cites its source — and verifies period 1: ${fmt(verifiedG, 3)} of ${fmt(claimedG, 3)} kg CO2e → ${issued} units ${b?.serials.first} … ${b?.serials.last}; 10 retired for the library's offset, ${issued - 10} exported to the registry; a further use is refused (POINTS_INSUFFICIENT_BALANCE)`,
  );
  return { claimedG, verifiedG, issued, retired: b?.retired, exported: b?.exported };
}
