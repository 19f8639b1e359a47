import { describe, expect, it } from 'vitest';
import type { CborMap } from '../../src/ledger/index.js';
import { PointsSandbox } from '../../src/testing/index.js';
import { addProgram, refused, T0 } from '../helpers/points-world.js';

/**
 * Issue 17: the registrar (the issuer) changes an area's community worker; the old worker loses
 * the right to confirm at once, the new one is never a member, and the change is an event. Every
 * refusal: its code, no write, no event, the same state and answers.
 */

const P = 'green';

function scene(): PointsSandbox {
  const sb = new PointsSandbox({ timestamp: T0, sign: false });
  addProgram(sb, P);
  sb.ok('issuer', 'defineArea', { program: P, area: 'jinsong' });
  sb.ok('issuer', 'defineArea', { program: P, area: 'c-east', street: 'jinsong', worker: sb.addr('w1') });
  return sb;
}

const areas = (sb: PointsSandbox) => () => sb.query('areas', { program: P });
const confirm = (sb: PointsSandbox, who: string): CborMap => ({
  program: P,
  account: sb.addr(who),
  area: 'c-east',
});

describe('changing an area’s community worker', () => {
  it('the issuer replaces the worker: the old one confirms no more, the new one does; removing leaves the issuer', () => {
    const sb = scene();
    sb.ok('alice', 'setArea', { program: P, area: 'c-east' });
    const [e] = sb.ok('issuer', 'setAreaWorker', { program: P, area: 'c-east', worker: sb.addr('w2') });
    expect(e).toMatchObject({
      name: 'areaWorkerChanged',
      data: { program: P, area: 'c-east', from: sb.addr('w1'), to: sb.addr('w2'), by: sb.addr('issuer') },
    });
    refused(sb, 'w1', 'confirmArea', confirm(sb, 'alice'), 'POINTS_WRONG_ROLE', areas(sb));
    sb.ok('w2', 'confirmArea', confirm(sb, 'alice'));
    const [gone] = sb.ok('issuer', 'setAreaWorker', { program: P, area: 'c-east' });
    expect(gone?.data).toEqual({ program: P, area: 'c-east', from: sb.addr('w2'), by: sb.addr('issuer') });
    sb.ok('bob', 'setArea', { program: P, area: 'c-east' });
    refused(sb, 'w2', 'confirmArea', confirm(sb, 'bob'), 'POINTS_WRONG_ROLE', areas(sb));
    sb.ok('issuer', 'confirmArea', confirm(sb, 'bob'));
    // a street without a worker gets one
    const [first] = sb.ok('issuer', 'setAreaWorker', { program: P, area: 'jinsong', worker: sb.addr('w3') });
    expect(first?.data).toEqual({ program: P, area: 'jinsong', to: sb.addr('w3'), by: sb.addr('issuer') });
    expect(sb.audit(P).violations).toEqual([]);
  });

  it('refuses non-registrars, members as workers, unknown areas, no-change and bad args, changing nothing', () => {
    const sb = scene();
    const ans = areas(sb);
    const to = (who: string): CborMap => ({ program: P, area: 'c-east', worker: sb.addr(who) });
    refused(sb, 'w1', 'setAreaWorker', to('w2'), 'POINTS_WRONG_ROLE', ans);
    refused(sb, 'bureau', 'setAreaWorker', to('w2'), 'POINTS_WRONG_ROLE', ans);
    refused(sb, 'alice', 'setAreaWorker', to('w2'), 'POINTS_WRONG_ROLE', ans);
    refused(sb, 'issuer', 'setAreaWorker', to('alice'), 'POINTS_ROLE_CONFLICT', ans);
    refused(sb, 'issuer', 'setAreaWorker', to('w1'), 'POINTS_INVALID_STATE', ans);
    refused(sb, 'issuer', 'setAreaWorker', { program: P, area: 'jinsong' }, 'POINTS_INVALID_STATE', ans);
    refused(sb, 'issuer', 'setAreaWorker', { ...to('w2'), area: 'nowhere' }, 'POINTS_NOT_FOUND', ans);
    refused(sb, 'issuer', 'setAreaWorker', { ...to('w2'), worker: 'not an address' }, 'EXEC_BAD_ARGS', ans);
    refused(sb, 'issuer', 'setAreaWorker', { ...to('w2'), extra: 1 }, 'EXEC_BAD_ARGS', ans);
    refused(sb, 'issuer', 'setAreaWorker', { ...to('w2'), program: 'nope' }, 'POINTS_NOT_FOUND', ans);
  });
});
