export { bytesEqual, concatBytes, fromBase64Url, fromHex, toBase64Url, toHex, utf8 } from './bytes.js';
export { type CborValue, decodeCanonical, encodeCanonical, encodeWithCborg } from './cbor.js';
