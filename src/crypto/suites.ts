import { GongzhiError } from '../errors/index.js';
import { ed25519Suite } from './ed25519.js';
import { secp256k1Suite } from './secp256k1.js';
import { sm2Suite } from './sm2.js';
import type { CryptoSuite, SuiteId } from './suite.js';

const SUITES: Readonly<Record<SuiteId, CryptoSuite>> = {
  ed25519: ed25519Suite,
  secp256k1: secp256k1Suite,
  sm2: sm2Suite,
};

/** The suite implementation for `id`; throws CRYPTO_UNKNOWN_SUITE for anything else. */
export function getSuite(id: SuiteId): CryptoSuite {
  // Ids often come from untrusted JSON, so check at runtime despite the type.
  const suite = Object.hasOwn(SUITES, id) ? SUITES[id] : undefined;
  if (suite === undefined) {
    throw new GongzhiError('CRYPTO_UNKNOWN_SUITE', 'unknown signature suite', { suite: String(id) });
  }
  return suite;
}
