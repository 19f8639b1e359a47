/**
 * Wire types of the funds module: the JSON its queries return (amounts in minor units, bytes as
 * hex). No imports, so the SDK and a console can use them without the ledger code.
 */

export interface AtJson {
  readonly height: number;
  readonly timestamp: number;
  readonly tx: string;
}

export interface FundJson {
  readonly id: string;
  readonly name: string;
  readonly kind: 'community' | 'charity';
  readonly currency: string;
  readonly custodian: string;
  readonly manager: string;
  readonly supervisor: string;
  readonly members: readonly { readonly account: string; readonly weight: number }[];
  readonly tiers: readonly {
    readonly from: number;
    readonly rule: 'committee' | 'resolution';
    readonly weight: number;
    readonly matter?: 'ordinary' | 'major';
  }[];
  readonly emergencyLimit: number;
  readonly completionWeight: number;
  readonly feeBps: number;
  readonly createdAt: AtJson;
  readonly frozen: { readonly reason: string; readonly by: string; readonly at: AtJson } | null;
  /** Cash at the custodian per the books. */
  readonly balance: number;
  /** What expenses may spend (balance minus money restricted to charity projects). */
  readonly available: number;
}

export interface VoteJson {
  readonly account: string;
  readonly weight: number;
  readonly at: AtJson;
  readonly reason?: string;
}

export interface ExpenseJson {
  readonly id: number;
  readonly fund: string;
  readonly submitter: string;
  readonly payee: { readonly kind: 'account' | 'org'; readonly id: string };
  readonly amount: number;
  readonly purpose: string;
  readonly category: string;
  readonly quotation: string;
  readonly works: boolean;
  readonly status: string;
  readonly rule: Readonly<Record<string, string | number>> | null;
  readonly emergency: boolean;
  readonly approvals: readonly VoteJson[];
  readonly rejections: readonly VoteJson[];
  readonly payment: {
    readonly reference: string;
    readonly entry: number;
    readonly by: string;
    readonly at: AtJson;
  } | null;
  readonly receipts: readonly string[];
  readonly completions: readonly VoteJson[];
  readonly history: readonly { readonly status: string; readonly by: string; readonly at: AtJson }[];
}

export interface EntryJson {
  readonly seq: number;
  readonly kind: string;
  readonly ref: string;
  readonly reference: string;
  readonly postings: readonly {
    readonly account: string;
    readonly side: 'dr' | 'cr';
    readonly amount: number;
  }[];
  readonly at: AtJson;
  readonly bankBalance: number;
}

export interface DonationTraceJson {
  readonly donation: number;
  readonly fund: string;
  readonly currency: string;
  readonly project: string;
  readonly earmark?: string;
  readonly donor: string | null;
  readonly amount: number;
  readonly fee: number;
  readonly feeBps: number;
  readonly net: number;
  readonly queueStart: number;
  readonly allocations: readonly {
    readonly disbursement: number;
    readonly amount: number;
    readonly purpose: string;
    readonly beneficiary: string;
    readonly status: string;
    readonly height: number;
    readonly paymentReference?: string;
    readonly confirmation?: string;
  }[];
  readonly allocated: number;
  readonly unallocated: number;
  readonly height: number;
  readonly reference: string;
}
