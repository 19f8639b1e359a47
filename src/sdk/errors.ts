/**
 * The SDK's error surface on its own (the same names as src/sdk/index.ts gives), for a browser page
 * that imports SDK files one by one to keep its first download small: the index pulls in every
 * part of the SDK — signing, credentials, proofs — that such a page loads only on demand.
 */
export { GongzhiError, type HintLang, hintFor, isGongzhiError } from '../errors/index.js';
