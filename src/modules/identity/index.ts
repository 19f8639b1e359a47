export {
  type DidDocumentJson,
  type DidParts,
  formatDid,
  isDidId,
  type KeyHistoryJson,
  parseDid,
  type ResolutionJson,
  type VerificationMethodJson,
} from './did.js';
export { IDENTITY_PERMISSIONS, identityModule } from './identity-module.js';
export { createConsentMessage } from './ops.js';
export { getBit, identityKeys, readDid, readDidAtHeight } from './state.js';
export * from './types.js';
