/**
 * Evidence check: drop a file (and optionally its certificate and a genesis file). The file is
 * hashed here, in the browser; the node is asked only for the record and the certificate of that
 * digest; the certificate is verified here with the SDK's verifyCertificate against the node keys
 * of the dropped genesis (or, failing that, the keys the node reports — said so on the page).
 * Each check is shown with ✓/✗, and a failed one with its code and what it means.
 */
import { type DragEvent, type FormEvent, useState } from 'react';
import {
  CERTIFICATE_TYPE,
  type CertificateVerification,
  fileDigest,
  fromHex,
  type TrustedNode,
  toHex,
  verifyCertificate,
} from '../../../src/sdk/index.js';
import { client, codeHint, type ErrorInfo, errorInfo } from '../api.js';
import type { PageProps } from '../app.js';
import { ErrorBox, Fields, Hex, Json, Mark, Section } from '../components.js';
import { formatTime, useI18n } from '../i18n.js';
import { SendOutcome, UnlockFirst, useSend } from '../signed-form.js';
import { useWallet } from '../wallet.js';

interface Outcome {
  readonly fileName: string;
  readonly digest: string;
  readonly certSource: 'node' | 'file';
  readonly trust: 'node' | 'genesis';
  readonly certificate?: unknown;
  readonly verification?: CertificateVerification;
  /** Why there is no certificate (the file is not anchored, the node failed). */
  readonly lookupError?: ErrorInfo;
}

interface Dropped {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** The file's own modification time (ms), the best "captured at" the page knows. */
  readonly lastModified: number;
}

/** A JSON file's parsed value, or undefined when it is not JSON. */
function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

function isCertificate(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === CERTIFICATE_TYPE;
}

/** The node keys of a genesis document, or undefined when `v` is not one. */
function genesisNodes(v: unknown): TrustedNode[] | undefined {
  const orgs = (v as { orgs?: unknown } | null)?.orgs;
  if (!Array.isArray(orgs)) return undefined;
  const out: TrustedNode[] = [];
  for (const o of orgs) {
    const nodes = (o as { nodes?: unknown }).nodes;
    for (const n of Array.isArray(nodes) ? nodes : []) {
      const x = n as { id?: unknown; publicKey?: unknown };
      if (typeof x.id === 'string' && typeof x.publicKey === 'string')
        out.push({ id: x.id, publicKey: x.publicKey });
    }
  }
  return out;
}

async function readFiles(list: FileList | null): Promise<Dropped[]> {
  const files = list === null ? [] : Array.from(list);
  return Promise.all(
    files.map(async (f) => ({
      name: f.name,
      bytes: new Uint8Array(await f.arrayBuffer()),
      lastModified: f.lastModified,
    })),
  );
}

