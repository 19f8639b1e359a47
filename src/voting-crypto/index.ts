export * from './ballot.js';
export * from './group.js';
export * from './open-vote.js';
export * from './proofs.js';
export * from './tally-fold.js';
export * from './trustees.js';
