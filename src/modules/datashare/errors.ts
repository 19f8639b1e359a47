import { defineErrors } from '../../execution/index.js';

/** The datashare module's codes (cross-department sharing, issue 11 X). */
export const DATASHARE_ERRORS = defineErrors({
  DATASHARE_EXISTS: [
    409,
    'A dataset with this id is in the catalogue already: pick another id or add a version.',
  ],
  DATASHARE_NOT_FOUND: [
    404,
    'No such dataset, request or delivery: check the id (datashare.catalogue lists datasets).',
  ],
  DATASHARE_NOT_OWNER: [403, 'Only an account of the owning department (role org:<dept>) may do this.'],
  DATASHARE_NOT_MEMBER: [403, 'The account does not act for that department (it needs the role org:<dept>).'],
  DATASHARE_NOT_SHARED: [
    403,
    'The dataset’s sharing class is not-shared: ask the owner for an answer instead.',
  ],
  DATASHARE_BAD_FIELDS: [
    422,
    'Some fields are not in the dataset (or not in the request): use the catalogue’s names.',
  ],
  DATASHARE_NOT_PENDING: [409, 'The request was decided already: file a new request.'],
  DATASHARE_NOT_GRANTED: [403, 'There is no live grant for this request: it is pending or was refused.'],
  DATASHARE_REVOKED: [403, 'The grant was revoked: file a new request.'],
  DATASHARE_EXPIRED: [403, 'The grant has expired: file a new request.'],
  DATASHARE_BAD_EXPIRY: [422, 'A grant must expire after the current block time.'],
  DATASHARE_NO_VERSION: [404, 'The dataset has no such version: list its versions in the catalogue.'],
  DATASHARE_DIGEST_MISMATCH: [
    422,
    'The digest differs from the catalogue’s: the data received is not the version published; do not use it.',
  ],
  DATASHARE_LIMIT: [409, 'The grant allows no more deliveries (or the list is full): file a new request.'],
  DATASHARE_WRONG_KIND: [
    409,
    'Data requests are delivered, answer requests are answered: use the other method.',
  ],
  DATASHARE_CONFIRMED: [409, 'This delivery was confirmed already.'],
  DATASHARE_UNAUTHENTICATED: [
    401,
    'The delivery request is not signed by the account that opened the delivery.',
  ],
  DATASHARE_UNAVAILABLE: [404, 'The owner’s node does not hold this version: it must place the file first.'],
  DATASHARE_SERVED: [409, 'This delivery was served already: open a new delivery (datashare.deliver).'],
});

type Codes = { readonly [K in keyof typeof DATASHARE_ERRORS]: true };
declare module '../../errors/codes.js' {
  interface ModuleErrorCodes extends Codes {}
}
