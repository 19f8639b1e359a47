/**
 * Issue a credential in the page: a clerk who unlocked the keystore of an issuer DID's key fills
 * in the claims of a registered schema (the fields come from the schema), names the holder's key,
 * and the SDK signs an SD-JWT VC here (`issueSdJwtVcInBrowser`) — the key never leaves the page,
 * and nothing is sent to the node but the schema and DID look-ups. The credential is shown as a QR
 * code for the holder's wallet to scan, as text, and as a file to download.
 */
import { type FormEvent, useState } from 'react';
import { fromHex, getSuite, issueSdJwtVcInBrowser } from '../../src/sdk/index.js';
import { client, type ErrorInfo, errorInfo } from './api.js';
import { ErrorBox, Fields } from './components.js';
import { useI18n } from './i18n.js';
import { Qr } from './qr.js';
import { fieldsOf, type SchemaField } from './schema.js';
import { useWallet } from './wallet.js';

interface LoadedSchema {
  readonly schemaId: number;
  readonly version: number;
  readonly name: string;
  readonly schema: unknown;
}

/** A claim's value from its text field, by the schema's type (numbers, booleans, JSON for the rest). */
function claimValue(f: SchemaField, raw: string): unknown {
  if (f.type === 'integer' || f.type === 'number') return raw.trim() === '' ? raw : Number(raw);
  if (f.type === 'boolean') return raw === 'true';
  if (f.type === 'object' || f.type.endsWith('[]')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

const DAY_S = 86_400;

export function IssueCredentialForm({ group }: { group: string }) {
  const { t } = useI18n();
  const wallet = useWallet();
  const key = wallet.key;
  const [schemaId, setSchemaId] = useState('');
  const [schema, setSchema] = useState<LoadedSchema | undefined>();
  const [claims, setClaims] = useState<Record<string, string>>({});
  const [holder, setHolder] = useState('');
  const [days, setDays] = useState('365');
  const [fragment, setFragment] = useState('key-1');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const [issued, setIssued] = useState<string | undefined>();
  if (key === undefined) return <p className="muted">{t('unlockFirst')}</p>;

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await what();
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  const loadSchema = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      setSchema(undefined);
      setIssued(undefined);
      const s = await client.query<LoadedSchema>(group, 'identity', 'schema', { schemaId: schemaId.trim() });
      setSchema(s);
      setClaims({});
    });
  };

  const issue = (e: FormEvent) => {
    e.preventDefault();
    if (schema === undefined) return;
    return run(async () => {
      setIssued(undefined);
      const groups = await client.groups();
      const info = groups.find((g) => g.id === group);
      if (info === undefined) throw new Error(`group ${group} not found`);
      const prefix = `did:gongzhi:${info.chain}:${group}`;
      const issuerDid = `${prefix}:${key.address}`;
      // The issuer DID must exist on the ledger (IDENTITY_NOT_FOUND otherwise): verifiers resolve it.
      await client.query(group, 'identity', 'resolve', { did: issuerDid });
      const holderHex = holder.trim().replace(/^0x/, '').toLowerCase();
      let holderKey: Uint8Array;
      try {
        holderKey = fromHex(holderHex);
      } catch {
        holderKey = new Uint8Array(0);
      }
      const suite = getSuite(key.suite);
      const holderDid = suite.isPublicKey(holderKey) ? `${prefix}:${suite.address(holderKey)}` : '';
      const fields = fieldsOf(schema.schema);
      const values: Record<string, unknown> = {};
      for (const f of fields) {
        const raw = claims[f.name] ?? '';
        if (raw !== '') values[f.name] = claimValue(f, raw);
      }
      const now = Math.floor(Date.now() / 1000);
      const valid = Number(days);
      const credential = await issueSdJwtVcInBrowser({
        issuer: {
          type: key.suite,
          secretKey: key.secretKey,
          publicKey: key.publicKey,
          kid: `${issuerDid}#${fragment}`,
        },
        subject: holderDid,
        holder: { type: key.suite, publicKey: holderKey },
        schema: { schemaId: schema.schemaId, version: schema.version, schema: schema.schema },
        vctPrefix: prefix,
        claims: values,
        iat: now,
        exp: now + (Number.isInteger(valid) && valid > 0 ? valid : 0) * DAY_S,
      });
      setIssued(credential);
    });
  };

  const fields = schema === undefined ? [] : fieldsOf(schema.schema);
  return (
    <div data-testid="issue-credential">
      <form className="query-form" onSubmit={loadSchema}>
        <div className="form-row">
          <label htmlFor="issue-schema">{t('issueSchemaId')}</label>
          <input
            id="issue-schema"
            inputMode="numeric"
            value={schemaId}
            onChange={(e) => setSchemaId(e.target.value)}
          />
        </div>
        <button type="submit" disabled={busy || schemaId.trim() === ''} data-testid="issue-load-schema">
          {t('issueLoadSchema')}
        </button>
      </form>
      {schema !== undefined && (
        <form className="query-form" onSubmit={issue} autoComplete="off">
          <p data-testid="issue-schema-name">
            {schema.name} (v{schema.version})
          </p>
          {fields.map((f) => {
            const id = `claim-${f.name}`;
            return (
              <div key={f.name} className="form-row">
                <label htmlFor={id}>
                  <code>{f.name}</code>
                  {f.required ? ' *' : ''} <span className="muted">{f.description || f.type}</span>
                </label>
                {f.choices ? (
                  <select
                    id={id}
                    name={f.name}
                    value={claims[f.name] ?? ''}
                    onChange={(e) => setClaims((c) => ({ ...c, [f.name]: e.target.value }))}
                  >
                    <option value="">–</option>
                    {f.choices.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={id}
                    name={f.name}
                    value={claims[f.name] ?? ''}
                    onChange={(e) => setClaims((c) => ({ ...c, [f.name]: e.target.value }))}
                  />
                )}
              </div>
            );
          })}
          <div className="form-row">
            <label htmlFor="issue-holder">{t('issueHolderKey')}</label>
            <input id="issue-holder" value={holder} onChange={(e) => setHolder(e.target.value)} />
          </div>
          <div className="form-row">
            <label htmlFor="issue-days">{t('issueDays')}</label>
            <input
              id="issue-days"
              inputMode="numeric"
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          </div>
          <div className="form-row">
            <label htmlFor="issue-fragment">{t('issueKeyFragment')}</label>
            <input id="issue-fragment" value={fragment} onChange={(e) => setFragment(e.target.value)} />
          </div>
          <button type="submit" disabled={busy} data-testid="issue-button">
            {t('issueButton')}
          </button>
        </form>
      )}
      {busy && (
        <p className="muted" role="status">
          {t('loading')}
        </p>
      )}
      {error && <ErrorBox error={error} />}
      {issued !== undefined && <IssuedCredential credential={issued} />}
    </div>
  );
}

function IssuedCredential({ credential }: { credential: string }) {
  const { t } = useI18n();
  const bytes = new TextEncoder().encode(credential).length;
  return (
    <div className="result" data-testid="issued">
      <h4>{t('issuedTitle')}</h4>
      <Fields rows={[[t('issuedBytes'), String(bytes)]]} />
      <Qr text={credential} label={t('issuedQr')} svg level="L" size={320} tooLong={t('qrTooLong')} />
      <label htmlFor="issued-text">{t('issuedText')}</label>
      <textarea id="issued-text" readOnly rows={5} value={credential} data-testid="issued-text" />
      <p>
        <a
          href={`data:application/dc+sd-jwt;charset=utf-8,${encodeURIComponent(credential)}`}
          download="credential.sd-jwt"
          data-testid="issued-download"
        >
          {t('issuedDownload')}
        </a>
      </p>
    </div>
  );
}
