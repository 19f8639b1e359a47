import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/index.js';
import { DAY_MS } from '../../src/modules/points/index.js';
import type { PointsSandbox } from '../../src/testing/index.js';
import { BJ_MIDNIGHT, balanceOf, claimArgs, digest, HOUR, refused, world } from '../helpers/points-world.js';

/**
 * Issue 17 item 2: the shared device registry. A reduction counts once across device digests and
 * programmes (indexed by asset, or by person for a shared camera); every refusal leaves the state
 * and the answers as they were.
 */

const D = BJ_MIDNIGHT - 3 * DAY_MS;
const REG = { registeredDevices: true };

function register(sb: PointsSandbox, program: string, device: string, asset: string, member?: string): void {
  sb.ok('dist', 'registerDevice', {
    program,
    device: digest(sb, device),
    asset: digest(sb, asset),
    measuredBy: 'obd-v2',
    ...(member === undefined ? {} : { member: sb.addr(member) }),
  });
  if (member !== undefined)
    sb.ok(member, 'bindDevice', { device: digest(sb, device), consent: digest(sb, 'ok') });
}

const answers = (sb: PointsSandbox) => () => ({
  green: balanceOf(sb, 'alice', 'green'),
  blue: balanceOf(sb, 'alice', 'blue'),
  bob: balanceOf(sb, 'bob', 'green'),
  day: sb.query('claimed', { asset: toHex(digest(sb, 'plate-A')), day: String(Math.floor(D / DAY_MS)) }),
});

