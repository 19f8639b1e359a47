import type { CborMap } from '../../src/ledger/index.js';
import type { PointsSandbox } from '../../src/testing/index.js';

/**
 * Money moves with the consent of those who pay: the sponsor asks (`fund`), the clearing provider
 * confirms (`confirmFunding`); quota needs the sponsor's `consentQuota` before the issuer's
 * `allotQuota`. These helpers run both signed steps.
 */
export function fundPool(
  sb: PointsSandbox,
  program: string,
  sponsor: string,
  bank: string,
  amount: number,
): void {
  sb.ok(sponsor, 'fund', { program, amount });
  sb.ok(bank, 'confirmFunding', { program, sponsor: sb.addr(sponsor), amount });
}

export function withdrawPool(
  sb: PointsSandbox,
  program: string,
  sponsor: string,
  bank: string,
  amount: number,
): void {
  sb.ok(sponsor, 'withdraw', { program, amount });
  sb.ok(bank, 'confirmWithdrawal', { program, sponsor: sb.addr(sponsor), amount });
}

/** Allot quota: with a sponsor, the sponsor consents first (then the issuer allots). */
export function allot(
  sb: PointsSandbox,
  issuer: string,
  args: { program: string; distributor: string; amount: number; sponsor?: string },
): void {
  if (args.sponsor !== undefined) {
    sb.ok(args.sponsor, 'consentQuota', {
      program: args.program,
      distributor: sb.addr(args.distributor),
      amount: args.amount,
    });
  }
  const call: CborMap = {
    program: args.program,
    distributor: sb.addr(args.distributor),
    amount: args.amount,
    ...(args.sponsor === undefined ? {} : { sponsor: sb.addr(args.sponsor) }),
  };
  sb.ok(issuer, 'allotQuota', call);
}
