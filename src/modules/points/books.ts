import type { PendingState } from './effects.js';
import { Journal } from './journal.js';
import { Lots } from './lots.js';
import { PeriodAggregates } from './period-aggregates.js';
import { PlainAccounts } from './plain-accounts.js';
import { Quotas } from './quotas.js';
import { Totals } from './totals.js';
import type { Program } from './types.js';

/**
 * The double-entry books of one program during one operation, in parts: the running `totals`,
 * the open period's `aggregates`, the `journal` of posting sets, the `accounts` kept as plain
 * balances, members' `lots` and distributors' `quotas`. Running totals per account class and
 * per-period aggregates are updated as postings happen, so reports and period closing never scan
 * the journal. Nothing reaches the operation's pending state before `flush`.
 */
export class Books {
  readonly totals: Totals;
  readonly aggregates: PeriodAggregates;
  readonly journal: Journal;
  readonly accounts: PlainAccounts;
  readonly lots: Lots;
  readonly quotas: Quotas;

  constructor(
    store: PendingState,
    readonly program: Program,
    readonly period: number,
  ) {
    this.totals = new Totals(store, program.id);
    this.aggregates = new PeriodAggregates(store, program.id, period, this.totals);
    this.journal = new Journal(store, program.id, period, this.totals, this.aggregates);
    this.accounts = new PlainAccounts(store, program, this.journal);
    this.lots = new Lots(store, program, this.totals, this.journal, this.accounts, this.aggregates);
    this.quotas = new Quotas(store, program, this.journal, this.lots);
  }

  get id(): string {
    return this.program.id;
  }

  /** Write every part's changes into the operation's pending state. */
  flush(): void {
    this.journal.assertClosed();
    this.lots.flush();
    this.quotas.flush();
    this.accounts.flush();
    this.journal.flush();
    this.totals.flush(this.aggregates.openPeriod());
    this.aggregates.flush();
  }
}