describe('points device registry: one reduction, one award', () => {
  it('refuses the same car under a new device digest', () => {
    const sb = world(['green', 'blue'], REG);
    register(sb, 'green', 'obd-1', 'plate-A', 'alice');
    sb.ok('dist', 'claim', claimArgs(sb, 'green', 'alice', 'parked-day', 1, D, D + DAY_MS, 'obd-1'));
    expect(balanceOf(sb, 'alice', 'green')).toBe(60);
    const second = {
      program: 'green',
      device: digest(sb, 'obd-2'),
      asset: digest(sb, 'plate-A'),
      measuredBy: 'x',
    };
    // while obd-1 is bound, the car cannot take a second device
    refused(
      sb,
      'dist',
      'registerDevice',
      { ...second, member: sb.addr('alice') },
      'POINTS_DEVICE_CONFLICT',
      answers(sb),
    );
    // released (new box), the car's claimed day stays claimed under the new digest
    sb.ok('alice', 'releaseDevice', { device: digest(sb, 'obd-1') });
    register(sb, 'green', 'obd-2', 'plate-A', 'alice');
    refused(
      sb,
      'dist',
      'claim',
      claimArgs(sb, 'green', 'alice', 'parked-day', 1, D, D + DAY_MS, 'obd-2'),
      'POINTS_DUPLICATE_CLAIM',
      answers(sb),
    );
    sb.ok(
      'dist',
      'claim',
      claimArgs(sb, 'green', 'alice', 'parked-day', 1, D + DAY_MS, D + 2 * DAY_MS, 'obd-2'),
    );
    expect(balanceOf(sb, 'alice', 'green')).toBe(120);
    // the released device claims nothing any more
    refused(
      sb,
      'dist',
      'claim',
      claimArgs(sb, 'green', 'alice', 'walk', 1000, D - HOUR, D, 'obd-1'),
      'POINTS_DEVICE_UNREGISTERED',
      answers(sb),
    );
  });

  it('refuses the same car in a second programme, also for a part of the day', () => {
    const sb = world(['green', 'blue'], REG);
    register(sb, 'green', 'obd-1', 'plate-A', 'alice');
    sb.ok('dist', 'claim', claimArgs(sb, 'green', 'alice', 'parked-day', 1, D, D + DAY_MS, 'obd-1'));
    for (const [from, to] of [
      [D, D + DAY_MS],
      [D + 20 * HOUR, D + 28 * HOUR],
    ] as const) {
      refused(
        sb,
        'dist',
        'claim',
        claimArgs(sb, 'blue', 'alice', 'parked-day', 1, from, to, 'obd-1'),
        'POINTS_DUPLICATE_CLAIM',
        answers(sb),
      );
    }
    expect(balanceOf(sb, 'alice', 'blue')).toBe(0);
    sb.ok(
      'dist',
      'claim',
      claimArgs(sb, 'blue', 'alice', 'parked-day', 1, D + DAY_MS, D + 2 * DAY_MS, 'obd-1'),
    );
    expect(balanceOf(sb, 'alice', 'blue')).toBe(60);
  });

  it('lets one camera record simultaneous acts of different people, once per person across cameras', () => {
    const sb = world(['green', 'blue']);
    register(sb, 'green', 'cam-1', 'crossing-1');
    register(sb, 'blue', 'cam-2', 'crossing-2');
    const walk = (program: string, who: string, cam: string, from = D + 8 * HOUR) =>
      claimArgs(sb, program, who, 'walk', 2000, from, from + HOUR, cam);
    sb.ok('dist', 'claim', walk('green', 'alice', 'cam-1'));
    sb.ok('dist', 'claim', walk('green', 'bob', 'cam-1'));
    refused(sb, 'dist', 'claim', walk('blue', 'alice', 'cam-2'), 'POINTS_DUPLICATE_CLAIM', answers(sb));
    sb.ok('dist', 'claim', walk('blue', 'bob', 'cam-2', D + 9 * HOUR));
    expect([balanceOf(sb, 'alice'), balanceOf(sb, 'bob'), balanceOf(sb, 'bob', 'blue')]).toEqual([5, 5, 5]);
  });

  it('merges back-to-back claims into one interval of the index', () => {
    const sb = world(['green'], REG);
    register(sb, 'green', 'obd-1', 'plate-A', 'alice');
    for (let h = 8; h < 12; h++) {
      sb.ok(
        'dist',
        'claim',
        claimArgs(sb, 'green', 'alice', 'walk', 1000, D + h * HOUR, D + (h + 1) * HOUR, 'obd-1'),
      );
    }
    const day = Math.floor((D + 8 * HOUR) / DAY_MS);
    const q = sb.query('claimed', { asset: toHex(digest(sb, 'plate-A')), day: String(day) }) as {
      intervals: number[][];
    };
    expect(q.intervals).toEqual([[D + 8 * HOUR, D + 12 * HOUR]]);
  });

  it('refuses claims from unregistered, unbound or someone else’s devices', () => {
    const sb = world(['green', 'blue'], REG);
    const a = answers(sb);
    refused(
      sb,
      'dist',
      'claim',
      claimArgs(sb, 'green', 'alice', 'parked-day', 1, D, D + DAY_MS, 'obd-x'),
      'POINTS_DEVICE_UNREGISTERED',
      a,
    );
    sb.ok('dist', 'registerDevice', {
      program: 'green',
      device: digest(sb, 'obd-1'),
      asset: digest(sb, 'plate-A'),
      measuredBy: 'obd',
      member: sb.addr('alice'),
    });
    const c = claimArgs(sb, 'green', 'alice', 'parked-day', 1, D, D + DAY_MS, 'obd-1');
    refused(sb, 'dist', 'claim', c, 'POINTS_NO_CONSENT', a);
    sb.ok('alice', 'bindDevice', { device: digest(sb, 'obd-1'), consent: digest(sb, 'ok') });
    refused(
      sb,
      'dist',
      'claim',
      claimArgs(sb, 'green', 'bob', 'parked-day', 1, D, D + DAY_MS, 'obd-1'),
      'POINTS_DEVICE_CONFLICT',
      a,
    );
    const d = sb.query('device', { device: toHex(digest(sb, 'obd-1')) }) as Record<string, unknown>;
    expect([d.status, d.member, d.shared]).toEqual(['active', sb.addr('alice'), false]);
  });

  it('refuses bad registry calls with their codes and no state change', () => {
    const sb = world(['green']);
    const dev = digest(sb, 'obd-1');
    const reg = {
      program: 'green',
      device: dev,
      asset: digest(sb, 'plate-A'),
      measuredBy: 'obd',
      member: sb.addr('alice'),
    };
    const a = () => sb.query('programs');
    refused(sb, 'alice', 'registerDevice', reg, 'POINTS_WRONG_ROLE', a);
    refused(sb, 'dist', 'registerDevice', { ...reg, member: sb.addr('carol') }, 'POINTS_NOT_MEMBER', a);
    refused(sb, 'dist', 'registerDevice', { ...reg, program: 'nope' }, 'POINTS_NOT_FOUND', a);
    refused(sb, 'dist', 'registerDevice', { ...reg, device: 'ab' }, 'EXEC_BAD_ARGS', a);
    refused(sb, 'alice', 'bindDevice', { device: dev, consent: dev }, 'POINTS_NOT_FOUND', a);
    sb.ok('dist', 'registerDevice', reg);
    refused(sb, 'dist', 'registerDevice', { ...reg, asset: digest(sb, 'plate-B') }, 'POINTS_EXISTS', a);
    refused(sb, 'bob', 'bindDevice', { device: dev, consent: dev }, 'POINTS_WRONG_ROLE', a);
    refused(sb, 'bob', 'releaseDevice', { device: dev }, 'POINTS_WRONG_ROLE', a);
    sb.ok('alice', 'bindDevice', { device: dev, consent: dev });
    refused(sb, 'alice', 'bindDevice', { device: dev, consent: dev }, 'POINTS_INVALID_STATE', a);
    sb.ok('dist', 'releaseDevice', { device: dev });
    refused(sb, 'alice', 'releaseDevice', { device: dev }, 'POINTS_INVALID_STATE', a);
  });
});
