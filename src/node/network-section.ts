import { GongzhiError } from '../errors/index.js';
import { ShapeReader } from '../ledger/index.js';
import type { NetworkOptions } from './network-options.js';

const FIELDS = [
  'servers',
  'user',
  'pass',
  'tls',
  'replicas',
  'duplicateWindowMs',
  'maxAgeMs',
  'inboxPrefix',
  'peers',
  'quorumPercent',
  'publishBudgetMs',
  'relayMaxAgeMs',
] as const;

/** ms fields: a positive integer, at most a day (a longer timer is a typo, and overflows setTimeout). */
const MAX_MS = 86_400_000;

/**
 * The `network` section of a node config, read strictly: exactly the known fields, each of its
 * kind and range, or CONFIG_INVALID naming the field (a mistyped `quorumPrecent` or a string where
 * a number belongs used to pass through and be ignored or misread at run time).
 */
export function readNetworkSection(v: unknown, path: string): NetworkOptions {
  try {
    const r = ShapeReader.of(v, FIELDS, 'CONFIG_INVALID', 'network');
    const servers = r.strs('servers', 64, 2048, true);
    if (servers.length === 0) r.fail('servers', 'a non-empty list of NATS URLs');
    for (const s of servers) {
      if (!URL.canParse(s)) r.fail('servers', `a list of NATS URLs ("${s}" is not one)`);
    }
    const peers = r.has('peers') ? r.strs('peers', 256, 2048, true) : undefined;
    for (const p of peers ?? []) {
      if (!URL.canParse(p) || !/^https?:$/.test(new URL(p).protocol)) {
        r.fail('peers', `a list of http(s) URLs of other nodes' APIs ("${p}" is not one)`);
      }
    }
    const ms = (field: (typeof FIELDS)[number]): number | undefined => {
      if (!r.has(field)) return undefined;
      const n = r.uint(field, MAX_MS);
      if (n < 1) r.fail(field, `an integer of ms in 1..${MAX_MS}`);
      return n;
    };
    const tls = r.has('tls') ? r.nested('tls', ['ca', 'cert', 'key']) : undefined;
    const replicas = r.has('replicas') ? r.uint('replicas', 5) : undefined;
    if (replicas === 0) r.fail('replicas', 'an integer in 1..5');
    const quorum = r.has('quorumPercent') ? r.uint('quorumPercent', 100) : undefined;
    if (quorum === 0) r.fail('quorumPercent', 'an integer in 1..100');
    const out: { -readonly [K in keyof NetworkOptions]: NetworkOptions[K] } = { servers };
    const user = r.optStr('user');
    if (user !== undefined) out.user = user;
    const pass = r.optStr('pass', 1024);
    if (pass !== undefined) out.pass = pass;
    if (tls) {
      const cert = tls.optStr('cert', 4096);
      const key = tls.optStr('key', 4096);
      out.tls = {
        ca: tls.str('ca', 4096),
        ...(cert === undefined ? {} : { cert }),
        ...(key === undefined ? {} : { key }),
      };
    }
    if (replicas !== undefined) out.replicas = replicas;
    const dup = ms('duplicateWindowMs');
    if (dup !== undefined) out.duplicateWindowMs = dup;
    if (r.has('maxAgeMs')) out.maxAgeMs = r.uint('maxAgeMs');
    if (r.has('inboxPrefix')) out.inboxPrefix = r.str('inboxPrefix');
    if (peers !== undefined) out.peers = peers;
    if (quorum !== undefined) out.quorumPercent = quorum;
    const budget = ms('publishBudgetMs');
    if (budget !== undefined) out.publishBudgetMs = budget;
    const relay = ms('relayMaxAgeMs');
    if (relay !== undefined) out.relayMaxAgeMs = relay;
    return out;
  } catch (e) {
    if (e instanceof GongzhiError) throw new GongzhiError(e.code, e.message, { ...e.details, path });
    throw e;
  }
}
