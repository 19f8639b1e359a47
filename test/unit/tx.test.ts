import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getSuite, SUITE_IDS } from '../../src/crypto/index.js';
import { toHex } from '../../src/encoding/index.js';
import { decodeTx, encodeTx, signTx, txHash, txHashFromBytes } from '../../src/ledger/index.js';

describe('transaction hashing from bytes', () => {
  for (const id of SUITE_IDS) {
    const suite = getSuite(id);
    const key = suite.generateKeyPair();
    it(`${id}: hashing the body slice of the canonical bytes equals hashing the re-encoded body`, () => {
      fc.assert(
        fc.property(
          fc.string({ minLength: 1, maxLength: 64 }),
          fc.nat(),
          fc.dictionary(
            fc.string({ maxLength: 10 }).filter((k) => k !== '__proto__'),
            fc.oneof(fc.integer(), fc.string(), fc.uint8Array({ maxLength: 40 })),
          ),
          (nonce, validUntil, args) => {
            const tx = signTx(suite, key.secretKey, {
              chain: 'c',
              group: 'g',
              sender: key.publicKey,
              nonce,
              validUntil,
              module: 'evidence',
              method: 'anchor',
              args,
            });
            const bytes = encodeTx(tx);
            const decoded = decodeTx(bytes);
            expect(toHex(txHashFromBytes(suite, decoded, bytes))).toBe(toHex(txHash(suite, decoded.body)));
          },
        ),
        { numRuns: 100 },
      );
    });
  }
});
