import { confirmArea } from './confirm-area.js';
import { decideDispute } from './decide-dispute.js';
import { defineArea } from './define-area.js';
import { openDispute } from './open-dispute.js';
import { setArea } from './set-area.js';
import { setAreaWorker } from './set-area-worker.js';
import { setBreakage } from './set-breakage.js';

/** Item 14's methods — disputes with claw-back, breakage policies, areas — one operation per file. */
export const oversightMethods = {
  openDispute,
  decideDispute,
  setBreakage,
  defineArea,
  setArea,
  confirmArea,
  setAreaWorker,
};
