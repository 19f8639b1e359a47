/**
 * Scan a QR code with the camera (a presentation a holder's wallet shows): getUserMedia for the
 * video, the browser's own BarcodeDetector (Shape Detection API) to read it. The project has no
 * QR decoding library, and this browser API exists only in some browsers (Chrome on Android,
 * macOS and ChromeOS; not Chromium on Linux or Firefox): where it is missing the page says so and
 * pasting the text stays the way in. The video never leaves the page.
 */
import { useEffect, useRef, useState } from 'react';
import { useI18n } from './i18n.js';

interface DetectedCode {
  readonly rawValue: string;
}
interface Detector {
  detect(source: HTMLVideoElement): Promise<readonly DetectedCode[]>;
}
type DetectorClass = new (opts: { formats: string[] }) => Detector;

function detectorClass(): DetectorClass | undefined {
  const c = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  return typeof c === 'function' ? c : undefined;
}

/** Stop the camera (every track of the stream) and forget the stream. */
function stopStream(stream: { current: MediaStream | undefined }): void {
  for (const track of stream.current?.getTracks() ?? []) track.stop();
  stream.current = undefined;
}

/** How often a video frame is looked at. */
const SCAN_EVERY_MS = 250;

export function QrScan({ onText }: { onText: (text: string) => void }) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<'idle' | 'scanning' | 'unsupported' | 'found' | { error: string }>(
    'idle',
  );
  const stream = useRef<MediaStream | undefined>(undefined);
  const stop = () => stopStream(stream);
  // Leaving the page turns the camera off.
  useEffect(() => () => stopStream(stream), []);

  const start = async () => {
    const Cls = detectorClass();
    const media = globalThis.navigator?.mediaDevices;
    if (Cls === undefined || media === undefined) {
      setState('unsupported');
      return;
    }
    try {
      stream.current = await media.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch (e) {
      setState({ error: e instanceof Error ? e.message : String(e) });
      return;
    }
    setState('scanning');
    const v = video.current;
    if (v === null) return stop();
    v.srcObject = stream.current;
    await v.play().catch(() => {});
    const detector = new Cls({ formats: ['qr_code'] });
    const tick = async () => {
      if (stream.current === undefined) return;
      const codes = await detector.detect(v).catch(() => []);
      const text = codes[0]?.rawValue;
      if (text !== undefined && text !== '') {
        stop();
        setState('found');
        onText(text);
        return;
      }
      setTimeout(tick, SCAN_EVERY_MS);
    };
    void tick();
  };

  return (
    <div className="qr-scan" data-testid="qr-scan">
      {state === 'scanning' ? (
        <button
          type="button"
          onClick={() => {
            stop();
            setState('idle');
          }}
        >
          {t('scanStop')}
        </button>
      ) : (
        <button type="button" data-testid="scan-start" onClick={start}>
          {t('scanStart')}
        </button>
      )}
      <video
        ref={video}
        muted
        playsInline
        className="scan-video"
        hidden={state !== 'scanning'}
        aria-label={t('scanTitle')}
      />
      {state === 'unsupported' && (
        <p className="muted" data-testid="scan-unsupported">
          {t('scanUnsupported')}
        </p>
      )}
      {state === 'found' && (
        <p className="ok-line" role="status" data-testid="scan-found">
          {t('scanFound')}
        </p>
      )}
      {typeof state === 'object' && (
        <p className="bad-line" role="alert">
          {t('scanDenied')}
          {state.error}
        </p>
      )}
    </div>
  );
}
