/**
 * A QR code of a text (a DID, a credential), drawn with the qrcode package as an image. `svg`
 * draws it as SVG text, which is the same bytes in every browser and in Node (so a test can check
 * that the image encodes exactly the credential) and stays sharp when a long text needs many
 * modules. A text too long for one code says so instead of showing nothing.
 */
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** The options every QR of the console uses; `svg` ones are reproducible outside the browser. */
export function qrOptions(level: 'L' | 'M') {
  return { errorCorrectionLevel: level, margin: 1, width: 220 } as const;
}

export function Qr({
  text,
  label,
  svg = false,
  level = 'M',
  size = 220,
  tooLong,
}: {
  text: string;
  label: string;
  svg?: boolean;
  level?: 'L' | 'M';
  /** Shown size in CSS pixels (an SVG code is drawn at 220 and scaled). */
  size?: number;
  /** Shown when the text does not fit one QR code. */
  tooLong?: string;
}) {
  const [out, setOut] = useState<{ src: string } | { failed: true } | undefined>();
  useEffect(() => {
    let live = true;
    const opts = qrOptions(level);
    const made = svg
      ? QRCode.toString(text, { ...opts, type: 'svg' }).then(
          (s) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(s)}`,
        )
      : QRCode.toDataURL(text, opts);
    made.then(
      (src) => live && setOut({ src }),
      () => live && setOut({ failed: true }),
    );
    return () => {
      live = false;
    };
  }, [text, svg, level]);
  if (out === undefined) return null;
  if ('failed' in out) {
    return tooLong === undefined ? null : (
      <p className="muted" data-testid="qr-too-long">
        {tooLong}
      </p>
    );
  }
  return <img className="qr" src={out.src} alt={label} width={size} height={size} data-testid="qr" />;
}
