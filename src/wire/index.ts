/**
 * The wire layer: JSON types of the node API together with their JSON Schemas (TypeBox, one
 * source), and the one CBOR→JSON converter with the ledger views built on it. Imported by the
 * server (src/api) and the SDK (src/sdk); browser-safe, so it imports only src/errors,
 * src/encoding, src/ledger and TypeBox.
 */
export * from './json.js';
export * from './responses.js';
export * from './schema.js';
export * from './views.js';
