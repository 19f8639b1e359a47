import { describe, expect, it } from 'vitest';
import { decodeCanonical, encodeCanonical } from '../../src/encoding/index.js';
import { pointsKeys } from '../../src/modules/points/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { addProgram, refused, T0 } from '../helpers/points-world.js';

/**
 * Issue 17: areas members set themselves before confirmation existed stay on their holdings with no
 * move record. `unconfirmedAreas` lists them (and any area whose last move was not made by an
 * accountable party) so a supervisor can have them re-confirmed; the query changes nothing.
 */

const P = 'green';

function scene(): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0, sign: false });
  addProgram(sb, P);
  sb.ok('issuer', 'defineArea', { program: P, area: 'c-east' });
  sb.ok('issuer', 'defineArea', { program: P, area: 'c-west', worker: sb.addr('w1') });
  return sb;
}

/** What the old `setArea` did: the member's own word written on her holdings, no move recorded. */
function legacyArea(sb: PointsSandbox, who: string, area: string): void {
  const key = pointsKeys.holder(P, sb.addr(who));
  const h = decodeCanonical(sb.chain.state.get(key) as Uint8Array) as Record<string, unknown>;
  sb.chain.state.set(key, encodeCanonical({ ...h, area }));
}

const unconfirmed = (sb: PointsSandbox, args: Record<string, unknown> = {}) =>
  sb.query('unconfirmedAreas', { program: P, ...args }) as {
    scanned: number;
    next: number;
    members: { account: string; area: string; moves: number }[];
  };

describe('areas set before confirmation existed', () => {
  it('are listed until the issuer or the area’s worker confirms them; pending requests are not areas', () => {
    const sb = scene();
    legacyArea(sb, 'alice', 'c-east');
    sb.ok('bob', 'setArea', { program: P, area: 'c-east' });
    const before = sb.snapshot();
    const q = unconfirmed(sb);
    expect(sb.snapshot()).toEqual(before);
    expect(q).toMatchObject({ program: P, scanned: 2, next: 2 });
    expect(q.members).toEqual([{ account: sb.addr('alice'), area: 'c-east', moves: 0 }]);
    // paging: the first member only, then the rest
    expect(unconfirmed(sb, { limit: '1' })).toMatchObject({ scanned: 1, next: 1 });
    expect(unconfirmed(sb, { offset: '1' }).members).toEqual([]);
    // the issuer re-confirms her self-declared area: a recorded move, from and to the same area
    const [moved] = sb.ok('issuer', 'confirmArea', { program: P, account: sb.addr('alice'), area: 'c-east' });
    expect(moved?.data).toMatchObject({ from: 'c-east', to: 'c-east', move: 1 });
    sb.ok('issuer', 'confirmArea', { program: P, account: sb.addr('bob'), area: 'c-east' });
    expect(unconfirmed(sb).members).toEqual([]);
    // confirmed now: confirming it again is refused, changing nothing
    const args = { program: P, account: sb.addr('alice'), area: 'c-east' };
    refused(sb, 'issuer', 'confirmArea', args, 'POINTS_INVALID_STATE', () => unconfirmed(sb));
    // a legacy area written over a confirmed one (the last move names another area) is listed
    // again, and the area's worker may re-confirm it (her declaration stands as her request)
    legacyArea(sb, 'bob', 'c-west');
    expect(unconfirmed(sb).members).toEqual([{ account: sb.addr('bob'), area: 'c-west', moves: 1 }]);
    // … but not for a member who neither declared nor asked for that area
    refused(
      sb,
      'w1',
      'confirmArea',
      { program: P, account: sb.addr('alice'), area: 'c-west' },
      'POINTS_INVALID_STATE',
      () => unconfirmed(sb),
    );
    sb.ok('w1', 'confirmArea', { program: P, account: sb.addr('bob'), area: 'c-west' });
    expect(unconfirmed(sb).members).toEqual([]);
    expect(sb.audit(P).violations).toEqual([]);
  });

  it('an unknown program or a bad page is refused with its code', () => {
    const sb = scene();
    expect(() => sb.query('unconfirmedAreas', { program: 'nope' })).toThrow(
      expect.objectContaining({ code: 'POINTS_NOT_FOUND' }),
    );
    expect(() => sb.query('unconfirmedAreas', { program: P, limit: '100000' })).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/BAD|ARGS|QUERY/) }),
    );
  });
});
