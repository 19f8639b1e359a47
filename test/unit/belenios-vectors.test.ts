import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  credentialSecret,
  exportArchive,
  G,
  gpow,
  hashJson,
  P,
  pow,
  Q,
  readArchive,
  verifyRecord,
} from '../../src/voting-crypto/belenios/index.js';

/**
 * Golden vectors from Belenios itself: an election run entirely by Debian's belenios-tool 2.0
 * (3 voters, 2 single trustees, one question "1..2 of A, B, C"; `test/fixtures/belenios/`), and
 * a credential it generated. Our reader and verifier must accept its archive and find its result;
 * our credential derivation must give its public credential.
 */
const fixture = new Uint8Array(
  readFileSync(new URL('../fixtures/belenios/belenios-tool-2.0.bel', import.meta.url)),
);

describe('Belenios 2.0 golden vectors (made by belenios-tool)', () => {
  it('the BELENIOS-2048 group: g has order q, p and q prime-sized', () => {
    expect(pow(G, Q)).toBe(1n);
    expect(P.toString(2).length).toBe(2048);
    expect(Q.toString(2).length).toBe(256);
  });

  it('derives belenios-tool’s public credential from its private credential (PBKDF2, uuid salt)', () => {
    const s = credentialSecret('Vcw-emi-pth-k4t-qjf', 'kzDyYPyTu23LxF');
    const rec = readArchive(fixture);
    const creds = JSON.parse(rec.credentials) as string[];
    expect(creds).toContain(gpow(s).toString());
  });

  it('reads and verifies belenios-tool’s archive: every ballot, the tally, both decryptions, the result', () => {
    const rec = readArchive(fixture);
    expect(rec.ballots).toHaveLength(3);
    expect(hashJson(rec.election)).toBe('BfS5aKI1gwaLE5tnbJQHOiaMCyJ7xF5Z0DU+TvwxfNI');
    expect(verifyRecord(rec)).toEqual({ result: [[1, 2, 1]], ballots: 3 });
    // Our writer reproduces the archive byte for byte from the record it read.
    expect(Buffer.from(exportArchive(rec)).equals(Buffer.from(fixture))).toBe(true);
  });

  it('refuses the archive with a changed ballot or result', () => {
    const rec = readArchive(fixture);
    const b = rec.ballots[0] as string;
    const changed = b.replace(
      /"challenge":"(\d)/,
      (_m, d: string) => `"challenge":"${d === '1' ? '2' : '1'}`,
    );
    expect(() => verifyRecord({ ...rec, ballots: [changed, ...rec.ballots.slice(1)] })).toThrow(
      /proof|signature/,
    );
    expect(() => verifyRecord({ ...rec, result: '{"result":[[2,1,1]]}' })).toThrow(/result/);
  });
});
