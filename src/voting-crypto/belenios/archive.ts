import { BeleniosError, sha256Hex } from './group.js';

/**
 * Belenios' public data (§"Public data"): an old-style tar whose first member is `BELENIOS`
 * (`{version, timestamp}`), followed by `<sha256>.data.json` payloads and `<sha256>.event.json`
 * events chained by `parent`, each name the SHA-256 of its bytes. Appending never rewrites: like
 * Belenios we write no end-of-archive blocks.
 */
export type EventType = 'Setup' | 'Ballot' | 'EndBallots' | 'EncryptedTally' | 'PartialDecryption' | 'Result';

const enc = new TextEncoder();

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

/** One tar member: a 512-byte v7 header (mode 0644, uid/gid 0) and the content padded to 512. */
export function tarMember(name: string, content: Uint8Array, mtime: number): Uint8Array {
  if (enc.encode(name).length > 99) throw new BeleniosError('BAD_SHAPE', 'tar member name too long');
  const h = new Uint8Array(512);
  const put = (off: number, s: string) => h.set(enc.encode(s), off);
  put(0, name);
  put(100, octal(0o644, 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(content.length, 12));
  put(136, octal(mtime, 12));
  put(148, '        ');
  put(156, '0');
  let sum = 0;
  for (const b of h) sum += b;
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  const out = new Uint8Array(512 + Math.ceil(content.length / 512) * 512);
  out.set(h, 0);
  out.set(content, 512);
  return out;
}

/** Read every member of a tar (v7 or ustar) as name → bytes, in order. */
export function readTar(bytes: Uint8Array): { name: string; content: Uint8Array }[] {
  const out: { name: string; content: Uint8Array }[] = [];
  const dec = new TextDecoder();
  let off = 0;
  while (off + 512 <= bytes.length) {
    const h = bytes.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const name = dec.decode(h.subarray(0, 100)).replace(/\0.*$/s, '');
    const size = Number.parseInt(dec.decode(h.subarray(124, 136)).replace(/\0.*$/s, '').trim(), 8);
    if (!Number.isSafeInteger(size) || off + 512 + size > bytes.length)
      throw new BeleniosError('BAD_SHAPE', 'truncated tar');
    out.push({ name, content: bytes.slice(off + 512, off + 512 + size) });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Builds an archive in order: `data()` stores a payload and returns its hash, `event()` chains. */
export class ArchiveWriter {
  private readonly parts: Uint8Array[] = [];
  private parent: string | undefined;
  private height = 0;

  constructor(private readonly timestamp: number) {
    this.parts.push(
      tarMember(
        'BELENIOS',
        enc.encode(JSON.stringify({ version: 1, timestamp: String(timestamp) })),
        timestamp,
      ),
    );
  }

  /** Store a payload (its exact bytes); returns the SHA-256 that names it. */
  data(s: string): string {
    const b = enc.encode(s);
    const h = sha256Hex(b);
    this.parts.push(tarMember(`${h}.data.json`, b, this.timestamp));
    return h;
  }

  event(type: EventType, payload?: string): string {
    const e = JSON.stringify({
      ...(this.parent === undefined ? {} : { parent: this.parent }),
      height: this.height,
      type,
      ...(payload === undefined ? {} : { payload }),
    });
    const b = enc.encode(e);
    const h = sha256Hex(b);
    this.parts.push(tarMember(`${h}.event.json`, b, this.timestamp));
    this.parent = h;
    this.height++;
    return h;
  }

  bytes(): Uint8Array {
    const n = this.parts.reduce((a, p) => a + p.length, 0);
    const out = new Uint8Array(n);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}
