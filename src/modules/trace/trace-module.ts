import { defineModule, type LedgerModule, S, writeStored } from '../../execution/index.js';
import { ShapeReader } from '../../ledger/index.js';
import { TRACE_ERRORS } from './errors.js';
import { event, events, item, lots, participants, trace } from './queries.js';
import { record } from './record.js';
import { registerGarden } from './register-garden.js';
import { registerParticipant } from './register-participant.js';
import { registerProduct } from './register-product.js';
import { DEFAULT_TRACE_PARAMS, MODULE, paramsCodec, registryKeys, type TraceParams } from './registry.js';
import { scan } from './scan.js';

/**
 * Traceability (GS1 EPCIS 2.0 / CBV 2.0): a registry of participants, gardens and products; event
 * summaries with their canonical hashes under rules that catch fraud (who may record which step,
 * origin capacity, transformation ratios, no double commissioning, no double sale); consumer scans
 * with a flag for serials seen in too many places. See docs/traceability.md.
 */
export const traceModule: LedgerModule = defineModule<TraceParams>({
  name: MODULE,
  summary: 'Traceability: EPCIS event hashes, origin capacity and ratio rules, Digital Link scans',
  methods: { registerParticipant, registerGarden, registerProduct, record, scan },
  queries: { participants, event, item, trace, lots, events },
  // The trace admin (e.g. the origin-protection association) keeps the registry; organisations
  // record (the module checks they are registered participants); resolvers record scans.
  permissions: {
    registerParticipant: ['trace-admin'],
    registerGarden: ['trace-admin'],
    registerProduct: ['trace-admin'],
    record: ['org', 'trace-recorder'],
    scan: ['org', 'trace-resolver'],
  },
  errors: TRACE_ERRORS,
  genesis: {
    schema: S.Object(
      { maxScanPlaces: S.Optional(S.Integer({ minimum: 1, maximum: 1000, description: 'default 3' })) },
      { additionalProperties: false },
    ),
    defaults: DEFAULT_TRACE_PARAMS,
    parse: (v) => {
      const r = ShapeReader.of(v, ['maxScanPlaces'], 'GENESIS_INVALID', 'modules.trace');
      const maxScanPlaces = r.optUint('maxScanPlaces', DEFAULT_TRACE_PARAMS.maxScanPlaces, 1000);
      if (maxScanPlaces < 1) r.fail('maxScanPlaces', '1..1000');
      return { maxScanPlaces };
    },
  },
  // Writes only when the genesis has a trace section: a genesis without one keeps its state root.
  initGenesis: ({ genesis, state, config }) => {
    if (genesis.modules?.[MODULE] !== undefined)
      writeStored(state, registryKeys.params(), paramsCodec, config);
  },
});
