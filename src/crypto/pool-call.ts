/**
 * Calls of a function by module URL on the verify pool's workers (besides signature batches):
 * the worker imports `entry` once and maps `inputs` through its export `fn`. Generic on purpose:
 * the pool (layer 3) knows nothing of what it runs; the node names an entry of its own layer
 * (e.g. the modules' admission jobs). `fn` must not throw for one input: it reports per input.
 */
export interface CallRequest {
  readonly id: number;
  readonly call: { readonly entry: string; readonly fn: string; readonly inputs: readonly unknown[] };
}

export type CallResponse =
  | { readonly id: number; readonly ok: true; readonly outputs: readonly unknown[] }
  | { readonly id: number; readonly ok: false; readonly message: string };

const loaded = new Map<string, Promise<Record<string, unknown>>>();

/** `entry`'s export `fn` applied to each input (the module imported once per thread). */
export async function callEach(entry: string, fn: string, inputs: readonly unknown[]): Promise<unknown[]> {
  let mod = loaded.get(entry);
  if (mod === undefined) {
    mod = import(entry) as Promise<Record<string, unknown>>;
    loaded.set(entry, mod);
  }
  const f = (await mod)[fn];
  if (typeof f !== 'function') throw new Error(`${entry} has no function ${fn}`);
  return inputs.map((x) => f(x));
}

export function isCallRequest(req: unknown): req is CallRequest {
  return typeof req === 'object' && req !== null && 'call' in req;
}
