/**
 * Verify a credential presentation (an SD-JWT VC with its key-binding JWT, or a VC-JWT) pasted
 * into the page or read from its QR code, with the camera or from a photo (./qr-scan.tsx), under the verifier's policy set on the page: which claims must be disclosed, the challenge (nonce) and audience, the issuer category, whether the issuance must be anchored.
 * The node's verify route checks it against the ledger (issuer registry, DID keys, status lists);
 * each check is shown with ✓/✗ and a failed one with its code and hint.
 */
import { type FormEvent, useState } from 'react';
import { client, codeHint, type ErrorInfo, errorInfo } from './api.js';
import { ErrorBox, Mark } from './components.js';
import { useI18n } from './i18n.js';
import { QrScan } from './qr-scan.js';

type Result = Awaited<ReturnType<typeof client.verifyPresentation>>;

export function PresentationForm({ group }: { group: string }) {
  const { t, lang } = useI18n();
  const [presentation, setPresentation] = useState('');
  const [disclose, setDisclose] = useState('');
  const [nonce, setNonce] = useState('');
  const [aud, setAud] = useState('');
  const [category, setCategory] = useState('');
  const [requireAnchor, setRequireAnchor] = useState(false);
  const [busy, setBusy] = useState(false);
  const [out, setOut] = useState<{ ok: Result } | { error: ErrorInfo } | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const policy = {
        disclose: disclose
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x !== ''),
        nonce,
        aud,
        ...(category.trim() === '' ? {} : { category: category.trim() }),
        ...(requireAnchor ? { requireAnchor } : {}),
      };
      setOut({ ok: await client.verifyPresentation(group, presentation.trim(), policy) });
    } catch (err) {
      setOut({ error: errorInfo(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="query-form" onSubmit={submit} data-testid="verify-presentation">
      <div className="form-row">
        <label htmlFor="vp-text">{t('presentationText')}</label>
        <textarea
          id="vp-text"
          rows={4}
          value={presentation}
          onChange={(e) => setPresentation(e.target.value)}
        />
        <QrScan onText={setPresentation} />
      </div>
      <div className="form-row">
        <label htmlFor="vp-disclose">{t('policyDisclose')}</label>
        <input id="vp-disclose" value={disclose} onChange={(e) => setDisclose(e.target.value)} />
      </div>
      <div className="form-row">
        <label htmlFor="vp-nonce">{t('policyNonce')}</label>
        <input id="vp-nonce" value={nonce} onChange={(e) => setNonce(e.target.value)} />
      </div>
      <div className="form-row">
        <label htmlFor="vp-aud">{t('policyAud')}</label>
        <input id="vp-aud" value={aud} onChange={(e) => setAud(e.target.value)} />
      </div>
      <div className="form-row">
        <label htmlFor="vp-category">{t('category')}</label>
        <input id="vp-category" value={category} onChange={(e) => setCategory(e.target.value)} />
      </div>
      <div className="form-row">
        <label>
          <input
            type="checkbox"
            checked={requireAnchor}
            onChange={(e) => setRequireAnchor(e.target.checked)}
          />{' '}
          {t('policyAnchor')}
        </label>
      </div>
      <button type="submit" disabled={busy || presentation.trim() === ''} data-testid="verify-button">
        {t('verifyPresentation')}
      </button>
      {out && 'error' in out && <ErrorBox error={out.error} />}
      {out && 'ok' in out && (
        <div className="result">
          <p className={out.ok.valid ? 'ok-line' : 'bad-line'} data-testid="vp-verdict">
            <Mark ok={out.ok.valid} />{' '}
            {out.ok.valid ? t('valid') : `${t('invalid')}: ${out.ok.errors.join(', ')}`}
          </p>
          <ul className="checks">
            {out.ok.checks.map((c) => (
              <li key={c.name} className={c.ok ? 'check-ok' : 'check-bad'} data-testid="vp-check">
                <Mark ok={c.ok} /> <code>{c.name}</code>{' '}
                {c.code !== undefined && <code className="bad">{c.code}</code>}{' '}
                <span className="muted">{c.detail}</span>
                {c.code !== undefined && codeHint(c.code, lang) !== '' && (
                  <div className="hint">
                    {t('errorHint')}: {codeHint(c.code, lang)}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
