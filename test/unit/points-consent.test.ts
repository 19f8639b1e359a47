import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/index.js';
import { DAY_MS, readMessage } from '../../src/modules/points/index.js';
import type { PointsSandbox } from '../../src/testing/index.js';
import { BJ_MIDNIGHT, balanceOf, claimArgs, digest, refused, world } from '../helpers/points-world.js';

/**
 * Issue 17 item 13: consent records (scope, purpose, source, version, withdrawal) with a data
 * authorisation per distributor, and members' holdings answered only to a signed read by the
 * member, the issuer, the clearing provider or a supervisor.
 */

const D = BJ_MIDNIGHT - 3 * DAY_MS;

const consent = (sb: PointsSandbox, distributor = 'dist', kinds = ['walk']) => ({
  program: 'green',
  distributor: sb.addr(distributor),
  kinds,
  purpose: 'green-travel points',
  source: 'metro card trips',
  version: 2,
  text: digest(sb, 'consent text v2'),
});

const walk = (sb: PointsSandbox, user = 'alice', from = D + 8 * 3_600_000) =>
  claimArgs(sb, 'green', user, 'walk', 2000, from, from + 3_600_000, `phone-${user}-${from}`);

describe('consent records and per-distributor authorisation', () => {
  it('takes claims only under the member’s consent to that distributor for that kind', () => {
    const sb = world(['green'], { dataConsent: true });
    sb.ok('issuer', 'grantRole', { program: 'green', role: 'distributor', account: sb.addr('dist2') });
    const a = () => ({
      alice: balanceOf(sb, 'alice'),
      c: sb.query('consents', { program: 'green', account: sb.addr('alice') }),
    });
    refused(sb, 'dist', 'claim', walk(sb), 'POINTS_NO_CONSENT', a);
    // shape and meaning of the consent itself
    refused(sb, 'alice', 'giveConsent', consent(sb, 'bob'), 'POINTS_WRONG_ROLE', a);
    refused(sb, 'alice', 'giveConsent', consent(sb, 'dist', ['swim']), 'POINTS_UNKNOWN_ACTIVITY', a);
    refused(sb, 'carol', 'giveConsent', consent(sb), 'POINTS_NOT_MEMBER', a);
    refused(sb, 'alice', 'giveConsent', { ...consent(sb), kinds: [] }, 'EXEC_BAD_ARGS', a);
    sb.ok('alice', 'giveConsent', consent(sb));
    refused(sb, 'alice', 'giveConsent', consent(sb), 'POINTS_EXISTS', a);
    sb.ok('dist', 'claim', walk(sb));
    expect(balanceOf(sb, 'alice')).toBe(5);
    // another distributor, another kind: each needs its own authorisation
    refused(sb, 'dist2', 'claim', walk(sb, 'alice', D + 10 * 3_600_000), 'POINTS_NO_CONSENT', a);
    refused(
      sb,
      'dist',
      'claim',
      claimArgs(sb, 'green', 'alice', 'parked-day', 1, D, D + DAY_MS, 'obd'),
      'POINTS_NO_CONSENT',
      a,
    );
    const c = sb.query('consents', { program: 'green', account: sb.addr('alice') }) as {
      consents: {
        distributor: string;
        kinds: string[];
        purpose: string;
        source: string;
        version: number;
        withdrawnAt: number;
      }[];
    };
    expect(c.consents).toMatchObject([
      {
        distributor: sb.addr('dist'),
        kinds: ['walk'],
        purpose: 'green-travel points',
        source: 'metro card trips',
        version: 2,
        withdrawnAt: 0,
      },
    ]);
  });

  it('withdraws a consent at once, without emptying the balance; it can be given again', () => {
    const sb = world(['green'], { dataConsent: true });
    sb.ok('alice', 'giveConsent', consent(sb));
    sb.ok('dist', 'claim', walk(sb));
    const a = () => ({ alice: balanceOf(sb, 'alice') });
    refused(
      sb,
      'alice',
      'withdrawConsent',
      { program: 'green', distributor: sb.addr('bob') },
      'POINTS_NOT_FOUND',
      a,
    );
    sb.ok('alice', 'withdrawConsent', { program: 'green', distributor: sb.addr('dist') });
    refused(
      sb,
      'alice',
      'withdrawConsent',
      { program: 'green', distributor: sb.addr('dist') },
      'POINTS_INVALID_STATE',
      a,
    );
    refused(sb, 'dist', 'claim', walk(sb, 'alice', D + 10 * 3_600_000), 'POINTS_NO_CONSENT', a);
    expect(balanceOf(sb, 'alice')).toBe(5);
    // she still spends what she holds
    sb.ok('issuer', 'grantRole', { program: 'green', role: 'platform', account: sb.addr('shop') });
    sb.ok('shop', 'listItem', { program: 'green', item: 'pen', name: 'pen', price: 5 });
    sb.ok('alice', 'redeem', { program: 'green', platform: sb.addr('shop'), item: 'pen', price: 5 });
    sb.ok('alice', 'giveConsent', consent(sb));
    sb.ok('dist', 'claim', walk(sb, 'alice', D + 10 * 3_600_000));
    const c = sb.query('consents', { program: 'green', account: sb.addr('alice') }) as {
      consents: { grants: number }[];
    };
    expect(c.consents[0]?.grants).toBe(2);
  });
});

