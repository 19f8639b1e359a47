export { ed25519Suite, ed25519VerifyAsync } from './ed25519.js';
export {
  exportJwk,
  exportPublicKeyDer,
  exportPublicKeyPem,
  exportSecretKeyDer,
  exportSecretKeyPem,
  importJwk,
  importPublicKeyDer,
  importPublicKeyPem,
  importSecretKeyDer,
  importSecretKeyPem,
  type Jwk,
  type KeyMaterial,
} from './keys.js';
export {
  decryptKeystore,
  encryptKeystore,
  KEYSTORE_DEFAULT_SCRYPT_N,
  KEYSTORE_MAX_SCRYPT_N,
  KEYSTORE_MIN_SCRYPT_N,
  type Keystore,
  type KeystoreCipher,
  parseKeystore,
  readKeystoreFile,
  writeKeystoreFile,
} from './keystore.js';
export { measureVerifyRate } from './measure.js';
export {
  getPortableSuite,
  portableEd25519Suite,
  portableRandomBytes,
  portableSecp256k1Suite,
  portableSm2Sign,
  portableSm2Suite,
  portableSm2Verify,
} from './portable.js';
export {
  SECP256K1_N,
  secp256k1CompressPoint,
  secp256k1DecompressPoint,
  secp256k1Suite,
} from './secp256k1.js';
export {
  SM2_CURVE,
  SM2_DEFAULT_USER_ID,
  sm2CompressPoint,
  sm2DecompressPoint,
  sm2Sign,
  sm2Suite,
  sm2Verify,
} from './sm2.js';
export { sm2NativeUnavailableReason, sm2VerifyBackend } from './sm2-native.js';
export { hmacSm3, Sm3, sm3 } from './sm3.js';
export {
  createSm4Ctr,
  type Sm4CtrStream,
  sm4CtrBackend,
  sm4CtrVariant,
  sm4NativeUnavailableReason,
} from './sm4-ctr.js';
export { type CryptoSuite, isSuiteId, type KeyPair, SUITE_IDS, type SuiteId } from './suite.js';
export { getSuite } from './suites.js';
export { type VerifyItem, VerifyPool } from './verify-pool.js';
