import { type Codec, stringListCodec } from '../../execution/index.js';
import { agreementCodec } from './agreement.js';
import { areaListCodec, areaMoveCodec, areaRequestCodec } from './areas.js';
import { bookCodec } from './book.js';
import { breakageCodec } from './breakage.js';
import { claimCodec } from './claim.js';
import { consentCodec } from './consent.js';
import { assetBindingCodec, deviceCodec, intervalsCodec } from './device.js';
import { deviceHexCodec } from './device-anomaly.js';
import { disputeCodec } from './dispute.js';
import { holderCodec } from './holder.js';
import { interbankCodec } from './interbank.js';
import { itemCodec } from './item.js';
import { journalCodec } from './journal.js';
import {
  allowanceCodec,
  areaMoveCountCodec,
  backingCodec,
  disputeCountCodec,
  freezeMarkCodec,
  highWaterCodec,
  memberEntryCodec,
  relationCodec,
  roleGrantCodec,
} from './marks.js';
import { methodologyCodec } from './methodology.js';
import { balanceCodec, numMapCodec } from './num-map.js';
import { periodCodec } from './period.js';
import { programCodec } from './program.js';
import { serviceCodec } from './service.js';
import { spendTrailCodec } from './spend-trail.js';
import { statementCodec } from './statement.js';
import { MODULE } from './types.js';
import { unitBatchCodec, unitOpCodec, validationCodec } from './verification.js';

/**
 * Every stored record type of the module, by the state-key segment after `points/` (see keys.ts):
 * the one codec that writes and reads it. For tools and tests that walk the module's state.
 */
export const RECORD_CODECS: Readonly<Record<string, Codec<unknown>>> = {
  programs: stringListCodec,
  program: programCodec,
  meth: methodologyCodec,
  role: roleGrantCodec,
  sups: stringListCodec,
  supvote: stringListCodec,
  frozen: freezeMarkCodec,
  user: holderCodec,
  member: memberEntryCodec,
  rel: relationCodec,
  quota: numMapCodec,
  fundreq: numMapCodec,
  allow: allowanceCodec,
  xback: backingCodec,
  bal: balanceCodec,
  totals: numMapCodec,
  journal: journalCodec,
  brk: breakageCodec,
  areas: areaListCodec,
  aagg: numMapCodec,
  mspend: spendTrailCodec,
  mspendc: spendTrailCodec,
  devagg: numMapCodec,
  devn: disputeCountCodec,
  devi: deviceHexCodec,
  evid: deviceHexCodec,
  phold: numMapCodec,
  areq: areaRequestCodec,
  amoves: areaMoveCountCodec,
  amove: areaMoveCodec,
  disputes: disputeCountCodec,
  disp: disputeCodec,
  cdisp: disputeCountCodec,
  dopen: disputeCountCodec,
  pagg: numMapCodec,
  dagg: numMapCodec,
  dlist: stringListCodec,
  pairs: stringListCodec,
  claim: claimCodec,
  hwm: highWaterCodec,
  dayuse: numMapCodec,
  consent: consentCodec,
  consents: stringListCodec,
  xflow: numMapCodec,
  xstmt: interbankCodec,
  mval: validationCodec,
  mvsum: numMapCodec,
  units: unitBatchCodec,
  ubatches: stringListCodec,
  unitop: unitOpCodec,
  dev: deviceCodec,
  asset: assetBindingCodec,
  dedup: intervalsCodec,
  svcday: numMapCodec,
  item: itemCodec,
  items: stringListCodec,
  svc: serviceCodec,
  xchg: agreementCodec,
  book: bookCodec,
  period: periodCodec,
  stmt: statementCodec,
};

/** The codec of the record stored under `key`, or undefined for a key outside the module. */
export function recordCodecOf(key: string): Codec<unknown> | undefined {
  const parts = key.split('/');
  if (parts[0] !== MODULE || parts[1] === undefined) return undefined;
  return Object.hasOwn(RECORD_CODECS, parts[1]) ? RECORD_CODECS[parts[1]] : undefined;
}
