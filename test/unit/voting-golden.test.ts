import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/encoding/index.js';
import { electorateStep } from '../../src/modules/voting/index.js';
import { seedOf } from '../../src/testing/index.js';
import {
  ballotHash,
  createBallot,
  credentialFromSeed,
  deriveScalar,
  hashToScalar,
  proveTrusteeKey,
  RISTRETTO,
  signOpenVote,
  verifyBallot,
  verifyOpenVote,
} from '../../src/voting-crypto/index.js';

/**
 * Golden vectors of the voting encodings (docs/voting.md): fixed seeds give these exact bytes. A
 * change here changes every ballot and record ever made, so it must be deliberate. The group
 * encoding itself is checked against RFC 9496 §A.1 (multiples of the ristretto255 generator).
 */
const g = RISTRETTO;
const GOLDEN = {
  credential: '32eeb8e7141424a7eb07b25f045fb28f549117edefbef0e52645dfac1ae57910',
  y: '68e8921006b83e055bc1b664059a91e1b42d8ca41f8610b2bcdf732f6fdbfd14',
  choice0:
    'a4174f9ad50c6b759645087824bed4afde8dabe1e8ccffcc15cd1698739bb46252a089563a56ee5f1a2fb4d348469a5112cfb260da60c9432bd3d45330623a53',
  proof0: [
    '5398948e89d61ee14bfcea9079b173113427956575d6d1d9b40b87fe5c1fd203cc602acbb44397974803e410682462e08c22cffeac71de1ca37938bc5b337701',
    'ad53f98655a4c7dd52613ccea51cc3e57b0d2d7756fd39e0553a362fb2306106d895b4e06cf06ba82fbb0c7aa0f5e8778e53c444c0fc77831cbc680636936408',
  ],
  overall: [
    '948c3ed7bc995fc42eeb920a30edc185a83c7627a8d5b8754f21d2cfa99b670c555e3622cab8736e2403f4c7b592ede38221e828a02065511edb11918de40805',
  ],
  signature:
    'a8e66b5c72052c7750ffcb9130ba068155d5598ed414f0cfd722aaf6612845027eb7b8d1cfa99a5e70363884ced003f7687dc5d1e1a3f15e40364061b0a8cb0a',
  ballotHash: 'fbd474f0f7f997c2b6a3e4a39171c6128c5348ba9c71f47a4dc84847ddf5d181',
  openVote:
    '33bce5ba74d958e58ce55225a258819dbfe61b2d9b6a4cf0391deac8e43ac90db8a575bd47020b7d73f65f8e7f974a7b40a1348f7e9114dab87a0e054b8b0909',
  trusteeKeyProof:
    '1884b7eace3a313c2fbc1ec3cf3cae911ed7a872f08d24a70deb2c98865648083ecfd62bf4766cd9c9bffa95db9243c1673561bc6b7cf60041ce558d84f9df0e',
  hashToScalar: '5c49e0081b92c065ef6549579d7fc5dcd650afe884430a860cd94f5358dfdf5',
  electorateRoot: 'bf723ff007f7213d23540fb86d9f0a6c618f93f97c41f310c79d30cf99d30412',
};

describe('voting golden vectors', () => {
  it('ristretto255 encodes k·B as RFC 9496 §A.1 lists', () => {
    const rfc = [
      '0000000000000000000000000000000000000000000000000000000000000000',
      'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76',
      '6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919',
      '94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259',
    ];
    rfc.forEach((hex, k) => {
      expect(toHex(g.encode(g.gpow(BigInt(k))))).toBe(hex);
      expect(g.eq(g.decode(fromHex(hex)), g.gpow(BigInt(k)))).toBe(true);
    });
  });

  it('a ballot, an open vote, a trustee proof and an electorate root from fixed seeds', () => {
    const cred = credentialFromSeed(g, seedOf('golden-voter'));
    const y = g.gpow(deriveScalar(g, seedOf('golden-trustee'), 'k'));
    const fp = seedOf('golden-fingerprint');
    const ctx = { grp: g, fingerprint: fp, y, questions: [{ answers: 2, min: 1, max: 1 }] };
    const b = createBallot(ctx, cred.secret, [[0, 1]], seedOf('golden-ballot'), 1);
    const a0 = b.answers[0];
    expect(toHex(cred.publicKey)).toBe(GOLDEN.credential);
    expect(toHex(g.encode(y))).toBe(GOLDEN.y);
    expect(toHex(a0?.choices[0] ?? new Uint8Array())).toBe(GOLDEN.choice0);
    expect(a0?.proofs[0]?.map(toHex)).toEqual(GOLDEN.proof0);
    expect(a0?.overall.map(toHex)).toEqual(GOLDEN.overall);
    expect(toHex(b.signature)).toBe(GOLDEN.signature);
    expect(toHex(ballotHash(b))).toBe(GOLDEN.ballotHash);
    expect(verifyBallot(ctx, b)).toHaveLength(1);
    const open = signOpenVote(g, fp, cred.secret, 1, 'yes', seedOf('golden-open'));
    expect(toHex(open)).toBe(GOLDEN.openVote);
    expect(verifyOpenVote(g, fp, cred.publicKey, 1, 'yes', open)).toBe(true);
    expect(verifyOpenVote(g, fp, cred.publicKey, 2, 'yes', open)).toBe(false);
    expect(toHex(proveTrusteeKey(g, 'golden', 1, seedOf('golden-trustee')))).toBe(GOLDEN.trusteeKeyProof);
    expect(hashToScalar(g, 'range', ['x', new Uint8Array([1, 2])]).toString(16)).toBe(GOLDEN.hashToScalar);
    expect(toHex(electorateStep(new Uint8Array(32), cred.publicKey, 12345))).toBe(GOLDEN.electorateRoot);
  });
});
