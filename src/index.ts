// The Gongzhi library: every layer's public API. The SDK alone is at "gongzhi/sdk".
export * as api from './api/index.js';
export * as credentials from './credentials/index.js';
export * as crypto from './crypto/index.js';
export * as encoding from './encoding/index.js';
export * from './errors/index.js';
export * as execution from './execution/index.js';
export * as ledger from './ledger/index.js';
export * as evidence from './modules/evidence/index.js';
export * as governance from './modules/governance/index.js';
export * as identity from './modules/identity/index.js';
export * as node from './node/index.js';
export * as ordering from './ordering/index.js';
export * as state from './state/index.js';
export * as storage from './storage/index.js';
export * as wire from './wire/index.js';
