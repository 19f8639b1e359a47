import { type Codec, defineCodec } from '../../execution/index.js';
import { ID_RE, MAX_RULES } from './types.js';

/**
 * A member's data authorisation of one distributor (`consent/<program>/<member>/<distributor>`),
 * as PIPL asks of a consent: its scope (the activity kinds the distributor may report for her),
 * purpose, data source, the version and digest of the text she agreed to, when it was given and
 * when withdrawn. Withdrawing stops that distributor's claims at once; her balance is untouched.
 */
export interface ConsentRecord {
  readonly kinds: readonly string[];
  readonly purpose: string;
  readonly source: string;
  readonly version: number;
  readonly text: Uint8Array;
  readonly grantedAt: number;
  readonly withdrawnAt: number;
  /** How many times she gave this consent (a re-grant replaces the record, this counts on). */
  readonly grants: number;
}

export const consentCodec: Codec<ConsentRecord> = defineCodec<ConsentRecord>(
  'consent',
  ['kinds', 'purpose', 'source', 'version', 'text', 'grantedAt', 'withdrawnAt', 'grants'],
  (c) => ({
    kinds: [...c.kinds],
    purpose: c.purpose,
    source: c.source,
    version: c.version,
    text: c.text,
    grantedAt: c.grantedAt,
    withdrawnAt: c.withdrawnAt,
    grants: c.grants,
  }),
  (r) => {
    const kinds = r.strs('kinds', MAX_RULES, 48, true);
    if (kinds.some((k) => !ID_RE.test(k))) r.fail('kinds', 'activity kinds');
    return {
      kinds,
      purpose: r.str('purpose', 256),
      source: r.str('source', 256),
      version: r.uint('version'),
      text: r.digest('text'),
      grantedAt: r.uint('grantedAt'),
      withdrawnAt: r.uint('withdrawnAt'),
      grants: r.uint('grants'),
    };
  },
);
