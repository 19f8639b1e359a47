import { type Codec, defineCodec } from '../../execution/index.js';
import { ADDR_RE, ID_RE } from './types.js';

/** A time-bank service, logged by the provider and confirmed by the recipient (`svc/<program>/<id hex>`). */
export interface ServiceRecord {
  readonly id: Uint8Array;
  readonly provider: string;
  readonly recipient: string;
  readonly kind: string;
  readonly minutes: number;
  readonly status: 'logged' | 'confirmed' | 'rejected';
  readonly loggedAt: number;
  readonly closedAt: number;
  readonly credits: number;
  /** Methodology version and hash that priced the service (0 and empty until confirmed). */
  readonly methodology: number;
  readonly methodologyHash: Uint8Array;
}

/** The one codec of a service record. */
export const serviceCodec: Codec<ServiceRecord> = defineCodec<ServiceRecord>(
  'service',
  [
    'id',
    'provider',
    'recipient',
    'kind',
    'minutes',
    'status',
    'loggedAt',
    'closedAt',
    'credits',
    'methodology',
    'methodologyHash',
  ],
  (s) => ({
    id: s.id,
    provider: s.provider,
    recipient: s.recipient,
    kind: s.kind,
    minutes: s.minutes,
    status: s.status,
    loggedAt: s.loggedAt,
    closedAt: s.closedAt,
    credits: s.credits,
    methodology: s.methodology,
    methodologyHash: s.methodologyHash,
  }),
  (r) => {
    const methodologyHash = r.bytes('methodologyHash', undefined, 32);
    if (methodologyHash.length !== 0 && methodologyHash.length !== 32) {
      r.fail('methodologyHash', 'empty or 32 bytes');
    }
    return {
      id: r.digest('id'),
      provider: r.match('provider', ADDR_RE, 'an account address', 128),
      recipient: r.match('recipient', ADDR_RE, 'an account address', 128),
      kind: r.match('kind', ID_RE, 'an activity kind', 48),
      minutes: r.uint('minutes'),
      status: r.oneOf('status', ['logged', 'confirmed', 'rejected'] as const),
      loggedAt: r.uint('loggedAt'),
      closedAt: r.uint('closedAt'),
      credits: r.uint('credits'),
      methodology: r.uint('methodology'),
      methodologyHash,
    };
  },
);
