import { type ErrorCode, hintFor } from './codes.js';

/** Serializable detail values attached to an error. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | null | undefined>>;

/**
 * The single base error of the library: a stable `code` plus structured `details`.
 * Everything thrown on purpose by Gongzhi code is a GongzhiError.
 */
export class GongzhiError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GongzhiError';
    this.code = code;
    this.details = details;
  }

  /** What the caller can do about it (from the one code table; '' for an unknown code). */
  get hint(): string {
    return hintFor(this.code);
  }

  /** The same hint in Chinese (the English one where the code has no Chinese hint). */
  get hintZh(): string {
    return hintFor(this.code, 'zh-CN');
  }

  /** JSON shape used by the API: `{ code, message, details, hint }`. */
  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails; hint: string } {
    return { code: this.code, message: this.message, details: this.details, hint: this.hint };
  }
}

/** Type guard that also narrows on a specific code when given. */
export function isGongzhiError(e: unknown, code?: ErrorCode): e is GongzhiError {
  return e instanceof GongzhiError && (code === undefined || e.code === code);
}

/** Throw a GongzhiError with `code` unless `cond` holds. */
export function ensure(
  cond: unknown,
  code: ErrorCode,
  message: string,
  details?: ErrorDetails,
): asserts cond {
  if (!cond) throw new GongzhiError(code, message, details);
}
