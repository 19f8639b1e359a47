import { defineModule, type LedgerModule } from '../../execution/index.js';
import { anchor } from './anchor.js';
import { cosign } from './cosign.js';
import { EVIDENCE_ERRORS } from './errors.js';
import { note } from './note.js';
import { bySigner, get } from './queries.js';
import { MODULE } from './record.js';
import { revoke } from './revoke.js';

/**
 * The evidence-notarisation module: anchor a file digest (or batch root) with client metadata,
 * co-sign it, leave append-only notes, revoke one's own signature. Nothing is ever deleted.
 */
export const evidenceModule: LedgerModule = defineModule({
  name: MODULE,
  summary: 'Evidence notarisation: anchor digests, co-sign, note, revoke; offline certificates',
  methods: { anchor, cosign, note, revoke },
  queries: { get, bySigner },
  // Organisations and notaries anchor; a resident's evidence goes through one of them.
  permissions: {
    anchor: ['org', 'notary'],
    cosign: ['org', 'notary'],
    note: ['org', 'notary'],
    revoke: ['org', 'notary'],
  },
  errors: EVIDENCE_ERRORS,
});
