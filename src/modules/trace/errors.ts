import { defineErrors } from '../../execution/index.js';

/**
 * The trace module's codes. TRACE_SCHEMA_INVALID and TRACE_HASH_MISMATCH are raised off the
 * ledger (the recording node, the CLI) before anything is submitted; the rest by the module.
 */
export const TRACE_ERRORS = defineErrors({
  TRACE_NOT_PARTICIPANT: [
    403,
    'Only accounts of a registered participant record events: ask the trace admin to register your organisation.',
  ],
  TRACE_BIZSTEP_DENIED: [
    403,
    'Your organisation is not registered for this bizStep (see the participants query); record only your own steps.',
  ],
  TRACE_UNKNOWN_ORIGIN: [
    403,
    'New goods appear only at a registered garden of the recording organisation: register the garden (its GLN) first.',
  ],
  TRACE_OVER_CAPACITY: [
    409,
    'The garden’s registered area × yield for this season is used up: the quantity cannot be its genuine product.',
  ],
  TRACE_OVER_RATIO: [
    409,
    'The outputs weigh more than the inputs allow at the product’s ratio (e.g. 4:1 fresh leaf to dry tea).',
  ],
  TRACE_INSUFFICIENT: [
    409,
    'An input is used up (or asks for more than remains): check the lot’s remaining quantity.',
  ],
  TRACE_DUPLICATE_COMMISSION: [
    409,
    'This lot or serial was commissioned already; a serial is commissioned once.',
  ],
  TRACE_ALREADY_SOLD: [
    409,
    'This item was sold already: a second sale of the same serial points to a cloned code.',
  ],
  TRACE_NOT_CUSTODIAN: [
    403,
    'Only the current custodian of an item may ship, transform, pack, unpack or sell it: its custodian ships it, then you receive it.',
  ],
  TRACE_IN_TRANSIT: [
    409,
    'The item was shipped and is not received yet: the receiver records receiving (or the shipper voids the shipment).',
  ],
  TRACE_NOT_SHIPPED: [
    409,
    'Receiving needs the item shipped by its custodian first (and not received since); voiding needs a shipment of yours.',
  ],
  TRACE_NOT_DESTINATION: [
    403,
    'The shipment names another destination party (its destinationList): only that participant (its registered GLN) receives it; the shipper voids and reships to change it.',
  ],
  TRACE_IN_CONTAINER: [
    409,
    'The item is packed in a container: ship or receive the container, or unpack the item (AggregationEvent DELETE) first.',
  ],
  TRACE_BAD_ASSOCIATION: [
    400,
    'An AssociationEvent names one parentID, and an ADD at least one child (childEPCs / childQuantityList).',
  ],
  TRACE_ALREADY_ASSOCIATED: [
    409,
    'This child is associated with another parent: disassociate it there (AssociationEvent DELETE) first.',
  ],
  TRACE_NOT_ASSOCIATED: [
    409,
    'This child is not associated with this parent: OBSERVE and DELETE name only current children.',
  ],
  TRACE_EVENT_EXISTS: [409, 'An event with this canonical hash is on the ledger already; nothing to do.'],
  TRACE_UNKNOWN_ID: [
    404,
    'No such lot, serial or container on the ledger: record the event that creates it first.',
  ],
  TRACE_UNKNOWN_PRODUCT: [404, 'Register the product (GTIN, unit weight, ratio) with the trace admin first.'],
  TRACE_UNKNOWN_PARTICIPANT: [404, 'No participant with this id: list them with the participants query.'],
  TRACE_NOT_FOUND: [404, 'Nothing recorded under this hash or identifier: check it, or the group.'],
  TRACE_ACCOUNT_TAKEN: [
    409,
    'This account belongs to another participant already; one account, one participant.',
  ],
  TRACE_BAD_GTIN: [
    400,
    'The GTIN’s check digit is wrong (weights 3,1,3… from the right, excluding the check digit): re-read the code.',
  ],
  TRACE_BAD_ID: [
    400,
    'Identifiers are canonical GS1 Digital Link paths: 01/<gtin>/10/<lot>, 01/<gtin>/21/<serial>, 00/<sscc>.',
  ],
  TRACE_BAD_QUANTITY: [
    400,
    'Give quantities in KGM or GRM (whole grams) or as item counts of a product with a unit weight.',
  ],
  TRACE_LIMIT: [409, 'A list on the ledger is full (participants, gardens, places…); ask the trace admin.'],
  TRACE_SCHEMA_INVALID: [
    400,
    'The event does not validate against GS1’s EPCIS 2.0 JSON Schema: fix the fields named.',
  ],
  TRACE_SUMMARY_MISMATCH: [
    400,
    'The transaction’s summary is not the event’s: build the trace.record arguments from the event itself.',
  ],
  TRACE_HASH_MISMATCH: [
    400,
    'The event document does not hash (CBV 2.0) to the hash given or recorded: it was altered, or the wrong one.',
  ],
});

type Codes = { readonly [K in keyof typeof TRACE_ERRORS]: true };
declare module '../../errors/codes.js' {
  interface ModuleErrorCodes extends Codes {}
}
