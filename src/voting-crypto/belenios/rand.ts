import { createHash, randomBytes } from 'node:crypto';
import { Q } from './group.js';
import type { Rand } from './proofs.js';

/** Fresh scalars from the OS CSPRNG (512 bits reduced mod q: no visible bias). Clients only. */
export const secureRand: Rand = () => BigInt(`0x${randomBytes(64).toString('hex')}`) % Q;

/** Reproducible scalars from a label (tests, demos, golden vectors): SHA-512(label ‖ counter) mod q. */
export function seededRand(label: string): Rand {
  let n = 0;
  return () => BigInt(`0x${createHash('sha512').update(`${label}/${n++}`).digest('hex')}`) % Q;
}
