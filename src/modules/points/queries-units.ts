import { toHex } from '../../encoding/index.js';
import { defineQuery, S, stringListCodec } from '../../execution/index.js';
import { interbankCodec } from './interbank.js';
import { keys } from './keys.js';
import { methodologyCodec } from './methodology.js';
import { numMapCodec } from './num-map.js';
import { found, idParam, programParam, qs } from './queries.js';
import { readRecord } from './stored.js';
import { type UnitBatch, unitBatchCodec, unitOpCodec } from './verification.js';

/** Serial number of one unit: `<program>-<version>-<period>-<serial, 9 digits>`. */
export function serialOf(b: UnitBatch, serial: number): string {
  return `${b.program}-v${b.version}-p${b.period}-${String(serial).padStart(9, '0')}`;
}

/** A batch as its registry export: the serial range, the methodology, the verifier, what is left. */
function batchJson(b: UnitBatch) {
  const used = b.retired + b.exported + b.cancelled;
  return {
    standard: 'gongzhi-carbon-units/1',
    unit: '1 kg CO2e',
    program: b.program,
    period: b.period,
    methodology: { version: b.version, hash: toHex(b.methodologyHash) },
    verifier: b.verifier,
    report: toHex(b.report),
    claimedG: b.claimedG,
    verifiedG: b.verifiedG,
    serials: { first: serialOf(b, b.first), last: serialOf(b, b.first + b.count - 1), count: b.count },
    retired: b.retired,
    exported: b.exported,
    cancelled: b.cancelled,
    available:
      used < b.count
        ? { first: serialOf(b, b.first + used), last: serialOf(b, b.first + b.count - 1) }
        : null,
    height: b.height,
    ts: b.ts,
  };
}

const units = defineQuery({
  summary: 'Verified reductions of a program as serial-numbered units (the registry export), with their uses',
  args: S.Object({ program: qs.program() }),
  result: qs.obj({
    program: S.String(),
    batches: S.Array(S.Record(S.String(), S.Unknown())),
    uses: S.Array(S.Record(S.String(), S.Unknown())),
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const list = readRecord(state, keys.unitBatches(p.id), stringListCodec) ?? [];
    const batches = list.flatMap((id) => {
      const [period, version] = id.split('/').map(Number) as [number, number];
      const b = readRecord(state, keys.units(p.id, period, version), unitBatchCodec);
      return b === undefined ? [] : [batchJson(b)];
    });
    const n = readRecord(state, keys.totals(p.id), numMapCodec)?.unitOps ?? 0;
    const uses = [];
    for (let i = 0; i < n; i++) {
      const o = readRecord(state, keys.unitOp(p.id, i), unitOpCodec);
      if (o !== undefined) uses.push({ n: i, ...o });
    }
    return { program: p.id, batches, uses };
  },
});

const validations = defineQuery({
  summary: 'How many verifiers validated a methodology version positively and negatively',
  args: S.Object({ program: qs.program(), version: S.UintParam('methodology version') }),
  result: qs.obj({ version: S.Integer(), hash: S.String(), positive: S.Integer(), negative: S.Integer() }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const version = q.uint('version', undefined, 1e9);
    const m = readRecord(state, keys.methodology(p.id, version), methodologyCodec);
    const sum = readRecord(state, keys.validationSum(p.id, version), numMapCodec) ?? {};
    return {
      version,
      hash: m === undefined ? '' : toHex(m.hash),
      positive: sum.positive ?? 0,
      negative: sum.negative ?? 0,
    };
  },
});

const exchangeStatement = defineQuery({
  summary: 'An inter-bank settlement statement of an exchange agreement (default: the latest)',
  args: S.Object({
    agreement: qs.program('agreement id'),
    n: qs.uintParam('statement number (default: latest)'),
  }),
  result: qs.obj({
    agreement: S.String(),
    n: S.Integer(),
    statements: S.Integer(),
    aToB: S.Integer(),
    bToA: S.Integer(),
    opening: S.Integer(),
    closing: S.Integer(),
    digest: S.String(),
    signedA: S.Boolean(),
    signedB: S.Boolean(),
    dispute: S.String(),
  }),
  run: ({ state }, q) => {
    const agreement = idParam(q, 'agreement', 'an agreement id');
    const flow = readRecord(state, keys.exchangeFlow(agreement), numMapCodec) ?? {};
    const count = flow.statements ?? 0;
    const n = q.uint('n', count, 1e9);
    const s = found(state, keys.exchangeStatement(agreement, n), interbankCodec, 'statement');
    return { ...s, statements: count, digest: toHex(s.digest) };
  },
});

export const unitQueries = { units, validations, exchangeStatement };
