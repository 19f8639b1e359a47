export { ed25519Suite } from './ed25519.js';
export { SECP256K1_N, secp256k1CompressPoint, secp256k1DecompressPoint, secp256k1Suite } from './secp256k1.js';
export {
  SM2_CURVE,
  SM2_DEFAULT_USER_ID,
  sm2CompressPoint,
  sm2DecompressPoint,
  sm2Sign,
  sm2Suite,
  sm2Verify,
} from './sm2.js';
export { type CryptoSuite, isSuiteId, type KeyPair, SUITE_IDS, type SuiteId } from './suite.js';
export { getSuite } from './suites.js';
