import { fromHex, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineMethod, type LedgerModule, type QueryDef } from '../../execution/index.js';
import {
  type AnchorArgs,
  assertCanAnchor,
  assertCanCosign,
  assertCanNote,
  assertCanRevoke,
  type CosignArgs,
  type NoteArgs,
  parseAnchorArgs,
  parseCosignArgs,
  parseNoteArgs,
  parseRevokeArgs,
  type RevokeArgs,
} from './ops.js';
import {
  type EvidenceRecord,
  indexSigner,
  MODULE,
  readRecord,
  recordJson,
  signedDigestAt,
  signerCount,
  writeRecord,
} from './record.js';
import type { EvidenceRecordJson } from './types.js';

const anchor = defineMethod<AnchorArgs>({
  parse: parseAnchorArgs,
  check: (ctx, a) => assertCanAnchor(readRecord(ctx.state, a.digest), a),
  apply: (ctx, a) => {
    const record: EvidenceRecord = {
      digest: a.digest,
      alg: a.alg,
      meta: a.meta,
      ...(a.batch === undefined ? {} : { batch: a.batch }),
      anchoredAt: { height: ctx.height, timestamp: ctx.timestamp, tx: ctx.txHash },
      signers: [{ account: ctx.sender, height: ctx.height, tx: ctx.txHash }],
      notes: [],
    };
    writeRecord(ctx.state, record);
    indexSigner(ctx.state, ctx.sender, a.digest);
    ctx.emit('anchored', {
      digest: a.digest,
      alg: a.alg,
      signer: ctx.sender,
      ...(a.batch === undefined ? {} : { batchCount: a.batch.count }),
    });
  },
});

const cosign = defineMethod<CosignArgs>({
  parse: parseCosignArgs,
  check: (ctx, a) => assertCanCosign(readRecord(ctx.state, a.digest), a, ctx.sender),
  apply: (ctx, a) => {
    const r = readRecord(ctx.state, a.digest) as EvidenceRecord;
    writeRecord(ctx.state, {
      ...r,
      signers: [...r.signers, { account: ctx.sender, height: ctx.height, tx: ctx.txHash }],
    });
    indexSigner(ctx.state, ctx.sender, a.digest);
    ctx.emit('cosigned', { digest: a.digest, signer: ctx.sender, signers: r.signers.length + 1 });
  },
});

const note = defineMethod<NoteArgs>({
  parse: parseNoteArgs,
  check: (ctx, a) => assertCanNote(readRecord(ctx.state, a.digest), a, ctx.sender),
  apply: (ctx, a) => {
    const r = readRecord(ctx.state, a.digest) as EvidenceRecord;
    writeRecord(ctx.state, {
      ...r,
      notes: [...r.notes, { account: ctx.sender, height: ctx.height, tx: ctx.txHash, text: a.text }],
    });
    ctx.emit('noted', { digest: a.digest, signer: ctx.sender, index: r.notes.length });
  },
});

const revoke = defineMethod<RevokeArgs>({
  parse: parseRevokeArgs,
  check: (ctx, a) => assertCanRevoke(readRecord(ctx.state, a.digest), a, ctx.sender),
  apply: (ctx, a) => {
    const r = readRecord(ctx.state, a.digest) as EvidenceRecord;
    writeRecord(ctx.state, {
      ...r,
      signers: r.signers.map((s) =>
        s.account === ctx.sender
          ? { ...s, revoked: { height: ctx.height, tx: ctx.txHash, reason: a.reason } }
          : s,
      ),
    });
    ctx.emit('revoked', { digest: a.digest, signer: ctx.sender, reason: a.reason });
  },
});

/** Largest page the `bySigner` query returns. */
export const MAX_QUERY_LIMIT = 1000;

function digestParam(args: Readonly<Record<string, unknown>>): Uint8Array {
  const v = args.digest;
  const hex = typeof v === 'string' ? v.toLowerCase() : '';
  const bytes = /^(?:0x)?[0-9a-f]{64}$/.test(hex) ? fromHex(hex) : undefined;
  if (bytes === undefined) {
    throw new GongzhiError('EVIDENCE_BAD_DIGEST', 'query parameter digest must be 32 bytes of hex', {
      name: 'digest',
    });
  }
  return bytes;
}

function intParam(args: Readonly<Record<string, unknown>>, name: string, dflt: number, max: number): number {
  const v = args[name];
  if (v === undefined) return dflt;
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,15}$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > max) {
    throw new GongzhiError('API_BAD_REQUEST', `query parameter ${name} must be an integer 0..${max}`, {
      name,
    });
  }
  return n;
}

/** `get {digest: hex}` → the record (bytes as hex); EVIDENCE_NOT_FOUND when absent. */
const get: QueryDef = ({ state }, args): EvidenceRecordJson => {
  const digest = digestParam(args);
  const r = readRecord(state, digest);
  if (r === undefined) {
    throw new GongzhiError('EVIDENCE_NOT_FOUND', 'no evidence anchored with this digest', {
      digest: toHex(digest),
    });
  }
  return recordJson(r);
};

/**
 * `bySigner {account, offset?, limit?}` → `{account, total, offset, digests}`: the digests the
 * account anchored or co-signed, oldest first (revoked signatures included; see `get`).
 */
const bySigner: QueryDef = ({ state }, args) => {
  const account = args.account;
  if (typeof account !== 'string' || account.length === 0 || account.length > 128 || account.includes('/')) {
    throw new GongzhiError('API_BAD_REQUEST', 'query parameter account is required', { name: 'account' });
  }
  const total = signerCount(state, account);
  const offset = intParam(args, 'offset', 0, Number.MAX_SAFE_INTEGER);
  const limit = intParam(args, 'limit', 100, MAX_QUERY_LIMIT);
  const digests: string[] = [];
  for (let i = offset; i < total && digests.length < limit; i++) {
    const d = signedDigestAt(state, account, i);
    if (d !== undefined) digests.push(d);
  }
  return { account, total, offset, digests };
};

/**
 * The evidence-notarisation module: anchor a file digest (or batch root) with client metadata,
 * co-sign it, leave append-only notes, revoke one's own signature. Nothing is ever deleted.
 */
export const evidenceModule: LedgerModule = {
  name: MODULE,
  methods: { anchor, cosign, note, revoke },
  queries: { get, bySigner },
};
