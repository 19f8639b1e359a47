// GS1 EPCIS 2.0 / CBV 2.0 / GS1 Digital Link, off the ledger: schema validation, the canonical
// event hash, identifiers. Used by the trace module (pure parts only), the node, the CLI and tests.
export { epcisBrowserScript, sha256Hex } from './browser.js';
export {
  dlEncode,
  formatDigitalLink,
  type GS1Key,
  gtin14,
  type IdProblem,
  keyOf,
  lotKey,
  type Parsed,
  type ProductId,
  parseGtin,
  parseKey,
  parseProductPath,
  productPath,
  serialKey,
  validKey,
} from './digital-link.js';
export {
  CBV,
  canonicalGs1Uri,
  canonicalTimestamp,
  canonicalValue,
  documentEvents,
  documentIgnoreFields,
  documentPreHashes,
  epcUriToDlPath,
  eventHashHex,
  eventHashUri,
  eventPreHash,
  GS1_ID_DOMAIN,
  GS1_VOC,
  gs1CheckDigit,
  gs1CheckDigitValid,
} from './event-hash.js';
export { type HashedEvent, hashDocument, hashEvent, preHashDigest } from './hash.js';
export { type SchemaProblem, type SchemaResult, validateEpcis } from './schema.js';
export {
  cbvUri,
  type EventSummary,
  GONGZHI_TRACE_NS,
  gongzhiField,
  type IdRole,
  type SensorReading,
  SummaryError,
  type SummaryId,
  scaledInteger,
  sensorReadings,
  summarizeEvent,
} from './summary.js';
