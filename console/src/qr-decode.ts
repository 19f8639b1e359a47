/**
 * Reading a QR code in the page, where the browser's own BarcodeDetector is missing (Chromium on
 * Linux, Firefox, most desktop browsers): the pixels go through a canvas to jsQR, a QR decoder
 * written in plain JavaScript. It is loaded on first use (a separate chunk), so the console's first
 * load does not carry it. Used for camera frames and for a photo or picture file of a code, which
 * works without any camera (a phone's file picker offers to take a photo; a plain-HTTP page gets
 * no camera at all). Nothing leaves the page.
 */
import { GongzhiError } from '../../src/sdk/index.js';

type Inversion = 'dontInvert' | 'attemptBoth';
type JsQr = (
  data: Uint8ClampedArray,
  width: number,
  height: number,
  options?: { inversionAttempts?: Inversion },
) => { readonly data: string } | null;

let loaded: Promise<JsQr> | undefined;

/**
 * jsQR's function. The package is CommonJS with an `exports.default`: Vite's interop hands the
 * function over as `default`, while Node's (what TypeScript models) nests it one level deeper; take
 * whichever is there.
 */
export function loadJsQr(): Promise<JsQr> {
  loaded ??= import('jsqr').then((m: unknown) => {
    let f: unknown = m;
    for (let i = 0; i < 3 && typeof f !== 'function'; i++) {
      f = typeof f === 'object' && f !== null && 'default' in f ? f.default : undefined;
    }
    if (typeof f !== 'function') throw new Error('the QR decoder did not load');
    return f as JsQr;
  });
  return loaded;
}

/** The text of the QR code in `img`, drawn at `width`×`height`, or undefined when none is read. */
function decodeDrawn(
  jsQr: JsQr,
  img: CanvasImageSource,
  width: number,
  height: number,
  inversion: Inversion,
  canvas: HTMLCanvasElement = document.createElement('canvas'),
): string | undefined {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx === null) return undefined;
  // A small raster image scaled up must keep its sharp module edges.
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(img, 0, 0, width, height);
  const px = ctx.getImageData(0, 0, width, height);
  const code = jsQr(px.data, width, height, { inversionAttempts: inversion });
  return code === null || code.data === '' ? undefined : code.data;
}

/** Longest side a camera frame is decoded at: enough for a dense code, fast enough to repeat. */
const FRAME_MAX = 1280;

/**
 * One camera frame's QR text, or undefined. Light codes on dark are not tried (half the work per
 * frame); the file path tries both.
 */
export function decodeVideoFrame(jsQr: JsQr, video: HTMLVideoElement, canvas: HTMLCanvasElement) {
  const w = video.videoWidth;
  const h = video.videoHeight;
  if (w === 0 || h === 0) return undefined;
  const s = Math.min(1, FRAME_MAX / Math.max(w, h));
  return decodeDrawn(jsQr, video, Math.round(w * s), Math.round(h * s), 'dontInvert', canvas);
}

/** A photo is first read scaled down to this longest side (a 12-megapixel one takes seconds). */
const PHOTO_FIRST = 1600;
/** …and, if no code was found, at up to this one. */
const PHOTO_MAX = 4000;
/** A vector picture (SVG) is drawn at this size, whatever size it says it is. */
const SVG_SIDE = 1600;

/** The sizes to try for an image of `w`×`h`: downscaled first, never upscaled (SVG aside). */
export function attemptSizes(w: number, h: number, vector: boolean): [number, number][] {
  const longest = Math.max(w, h, 1);
  const at = (side: number): [number, number] => [
    Math.max(1, Math.round((w * side) / longest)),
    Math.max(1, Math.round((h * side) / longest)),
  ];
  if (vector) return [at(SVG_SIDE)];
  if (longest <= PHOTO_FIRST) return [[w, h]];
  return [at(PHOTO_FIRST), at(Math.min(longest, PHOTO_MAX))];
}

/** Open an image file in the page: CONSOLE_IMAGE_UNREADABLE when it is not a picture. */
async function openImage(file: Blob, name: string): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(file);
  const img = new Image();
  img.src = url;
  try {
    await img.decode();
  } catch {
    throw new GongzhiError('CONSOLE_IMAGE_UNREADABLE', `${name} could not be opened as an image`, {
      type: file.type,
    });
  } finally {
    URL.revokeObjectURL(url);
  }
  return img;
}

/**
 * The text of the QR code in an image file (PNG, JPEG, SVG, …). CONSOLE_IMAGE_UNREADABLE when it
 * is no picture, CONSOLE_QR_NOT_FOUND when no code is read in it.
 */
export async function decodeQrFile(file: Blob, name = 'the file'): Promise<string> {
  const [jsQr, img] = await Promise.all([loadJsQr(), openImage(file, name)]);
  const vector = file.type === 'image/svg+xml';
  // An SVG without a size of its own decodes at 0×0: draw it square.
  const w = img.naturalWidth || SVG_SIDE;
  const h = img.naturalHeight || SVG_SIDE;
  for (const [aw, ah] of attemptSizes(w, h, vector)) {
    const text = decodeDrawn(jsQr, img, aw, ah, 'attemptBoth');
    if (text !== undefined) return text;
  }
  throw new GongzhiError('CONSOLE_QR_NOT_FOUND', `no QR code was read in ${name}`, { width: w, height: h });
}
