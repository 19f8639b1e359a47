import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import { parseIdKey, schemas } from './args.js';
import {
  ACTIONS,
  type Action,
  EVENT_TYPES,
  type EventId,
  type EventType,
  ID_ROLES,
  type IdRole,
  MAX_IDS,
  readEventId,
} from './items.js';
import { bizStepUri } from './vocabulary.js';

/** Largest quantity one identifier may carry (a million tonnes): products stay safe integers. */
export const MAX_GRAMS = 1_000_000_000_000;

/** Arguments of `trace.record`: the event's summary (the full event stays with the recorder's node). */
export interface RecordArgs {
  readonly hash: Uint8Array;
  readonly type: EventType;
  readonly action?: Action;
  readonly eventTime: number;
  readonly bizStep: string;
  readonly disposition?: string;
  readonly location?: string;
  readonly season?: string;
  /** The destination party's key (`417/<gln>`): a shipment is received only by that party. */
  readonly destination?: string;
  readonly ids: readonly EventId[];
}

/** Which roles each event type carries (EPCIS 2.0 §7.4). */
const ROLES: Readonly<Record<EventType, readonly IdRole[]>> = {
  ObjectEvent: ['epc', 'quantity'],
  AggregationEvent: ['parent', 'child'],
  TransformationEvent: ['input', 'output'],
  AssociationEvent: ['parent', 'child'],
  TransactionEvent: ['epc', 'quantity', 'parent'],
};

const FIELDS = [
  'hash',
  'type',
  'action',
  'eventTime',
  'bizStep',
  'disposition',
  'location',
  'season',
  'destination',
  'ids',
];

/** A party key: `417/<GLN-13>`, the check digit verified (TRACE_BAD_GTIN) — how EPCIS names parties. */
export const PARTY_KEY = /^417\/([0-9]{13})$/;

/**
 * Parse `trace.record` arguments: shapes (EXEC_BAD_ARGS), identifier keys (TRACE_BAD_ID, and
 * TRACE_BAD_GTIN for a wrong check digit), one entry per identifier, roles that fit the type.
 */
export function parseRecordArgs(v: CborMap | CborValue | undefined): RecordArgs {
  const r = readArgs(v, FIELDS);
  const type = r.oneOf('type', EVENT_TYPES);
  const action = r.has('action') ? r.oneOf('action', ACTIONS) : undefined;
  if ((type === 'TransformationEvent') !== (action === undefined)) {
    r.fail(
      'action',
      type === 'TransformationEvent' ? 'absent for a TransformationEvent' : 'ADD, OBSERVE or DELETE',
    );
  }
  const stepText = r.str('bizStep', 256);
  const bizStep = bizStepUri(stepText) ?? r.fail('bizStep', 'a CBV bizStep term or URI');
  const location = r.has('location') ? r.str('location', 200) : undefined;
  if (location !== undefined && parseIdKey(location, 'location').kind !== 'gln') {
    throw new GongzhiError('TRACE_BAD_ID', 'location must be a GLN key (414/<gln>[/254/<ext>])', {
      field: 'location',
    });
  }
  const destination = r.has('destination') ? r.str('destination', 20) : undefined;
  const party = destination === undefined ? undefined : PARTY_KEY.exec(destination)?.[1];
  if (destination !== undefined) {
    if (party === undefined) {
      throw new GongzhiError('TRACE_BAD_ID', 'destination must be a party key (417/<gln>)', {
        field: 'destination',
      });
    }
    parseIdKey(`414/${party}`, 'destination');
  }
  const ids = r.list('ids', MAX_IDS, (x, at) => readEventId(r, x, at));
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    const at = `ids[${i}]`;
    parseIdKey(id.key, `${at}.key`);
    if (seen.has(id.key)) r.fail('ids', `one entry per identifier (${id.key} twice)`);
    seen.add(id.key);
    if (!ROLES[type].includes(id.role))
      r.fail(`${at}.role`, `one of ${ROLES[type].join(', ')} for a ${type}`);
    if ((id.grams ?? 0) > MAX_GRAMS || (id.units ?? 0) > MAX_GRAMS)
      r.fail(`${at}`, `a quantity ≤ ${MAX_GRAMS}`);
  });
  return {
    hash: r.digest('hash'),
    type,
    ...(action === undefined ? {} : { action }),
    eventTime: r.uint('eventTime'),
    bizStep,
    ...(r.has('disposition') ? { disposition: r.str('disposition', 256) } : {}),
    ...(location === undefined ? {} : { location }),
    ...(r.has('season')
      ? { season: r.match('season', /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, 'a season label') }
      : {}),
    ...(destination === undefined ? {} : { destination }),
    ids,
  };
}

/** JSON Schema of the arguments. */
export const recordArgsSchema = S.Object(
  {
    hash: S.Hex(32, 'SHA-256 digest of the CBV 2.0 pre-hash string (the ni:///sha-256 hash)'),
    type: S.Union(EVENT_TYPES.map((t) => S.Literal(t))),
    action: S.Optional(S.Union(ACTIONS.map((t) => S.Literal(t)))),
    eventTime: S.Uint('eventTime, ms since the epoch'),
    bizStep: S.String({ maxLength: 256, description: 'CBV term, gz:<term> or URI' }),
    disposition: S.Optional(S.String({ maxLength: 256 })),
    location: S.Optional(S.String({ maxLength: 200, description: 'GLN key 414/<gln>[/254/<ext>]' })),
    season: S.Optional(
      S.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$', description: 'harvest season' }),
    ),
    destination: S.Optional(
      S.String({
        pattern: '^417/[0-9]{13}$',
        description: 'destination party (PGLN key 417/<gln>): only that participant receives the shipment',
      }),
    ),
    ids: S.Array(
      S.Object(
        {
          role: S.Union(ID_ROLES.map((t) => S.Literal(t))),
          key: schemas.key,
          grams: S.Optional(S.Integer({ minimum: 0, maximum: MAX_GRAMS })),
          units: S.Optional(S.Integer({ minimum: 0, maximum: MAX_GRAMS })),
        },
        { additionalProperties: false },
      ),
      { maxItems: MAX_IDS },
    ),
  },
  { additionalProperties: false },
);
