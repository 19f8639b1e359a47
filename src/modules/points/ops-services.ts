import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import { readAddr, readAmount, readId, schemas } from './args.js';
import { localDay } from './day-use.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { pointsMethod } from './method.js';
import { measure } from './methodology.js';
import { numMapCodec } from './num-map.js';
import { methodologyAt } from './ops-earn.js';
import { type ServiceRecord, serviceCodec } from './service.js';
import type { Program } from './types.js';

/** Minutes in a day: what one provider can give on one local day at most. */
const DAY_MINUTES = 1440;

/**
 * Services move points between members, so only programs made for them (a time bank: no money,
 * `serviceMaxMinutes` > 0) take them — elsewhere a "service" would be a transfer in disguise —
 * and each within the program's per-service limit and 24 h per provider per local day.
 */
function requireServices(env: Env, p: Program, minutes: number): void {
  if (p.serviceMaxMinutes === 0) {
    throw new GongzhiError(
      'POINTS_TRANSFER_NOT_ALLOWED',
      'this program takes no services (not a time bank)',
      {
        program: p.id,
      },
    );
  }
  if (minutes > p.serviceMaxMinutes) {
    throw new GongzhiError('POINTS_IMPLAUSIBLE_CLAIM', 'a service is longer than the program allows', {
      program: p.id,
      minutes,
      serviceMaxMinutes: p.serviceMaxMinutes,
    });
  }
  const key = keys.serviceDay(p.id, env.sender, localDay(p, env.ts));
  const used = env.read(key, numMapCodec) ?? {};
  const total = (used.min ?? 0) + minutes;
  if (total > DAY_MINUTES) {
    throw new GongzhiError('POINTS_IMPLAUSIBLE_CLAIM', 'a provider logs at most 24 h of services a day', {
      program: p.id,
      minutes: total,
    });
  }
  env.write(key, numMapCodec, { min: total });
}

// ---- services (time bank): logged by the provider, confirmed by the recipient ------------------

/** The provider logs a service given to another member (first of the two confirmations). */
const logService = pointsMethod<{
  program: string;
  id: Uint8Array;
  recipient: string;
  minutes: number;
  kind: string;
}>({
  summary: 'Log a service given to another member, to be confirmed by her (time bank; the provider)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      id: schemas.digest('the service’s id, chosen by the provider'),
      recipient: schemas.addr('the member served'),
      minutes: schemas.amount('duration in minutes'),
      kind: schemas.id('activity kind of the methodology'),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'id', 'recipient', 'minutes', 'kind']);
    return {
      program: readId(a, 'program'),
      id: a.digest('id'),
      recipient: readAddr(a, 'recipient'),
      minutes: readAmount(a, 'minutes'),
      kind: readId(a, 'kind'),
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireMember(p, env.sender);
    env.requireMember(p, a.recipient);
    if (a.recipient === env.sender) {
      throw new GongzhiError('POINTS_BAD_AMOUNT', 'a service needs two different members');
    }
    requireServices(env, p, a.minutes);
    const key = keys.service(p.id, toHex(a.id));
    if (env.has(key)) {
      throw new GongzhiError('POINTS_DUPLICATE_CLAIM', 'this service is already logged', { program: p.id });
    }
    const m = methodologyAt(env, p, env.ts);
    measure(m, { kind: a.kind, variant: 'default', quantity: a.minutes, periodStart: 0, periodEnd: 1 });
    env.write(key, serviceCodec, {
      id: a.id,
      provider: env.sender,
      recipient: a.recipient,
      kind: a.kind,
      minutes: a.minutes,
      status: 'logged',
      loggedAt: env.height,
      closedAt: 0,
      credits: 0,
      methodology: 0,
      methodologyHash: new Uint8Array(0),
    });
    env.emit('serviceLogged', {
      program: p.id,
      id: a.id,
      provider: env.sender,
      recipient: a.recipient,
      minutes: a.minutes,
    });
  },
});

const serviceArgs = S.Object(
  { program: schemas.id('program id'), id: schemas.digest('the service’s id') },
  { additionalProperties: false },
);

function parseServiceArgs(v: CborMap): { program: string; id: Uint8Array } {
  const a = readArgs(v, ['program', 'id']);
  return { program: readId(a, 'program'), id: a.digest('id') };
}

function loggedService(env: Env, p: Program, id: Uint8Array): ServiceRecord {
  const s = env.read(keys.service(p.id, toHex(id)), serviceCodec);
  if (s === undefined) throw new GongzhiError('POINTS_NOT_FOUND', 'no such service', { program: p.id });
  if (s.status !== 'logged') {
    throw new GongzhiError('POINTS_INVALID_STATE', `service is ${s.status}`, { program: p.id });
  }
  return s;
}

/**
 * The recipient confirms: the methodology turns minutes into credits (e.g. quarter-hour rounding,
 * 1 h = 1 credit) and they move from the recipient to the provider — into debt down to the
 * program's debt limit (mutual credit: the members' sum stays zero).
 */
const confirmService = pointsMethod<{ program: string; id: Uint8Array }>({
  summary: 'Confirm a logged service: its credits move from the recipient to the provider (the recipient)',
  args: serviceArgs,
  parse: parseServiceArgs,
  run: (env, a) => {
    const p = env.active(a.program);
    const s = loggedService(env, p, a.id);
    if (s.recipient !== env.sender) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'only the recipient confirms a service', { program: p.id });
    }
    env.requireMember(p, s.recipient);
    env.requireMember(p, s.provider);
    const m = methodologyAt(env, p, env.ts);
    const { points } = measure(m, {
      kind: s.kind,
      variant: 'default',
      quantity: s.minutes,
      periodStart: 0,
      periodEnd: 1,
    });
    const books = env.booksOf(p);
    if (points > 0) {
      books.lots.prepareSpend(s.recipient, points, true);
      books.journal.begin('service', toHex(a.id));
      books.lots.give(s.provider, books.lots.take(s.recipient, points));
      books.journal.end();
    }
    env.write(keys.service(p.id, toHex(a.id)), serviceCodec, {
      ...s,
      status: 'confirmed',
      closedAt: env.height,
      credits: points,
      methodology: m.version,
      methodologyHash: m.hash,
    });
    books.aggregates.add('services', 1);
    books.aggregates.add('transferred', points);
    env.emit('serviceConfirmed', {
      program: p.id,
      id: a.id,
      provider: s.provider,
      recipient: s.recipient,
      credits: points,
      methodology: m.version,
      methodologyHash: m.hash,
    });
  },
});

/** Either side withdraws a logged, unconfirmed service. */
const rejectService = pointsMethod<{ program: string; id: Uint8Array }>({
  summary: 'Withdraw a logged, unconfirmed service (either side)',
  args: serviceArgs,
  parse: parseServiceArgs,
  run: (env, a) => {
    const p = env.active(a.program);
    const s = loggedService(env, p, a.id);
    if (s.recipient !== env.sender && s.provider !== env.sender) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'only the two sides may reject a service', {
        program: p.id,
      });
    }
    env.write(keys.service(p.id, toHex(a.id)), serviceCodec, {
      ...s,
      status: 'rejected',
      closedAt: env.height,
    });
    env.emit('serviceRejected', { program: p.id, id: a.id, by: env.sender });
  },
});

export const serviceMethods = { logService, confirmService, rejectService };
