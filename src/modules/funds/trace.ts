import { toHex } from '../../encoding/index.js';
import type { StateReader } from '../../state/index.js';
import { foundDisbursement, foundDonation, readQueue, readSegment } from './charity-record.js';
import { foundFund } from './record.js';
import type { DonationTraceJson } from './types.js';

/**
 * "Where did my ¥100 go": a donation's net amount is the interval [start, start + net) of its
 * queue's money line; each disbursement took a contiguous segment of that line, earmarked queue
 * before the general queue, in order. The trace is the overlap of the donation's interval with the
 * segments: found by binary search (segments are contiguous and in order), so its cost is
 * O(log segments + allocations), whatever the number of donations. Anyone replaying the ledger
 * (donations and disbursements in chain order) gets the same allocation to the fen.
 */
export function traceDonation(state: StateReader, id: number): DonationTraceJson {
  const d = foundDonation(state, id);
  const f = foundFund(state, d.fund);
  const q = readQueue(state, d.fund, d.project, d.earmark);
  const end = d.start + d.net;
  // First segment that ends after the donation starts.
  let lo = 1;
  let hi = q.segments + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const s = readSegment(state, d.fund, d.project, d.earmark, mid);
    if (s.start + s.amount > d.start) hi = mid;
    else lo = mid + 1;
  }
  const allocations: DonationTraceJson['allocations'][number][] = [];
  for (let k = lo; k <= q.segments; k++) {
    const s = readSegment(state, d.fund, d.project, d.earmark, k);
    if (s.start >= end) break;
    const amount = Math.min(end, s.start + s.amount) - Math.max(d.start, s.start);
    const b = foundDisbursement(state, s.disbursement);
    allocations.push({
      disbursement: b.id,
      amount,
      purpose: b.purpose,
      beneficiary: toHex(b.beneficiary),
      status: b.status,
      height: b.at.height,
      ...(b.payment === undefined ? {} : { paymentReference: b.payment.reference }),
      ...(b.confirmation === undefined ? {} : { confirmation: toHex(b.confirmation.digest) }),
    });
  }
  const allocated = allocations.reduce((s, a) => s + a.amount, 0);
  return {
    donation: d.id,
    fund: d.fund,
    currency: f.currency,
    project: d.project,
    ...(d.earmark === undefined ? {} : { earmark: d.earmark }),
    donor: d.donor ?? null,
    amount: d.amount,
    fee: d.fee,
    feeBps: f.feeBps,
    net: d.net,
    queueStart: d.start,
    allocations,
    allocated,
    unallocated: d.net - allocated,
    height: d.at.height,
    reference: d.reference,
  };
}