export function EvidencePage({ group }: PageProps) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);
  const [genesis, setGenesis] = useState<{ name: string; nodes: TrustedNode[] } | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [error, setError] = useState<ErrorInfo | undefined>();
  const [lastFile, setLastFile] = useState<Dropped | undefined>();

  const handle = async (dropped: Dropped[]) => {
    setError(undefined);
    let cert: unknown;
    let file: Dropped | undefined;
    let trusted = genesis;
    for (const d of dropped) {
      const json = d.name.endsWith('.json') ? parseJson(d.bytes) : undefined;
      const nodes = json === undefined ? undefined : genesisNodes(json);
      if (isCertificate(json)) cert = json;
      else if (nodes !== undefined && nodes.length > 0) trusted = { name: d.name, nodes };
      else file = d;
    }
    if (trusted !== genesis) setGenesis(trusted);
    if (file === undefined) return;
    setLastFile(file);
    setBusy(true);
    try {
      const suite = await client.suite();
      const digest = toHex(fileDigest(suite.hashName, file.bytes));
      const trustedNodes =
        trusted?.nodes ??
        (await client.query<{ id: string; publicKey: string }[]>(group, 'governance', 'nodes')).map((n) => ({
          id: n.id,
          publicKey: n.publicKey,
        }));
      const base = {
        fileName: file.name,
        digest,
        certSource: cert === undefined ? ('node' as const) : ('file' as const),
        trust: trusted === undefined ? ('node' as const) : ('genesis' as const),
      };
      if (cert === undefined) {
        try {
          cert = await client.evidenceCertificate(group, digest);
        } catch (e) {
          setOutcome({ ...base, lookupError: errorInfo(e) });
          return;
        }
      }
      const verification = verifyCertificate({ certificate: cert, file: file.bytes, trustedNodes });
      setOutcome({ ...base, certificate: cert, verification });
    } catch (e) {
      setError(errorInfo(e));
    } finally {
      setBusy(false);
    }
  };

  const onDrop = async (e: DragEvent<HTMLElement>) => {
    e.preventDefault();
    setOver(false);
    await handle(await readFiles(e.dataTransfer.files));
  };

  const download = () => {
    if (outcome?.certificate === undefined) return;
    const blob = new Blob([JSON.stringify(outcome.certificate, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${outcome.fileName}.cert.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const v = outcome?.verification;
  return (
    <div className="page">
      <Section title={t('navEvidence')}>
        <p>{t('evidenceIntro')}</p>
        <label
          className={`drop ${over ? 'drop-over' : ''}`}
          data-testid="drop-zone"
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <span className="drop-title">{t('dropHere')}</span>
          <span className="muted">{t('chooseFiles')}</span>
          <input
            type="file"
            multiple
            className="visually-hidden"
            data-testid="file-input"
            onChange={async (e) => handle(await readFiles(e.target.files))}
          />
        </label>
        <p className="muted" data-testid="trust-source">
          {t('trustSource')}: {genesis ? `${t('trustFromGenesis')} ${genesis.name}` : t('trustFromNode')}
        </p>
        {busy && <p className="muted">{t('loading')}</p>}
        {error && <ErrorBox error={error} />}
      </Section>
      {outcome && (
        <Section title={outcome.fileName} testId="evidence-result">
          <Fields
            rows={[
              [
                t('digest'),
                <code key="d" className="wrap" data-testid="digest">
                  {outcome.digest}
                </code>,
              ],
              [t('certFrom'), outcome.certSource === 'node' ? t('certFromNode') : t('certFromFile')],
            ]}
          />
          {outcome.lookupError && (
            <>
              <p className="bad-line" data-testid="not-anchored">
                <Mark ok={false} /> {t('notAnchored')}
              </p>
              <ErrorBox error={outcome.lookupError} />
              {lastFile !== undefined && (
                <AnchorForm
                  group={group}
                  file={lastFile}
                  digest={outcome.digest}
                  onAnchored={() => handle([lastFile])}
                />
              )}
            </>
          )}
          {v && (
            <>
              <p className={v.valid ? 'ok-line' : 'bad-line'} data-testid="verdict">
                <Mark ok={v.valid} /> {v.valid ? t('valid') : `${t('invalid')}: ${v.errors.join(', ')}`}
              </p>
              {v.anchoredAt && (
                <Fields
                  rows={[
                    [
                      t('anchoredAt'),
                      `${formatTime(lang, v.anchoredAt.timestamp)} · ${t('block')} ${v.anchoredAt.height}`,
                    ],
                    [
                      t('signers'),
                      <ul key="s" className="plain">
                        {(v.signers ?? []).map((s) => (
                          <li key={`${s.tx}`}>
                            <code>{s.account}</code> ({s.role}, {t('block')} {s.height})
                            {s.revoked && (
                              <span className="bad">
                                {' '}
                                {t('revoked')}: {s.revoked.reason}
                              </span>
                            )}
                          </li>
                        ))}
                      </ul>,
                    ],
                  ]}
                />
              )}
              {v.evidence && (
                <details>
                  <summary>{t('meta')}</summary>
                  <Json value={v.evidence.meta} />
                </details>
              )}
              <h3>{t('verification')}</h3>
              <ul className="checks" data-testid="checks">
                {v.checks.map((c) => (
                  <li key={c.name} className={c.ok ? 'check-ok' : 'check-bad'} data-testid="check">
                    <Mark ok={c.ok} /> <code>{c.name}</code>{' '}
                    {c.code !== undefined && <code className="bad">{c.code}</code>}{' '}
                    <span className="muted">{c.detail}</span>
                    {c.code !== undefined && codeHint(c.code, lang) !== '' && (
                      <div className="hint" data-testid="check-hint">
                        {t('errorHint')}: {codeHint(c.code, lang)}
                      </div>
                    )}
                  </li>
                ))}
              </ul>
              <button type="button" onClick={download} data-testid="download-cert">
                {t('downloadCert')}
              </button>
              <p className="muted" data-testid="outcome-trust">
                <Hex value={outcome.digest} keep={6} /> ·{' '}
                {outcome.trust === 'genesis' ? t('trustFromGenesis') : t('trustFromNode')}
              </p>
            </>
          )}
        </Section>
      )}
    </div>
  );
}

/**
 * Anchor the dropped file as the unlocked account: its digest (computed here) and the signer's
 * own description of it. The file itself never leaves the page.
 */
function AnchorForm({
  group,
  file,
  digest,
  onAnchored,
}: {
  group: string;
  file: Dropped;
  digest: string;
  onAnchored: () => void;
}) {
  const { t } = useI18n();
  const wallet = useWallet();
  const [type, setType] = useState('document');
  const [ref, setRef] = useState('');
  const [state, send] = useSend();
  if (wallet.key === undefined) return <UnlockFirst group={group} />;
  const key = wallet.key;
  const anchor = async (e: FormEvent) => {
    e.preventDefault();
    await send(async () => {
      const suite = await client.suite();
      const r = await wallet.send(group, 'evidence', 'anchor', {
        digest: fromHex(digest),
        alg: suite.hashName,
        meta: {
          type,
          capturedBy: key.address,
          capturedAt: file.lastModified,
          method: 'web-console',
          ...(ref.trim() === '' ? {} : { ref: ref.trim() }),
        },
      });
      onAnchored();
      return r;
    });
  };
  return (
    <form className="query-form" onSubmit={anchor} data-testid="anchor-form">
      <h3>{t('anchorTitle')}</h3>
      <div className="form-row">
        <label htmlFor="anchor-type">{t('anchorType')}</label>
        <input id="anchor-type" value={type} onChange={(e) => setType(e.target.value)} />
      </div>
      <div className="form-row">
        <label htmlFor="anchor-ref">{t('anchorRef')}</label>
        <input id="anchor-ref" value={ref} onChange={(e) => setRef(e.target.value)} />
      </div>
      <button type="submit" data-testid="anchor-button" disabled={state !== undefined && 'busy' in state}>
        {t('anchorButton')}
      </button>
      <SendOutcome state={state} group={group} />
    </form>
  );
}
