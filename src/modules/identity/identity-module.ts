import { defineModule, type LedgerModule } from '../../execution/index.js';
import { addKey } from './add-key.js';
import { create } from './create.js';
import { deactivate, setControllers, setServices } from './did-document.js';
import { IDENTITY_ERRORS } from './errors.js';
import { derecognizeIssuer, recognizeIssuer } from './issuers.js';
import { issuer, issuers, resolve, schema, status, statusList } from './queries.js';
import { revokeKey } from './revoke-key.js';
import { rotateKey } from './rotate-key.js';
import { registerSchema } from './schemas.js';
import { createStatusList, setStatus } from './status-lists.js';
import { MODULE, REGISTRAR_ROLE } from './types.js';

/**
 * The identity module: `did:gongzhi` DIDs (create by subject or user agent, keys, rotation,
 * services, controllers, deactivation, history), the issuer trust registry, credential
 * schemas (CPT) and Bitstring Status Lists. Only public keys, ids, digests and bits on ledger.
 */
export const identityModule: LedgerModule = defineModule({
  name: MODULE,
  summary: 'DIDs (did:gongzhi), the issuer trust registry, credential schemas and status lists',
  methods: {
    create,
    addKey,
    revokeKey,
    rotateKey,
    setServices,
    setControllers,
    deactivate,
    recognizeIssuer,
    derecognizeIssuer,
    registerSchema,
    createStatusList,
    setStatus,
  },
  queries: { resolve, issuer, issuers, schema, status, statusList },
  // Issuer recognition is the committee's registrar's; everything else is open because the
  // module itself checks that the sender controls the DID it changes.
  permissions: {
    create: ['*'],
    addKey: ['*'],
    revokeKey: ['*'],
    rotateKey: ['*'],
    setServices: ['*'],
    setControllers: ['*'],
    deactivate: ['*'],
    recognizeIssuer: [REGISTRAR_ROLE],
    derecognizeIssuer: [REGISTRAR_ROLE],
    registerSchema: ['*'],
    createStatusList: ['*'],
    setStatus: ['*'],
  },
  errors: IDENTITY_ERRORS,
});

/** Genesis permissions (`identity.<method>` → roles): the manifest's rows. */
export const IDENTITY_PERMISSIONS: Readonly<Record<string, readonly string[]>> =
  identityModule.permissionRows;
