import { carbonOversightDemo } from './carbon-oversight.js';
import { certificatesDemo } from './certificates.js';
import { charityDemo } from './charity.js';
import { civicPointsDemo } from './civic-points.js';
import { committeeElectionDemo } from './committee-election.js';
import { communityFundDemo } from './community-fund.js';
import { courtEvidenceDemo } from './court-evidence.js';
import { dataSharingDemo } from './data-sharing.js';
import type { Demo } from './demo.js';
import { greenTravelDemo } from './green-travel.js';
import { healthPassDemo } from './health-pass.js';
import { ownersVoteDemo } from './owners-vote.js';
import { parkingDemo } from './parking.js';
import { teaDemo } from './tea.js';
import { timeBankDemo } from './time-bank.js';

export type { Demo, DemoContext } from './demo.js';

/** Every scenario demo, by name. Scenario files register here. */
export const DEMOS: readonly Demo[] = [
  greenTravelDemo,
  timeBankDemo,
  parkingDemo,
  civicPointsDemo,
  healthPassDemo,
  certificatesDemo,
  teaDemo,
  ownersVoteDemo,
  committeeElectionDemo,
  dataSharingDemo,
  courtEvidenceDemo,
  communityFundDemo,
  charityDemo,
  carbonOversightDemo,
];

/** The demo called `name`, if any. */
export function findDemo(name: string): Demo | undefined {
  return DEMOS.find((d) => d.name === name);
}
