export {
  didCodec,
  issuerIndexCodec,
  issuerPeriodsCodec,
  schemaCodec,
  statusChunkCodec,
  statusListCodec,
} from './codecs.js';
export { type CreateArgs, createConsentMessage } from './create.js';
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
export { IDENTITY_ERRORS } from './errors.js';
export { EXTERNAL_DID_MAX, isExternalDid } from './external-issuers.js';
export { IDENTITY_PERMISSIONS, identityModule } from './identity-module.js';
export { getBit, identityKeys, readDid, readDidAtHeight } from './state.js';
export * from './types.js';
