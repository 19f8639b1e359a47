import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import { readDigestArg, schemas } from './args.js';
import { type EvidenceRecord, MAX_NOTE_LENGTH, MAX_NOTES, writeRecord } from './record.js';
import { activeSigner, foundRecord } from './signers.js';

/** Arguments of `evidence.note`. */
export interface NoteArgs {
  readonly digest: Uint8Array;
  readonly text: string;
}

/** Parse note arguments (text: 1..MAX_NOTE_LENGTH). */
export function parseNoteArgs(v: Parameters<typeof readArgs>[0]): NoteArgs {
  const r = readArgs(v, ['digest', 'text']);
  return { digest: readDigestArg(r), text: r.str('text', MAX_NOTE_LENGTH) };
}

/**
 * `note`: a signer whose signature stands appends a note (e.g. "served on the defendant"). Notes
 * are never edited or removed; at most MAX_NOTES per record.
 */
export const note = defineMethod<NoteArgs, EvidenceRecord>({
  summary: 'Append a note to evidence this account signed',
  args: S.Object(
    { digest: schemas.digest, text: S.String({ minLength: 1, maxLength: MAX_NOTE_LENGTH }) },
    { additionalProperties: false },
  ),
  parse: parseNoteArgs,
  check: ({ state, sender }, a) => {
    const r = foundRecord(state, a.digest);
    activeSigner(r, sender);
    if (r.notes.length >= MAX_NOTES) {
      throw new GongzhiError('EVIDENCE_LIMIT', `a record holds at most ${MAX_NOTES} notes`, {
        max: MAX_NOTES,
      });
    }
    return r;
  },
  apply: (ctx, a, r) => {
    writeRecord(ctx.state, {
      ...r,
      notes: [...r.notes, { account: ctx.sender, height: ctx.height, tx: ctx.txHash, text: a.text }],
    });
    ctx.emit('noted', { digest: a.digest, signer: ctx.sender, index: r.notes.length });
  },
});
