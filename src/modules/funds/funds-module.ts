import { defineModule, type LedgerModule } from '../../execution/index.js';
import { amendments, approveAmendment, proposeAmendment } from './amend.js';
import {
  addProject,
  confirmDisbursement,
  disburse,
  distributeGoods,
  payDisbursement,
  recordDonation,
  recordGoods,
} from './charity.js';
import { FUNDS_ERRORS } from './errors.js';
import {
  approveExpense,
  cancelExpense,
  draftExpense,
  emergencyApprove,
  payExpense,
  rejectExpense,
  submitExpense,
} from './expense-ops.js';
import { createFund, freezeFund, postIncome, unfreezeFund } from './fund-ops.js';
import * as q from './queries.js';
import { addReceipts, confirmCompletion } from './receipts.js';
import { MODULE } from './record.js';
import { postStatement } from './statement.js';

/**
 * Community fund co-management and charity traceability: funds held at a custodian bank, expenses
 * through draft → submitted → approved → paid → receipted with committee weights and the
 * supervisor's fast track, balanced double-entry books, reconciled custodian statements, donations
 * traced to disbursements. Who may act is decided per fund in `check` (the fund names its
 * custodian, manager and supervisor organisations and its committee), so most rows are `*` or `org`.
 */
export const fundsModule: LedgerModule = defineModule({
  name: MODULE,
  summary:
    'Community funds and charity: approved expenses, custodian payments, balanced books, statements, donation traces',
  methods: {
    createFund,
    freezeFund,
    unfreezeFund,
    proposeAmendment,
    approveAmendment,
    postIncome,
    draftExpense,
    submitExpense,
    approveExpense,
    rejectExpense,
    cancelExpense,
    emergencyApprove,
    payExpense,
    addReceipts,
    confirmCompletion,
    postStatement,
    addProject,
    recordDonation,
    disburse,
    payDisbursement,
    confirmDisbursement,
    recordGoods,
    distributeGoods,
  },
  queries: {
    fund: q.fund,
    funds: q.funds,
    expense: q.expense,
    expenses: q.expenses,
    books: q.books,
    entries: q.entries,
    statement: q.statement,
    statements: q.statements,
    log: q.log,
    amendments,
    trace: q.trace,
    donation: q.donation,
    donorDonations: q.donorDonations,
    project: q.project,
    disbursement: q.disbursement,
    goods: q.goods,
  },
  // Organisation steps need an org admin; the fund's own roles are checked in `check`. Committee
  // members are residents (no org role), so their steps are open to any account and checked there.
  permissions: {
    createFund: ['org'],
    freezeFund: ['org'],
    unfreezeFund: ['org'],
    proposeAmendment: ['*'],
    approveAmendment: ['*'],
    postIncome: ['org'],
    draftExpense: ['*'],
    submitExpense: ['*'],
    approveExpense: ['*'],
    rejectExpense: ['*'],
    cancelExpense: ['*'],
    emergencyApprove: ['org'],
    payExpense: ['org'],
    addReceipts: ['*'],
    confirmCompletion: ['*'],
    postStatement: ['org'],
    addProject: ['org'],
    recordDonation: ['org'],
    disburse: ['org'],
    payDisbursement: ['org'],
    confirmDisbursement: ['org'],
    recordGoods: ['org'],
    distributeGoods: ['org'],
  },
  errors: FUNDS_ERRORS,
});
