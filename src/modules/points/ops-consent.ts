import { GongzhiError } from '../../errors/index.js';
import { readArgs, S, stringListCodec } from '../../execution/index.js';
import { readAddr, readId, schemas } from './args.js';
import { consentCodec } from './consent.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { pointsMethod } from './method.js';
import { methodologyCodec } from './methodology.js';
import { MAX_RULES, type Program } from './types.js';

/**
 * Consent records and per-distributor data authorisation (issue 17, item 13). In a program with
 * `dataConsent`, a distributor reports a member's activity only under her consent to that
 * distributor for that kind; she withdraws it whenever she likes, without emptying her balance.
 */

interface GiveArgs {
  readonly program: string;
  readonly distributor: string;
  readonly kinds: readonly string[];
  readonly purpose: string;
  readonly source: string;
  readonly version: number;
  readonly text: Uint8Array;
}

const giveConsent = pointsMethod<GiveArgs>({
  summary: 'Authorise a distributor to report activities of the kinds named, for a purpose (the member)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      distributor: schemas.addr('the distributor authorised'),
      kinds: S.Array(schemas.id('activity kind'), { minItems: 1, maxItems: MAX_RULES, uniqueItems: true }),
      purpose: S.String({ minLength: 1, maxLength: 256, description: 'what the data is used for' }),
      source: S.String({ minLength: 1, maxLength: 256, description: 'where the data comes from' }),
      version: S.Integer({ minimum: 1, maximum: 1e9, description: 'version of the consent text' }),
      text: schemas.digest('digest of the consent text agreed to'),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'distributor', 'kinds', 'purpose', 'source', 'version', 'text']);
    const kinds = a.strs('kinds', MAX_RULES, 48, true);
    if (kinds.length === 0) a.fail('kinds', 'at least one activity kind');
    const version = a.uint('version', 1e9);
    if (version < 1) a.fail('version', '≥ 1');
    return {
      program: readId(a, 'program'),
      distributor: readAddr(a, 'distributor'),
      kinds,
      purpose: a.str('purpose', 256),
      source: a.str('source', 256),
      version,
      text: a.digest('text'),
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireMember(p, env.sender);
    env.requireRole(p, 'distributor', a.distributor);
    const inForce = env.read(keys.methodology(p.id, p.methodology), methodologyCodec);
    const measured = new Set((inForce?.rules ?? []).map((r) => r.kind));
    const unknown = a.kinds.filter((k) => !measured.has(k));
    if (unknown.length > 0) {
      throw new GongzhiError('POINTS_UNKNOWN_ACTIVITY', `the methodology measures no ${unknown.join(', ')}`, {
        program: p.id,
        kind: unknown.join(','),
      });
    }
    const key = keys.consent(p.id, env.sender, a.distributor);
    const old = env.read(key, consentCodec);
    if (old !== undefined && old.withdrawnAt === 0) {
      throw new GongzhiError(
        'POINTS_EXISTS',
        'a consent to this distributor is in force: withdraw it first',
        {
          program: p.id,
          distributor: a.distributor,
        },
      );
    }
    env.write(key, consentCodec, {
      kinds: [...a.kinds].sort(),
      purpose: a.purpose,
      source: a.source,
      version: a.version,
      text: a.text,
      grantedAt: env.height,
      withdrawnAt: 0,
      grants: (old?.grants ?? 0) + 1,
    });
    if (old === undefined) {
      const listKey = keys.consentList(p.id, env.sender);
      const list = env.read(listKey, stringListCodec) ?? [];
      if (list.length >= 64) throw new GongzhiError('POINTS_LIMIT', 'at most 64 distributors per member');
      env.write(listKey, stringListCodec, [...list, a.distributor]);
    }
    env.emit('consentGiven', {
      program: p.id,
      member: env.sender,
      distributor: a.distributor,
      version: a.version,
    });
  },
});

/** The member (or a former member) withdraws a consent: nothing else is needed, her points stay hers. */
const withdrawConsent = pointsMethod<{ program: string; distributor: string }>({
  summary: 'Withdraw a data authorisation of a distributor (the member; her balance is untouched)',
  args: S.Object(
    { program: schemas.id('program id'), distributor: schemas.addr('the distributor') },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'distributor']);
    return { program: readId(a, 'program'), distributor: readAddr(a, 'distributor') };
  },
  run: (env, a) => {
    const p = env.program(a.program);
    const key = keys.consent(p.id, env.sender, a.distributor);
    const c = env.read(key, consentCodec);
    if (c === undefined) {
      throw new GongzhiError('POINTS_NOT_FOUND', 'no consent to this distributor', { program: p.id });
    }
    if (c.withdrawnAt !== 0) {
      throw new GongzhiError('POINTS_INVALID_STATE', 'the consent was withdrawn already', { program: p.id });
    }
    env.write(key, consentCodec, { ...c, withdrawnAt: env.height });
    env.emit('consentWithdrawn', { program: p.id, member: env.sender, distributor: a.distributor });
  },
});

export const consentMethods = { giveConsent, withdrawConsent };

/** In a `dataConsent` program: POINTS_NO_CONSENT unless `user` authorises `distributor` for `kind`. */
export function requireDataConsent(
  env: Env,
  p: Program,
  user: string,
  distributor: string,
  kind: string,
): void {
  if (!p.dataConsent) return;
  const c = env.read(keys.consent(p.id, user, distributor), consentCodec);
  if (c === undefined || c.withdrawnAt !== 0 || !c.kinds.includes(kind)) {
    throw new GongzhiError(
      'POINTS_NO_CONSENT',
      'the member has not authorised this distributor for this activity',
      {
        program: p.id,
        distributor,
        kind,
        withdrawn: c !== undefined && c.withdrawnAt !== 0 ? 1 : 0,
      },
    );
  }
}