describe('who may read a balance', () => {
  function signed(sb: PointsSandbox, reader: string, account: string, height = sb.height, sign = reader) {
    const msg = readMessage('g1', 'green', sb.addr(account), height);
    return {
      program: 'green',
      account: sb.addr(account),
      reader: toHex(sb.key(reader).publicKey),
      height: String(height),
      sig: toHex(sb.suite.sign(sb.key(sign).secretKey, msg)),
    };
  }
  const code = (sb: PointsSandbox, args: Record<string, unknown>, name = 'signedAccount') => {
    try {
      sb.query(name, args);
      return 'ok';
    } catch (e) {
      return (e as { code?: string }).code;
    }
  };

  it('answers the member, the issuer, the clearing provider and a supervisor; no one else', () => {
    const sb = world(['green'], { privateBalances: true });
    sb.ok('dist', 'claim', walk(sb));
    expect(code(sb, { program: 'green', account: sb.addr('alice') }, 'account')).toBe('POINTS_READ_DENIED');
    for (const reader of ['alice', 'issuer', 'bank', 'bureau']) {
      expect(
        (sb.query('signedAccount', signed(sb, reader, 'alice')) as { balance: number }).balance,
        reader,
      ).toBe(5);
    }
    expect(code(sb, signed(sb, 'bob', 'alice'))).toBe('POINTS_READ_DENIED');
    expect(code(sb, signed(sb, 'dist', 'alice'))).toBe('POINTS_READ_DENIED');
    // a signature by someone else's key, or for another account, does not verify
    expect(code(sb, signed(sb, 'alice', 'alice', sb.height, 'bob'))).toBe('POINTS_READ_DENIED');
    expect(code(sb, { ...signed(sb, 'alice', 'alice'), account: sb.addr('bob') })).toBe('POINTS_READ_DENIED');
    // an old signed read is not replayed
    const old = signed(sb, 'alice', 'alice');
    for (let i = 0; i < 101; i++) sb.ok('alice', 'relate', { program: 'green', with: sb.addr(`f${i}`) });
    expect(code(sb, old)).toBe('POINTS_READ_DENIED');
    expect(code(sb, signed(sb, 'alice', 'alice'))).toBe('ok');
  });

  it('leaves programs without privateBalances readable as before', () => {
    const sb = world(['green']);
    sb.ok('dist', 'claim', walk(sb));
    expect(balanceOf(sb, 'alice')).toBe(5);
  });
});
