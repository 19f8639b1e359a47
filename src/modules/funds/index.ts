export { feeOf } from './charity.js';
export { FUNDS_ERRORS } from './errors.js';
export { availableBalance, tierFor } from './expense-ops.js';
export { fundsModule } from './funds-module.js';
export { assertBalanced, BANK, balanceOf, type Entry, type Posting } from './journal.js';
export { keys as fundsKeys, MODULE as FUNDS_MODULE } from './record.js';
export {
  amendmentMotion,
  expenseMotion,
  type ResolutionOutcome,
  requirePassedResolution,
} from './resolution.js';
export { bookFigures, type Figures, type PeriodStatement } from './statement.js';
export { traceDonation } from './trace.js';
export type * from './types.js';
