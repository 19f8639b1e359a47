/**
 * Read a QR code (a presentation a holder's wallet shows) two ways: with the camera
 * (getUserMedia), or from a photo or picture file, which needs no camera at all — a phone's file
 * picker offers to take the photo, and a page served over plain HTTP gets no camera from any
 * browser. Camera frames are read by the browser's own BarcodeDetector where it has one that
 * knows QR codes (Chrome on Android, macOS, ChromeOS), else by jsQR through a canvas
 * (./qr-decode.ts; Chromium on Linux, Firefox); files always by jsQR. Each failure is a typed
 * error with its code and hint. The pictures never leave the page.
 */
import { type ChangeEvent, useEffect, useRef, useState } from 'react';
import { GongzhiError } from '../../src/sdk/index.js';
import { type ErrorInfo, errorInfo } from './api.js';
import { ErrorBox } from './components.js';
import { useI18n } from './i18n.js';
import { decodeQrFile, decodeVideoFrame, loadJsQr } from './qr-decode.js';

interface DetectedCode {
  readonly rawValue: string;
}
interface Detector {
  detect(source: HTMLVideoElement): Promise<readonly DetectedCode[]>;
}
interface DetectorClass {
  new (opts: { formats: string[] }): Detector;
  getSupportedFormats?: () => Promise<readonly string[]>;
}

/** The browser's BarcodeDetector when it reads QR codes (some builds have the class but no QR). */
async function nativeDetector(): Promise<Detector | undefined> {
  const c = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (typeof c !== 'function') return undefined;
  const formats = (await c.getSupportedFormats?.().catch(() => undefined)) ?? ['qr_code'];
  return formats.includes('qr_code') ? new c({ formats: ['qr_code'] }) : undefined;
}

/** A frame reader: the native detector's, else jsQR's on a canvas of its own. */
async function frameReader(): Promise<(v: HTMLVideoElement) => Promise<string | undefined>> {
  const native = await nativeDetector();
  if (native !== undefined) {
    return async (v) => {
      const codes = await native.detect(v).catch(() => []);
      const text = codes[0]?.rawValue;
      return text === '' ? undefined : text;
    };
  }
  const jsQr = await loadJsQr();
  const canvas = document.createElement('canvas');
  return async (v) => decodeVideoFrame(jsQr, v, canvas);
}

/** Stop the camera (every track of the stream) and forget the stream. */
function stopStream(stream: { current: MediaStream | undefined }): void {
  for (const track of stream.current?.getTracks() ?? []) track.stop();
  stream.current = undefined;
}

/** How long to wait between two looks at the video (after each look ends). */
const SCAN_EVERY_MS = 200;

const cameraError = (why: string) =>
  errorInfo(new GongzhiError('CONSOLE_CAMERA_UNAVAILABLE', `the camera could not be opened: ${why}`));

type State = 'idle' | 'scanning' | 'reading' | 'found' | { error: ErrorInfo };

export function QrScan({ onText }: { onText: (text: string) => void }) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<State>('idle');
  const stream = useRef<MediaStream | undefined>(undefined);
  const stop = () => {
    stopStream(stream);
    if (video.current !== null) video.current.srcObject = null;
  };
  // Leaving the page turns the camera off.
  useEffect(() => () => stopStream(stream), []);

  const found = (text: string) => {
    setState('found');
    onText(text);
  };

  const start = async () => {
    const media = globalThis.navigator?.mediaDevices;
    if (media === undefined) {
      setState({ error: cameraError('this page is given no camera (not HTTPS or localhost)') });
      return;
    }
    try {
      // A dense code (a long presentation) needs more than the default 640×480.
      stream.current = await media.getUserMedia({
        video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
    } catch (e) {
      setState({ error: cameraError(e instanceof Error ? `${e.name}: ${e.message}` : String(e)) });
      return;
    }
    setState('scanning');
    const v = video.current;
    if (v === null) return stop();
    v.srcObject = stream.current;
    await v.play().catch(() => {});
    const read = await frameReader();
    const tick = async () => {
      if (stream.current === undefined) return;
      const text = await read(v);
      if (stream.current === undefined) return;
      if (text !== undefined) {
        stop();
        found(text);
        return;
      }
      setTimeout(tick, SCAN_EVERY_MS);
    };
    void tick();
  };

  const fromFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.target;
    const file = input.files?.[0];
    if (file === undefined) return;
    stop();
    setState('reading');
    try {
      found(await decodeQrFile(file, file.name));
    } catch (err) {
      setState({ error: errorInfo(err) });
    } finally {
      // Choosing the same file again (after a fix elsewhere) reads it again.
      input.value = '';
    }
  };

  return (
    <div className="qr-scan" data-testid="qr-scan">
      <div className="scan-actions">
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
        <label className="scan-file">
          {t('scanFile')}
          <input type="file" accept="image/*" data-testid="scan-file" onChange={fromFile} />
        </label>
      </div>
      <video
        ref={video}
        muted
        playsInline
        className="scan-video"
        hidden={state !== 'scanning'}
        aria-label={t('scanTitle')}
      />
      {state === 'reading' && (
        <p className="muted" role="status">
          {t('scanReading')}
        </p>
      )}
      {state === 'found' && (
        <p className="ok-line" role="status" data-testid="scan-found">
          {t('scanFound')}
        </p>
      )}
      {typeof state === 'object' && <ErrorBox error={state.error} />}
    </div>
  );
}
