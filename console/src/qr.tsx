/** A QR code of a text (a DID, a credential), drawn with the qrcode package as an image. */
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

export function Qr({ text, label }: { text: string; label: string }) {
  const [src, setSrc] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 1, width: 220 }).then(
      (url) => live && setSrc(url),
      () => live && setSrc(undefined),
    );
    return () => {
      live = false;
    };
  }, [text]);
  return src === undefined ? null : (
    <img className="qr" src={src} alt={label} width={220} height={220} data-testid="qr" />
  );
}
