/**
 * Values that may appear on the ledger. Deliberately small: no floats, no undefined,
 * no tags, only text keys in maps. Integers outside the safe range travel as bigint.
 */
export type CborValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly CborValue[]
  | { readonly [key: string]: CborValue };
