/**
 * The SDK's crypto suites: the portable implementations (pure JS on @noble/curves, our SM3, Web
 * Crypto randomness), so the SDK runs in browsers. They give the same hashes, public keys,
 * addresses and verification results as the node:crypto suites the server uses.
 */
export { getPortableSuite as getSuite } from '../crypto/portable.js';
export { type CryptoSuite, isSuiteId, type KeyPair, SUITE_IDS, type SuiteId } from '../crypto/suite.js';
