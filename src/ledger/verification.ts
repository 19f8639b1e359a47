import { type ErrorCode, hintFor, isGongzhiError } from '../errors/index.js';

// One result shape for every verifier (evidence certificates in the SDK, credentials in
// src/credentials): it lives here, below both, so the browser SDK and the node side report
// verification the same way and one renderer prints both.

/** One named step of a verification. */
export interface VerificationCheck<Name extends string = string> {
  readonly name: Name;
  readonly ok: boolean;
  /** What was found: why it passed, or what failed (for people, not for programs). */
  readonly detail: string;
  /** Set exactly when `ok` is false: the stable code of the failure, from the one code table. */
  readonly code?: ErrorCode;
}

/**
 * The outcome of a verification: `valid` only when there is at least one check and every check
 * passed; `errors` are the codes of the failed checks, in check order (empty when valid).
 * `Extra` holds what the verifier proved besides (the verified evidence, the disclosed claims).
 */
export type VerificationResult<Extra extends object = Record<never, never>, Name extends string = string> = {
  readonly valid: boolean;
  readonly checks: readonly VerificationCheck<Name>[];
  readonly errors: readonly ErrorCode[];
} & Extra;

/** A passed check. */
export function passedCheck<Name extends string>(name: Name, detail: string): VerificationCheck<Name> {
  return { name, ok: true, detail };
}

/** A failed check with its code. */
export function failedCheck<Name extends string>(
  name: Name,
  code: ErrorCode,
  detail: string,
): VerificationCheck<Name> {
  return { name, ok: false, detail, code };
}

/** The result of `checks`: `valid` and `errors` computed from them, then `extra`. */
export function verificationResult<Name extends string, Extra extends object = Record<never, never>>(
  checks: readonly VerificationCheck<Name>[],
  extra?: Extra,
): VerificationResult<Extra, Name> {
  return {
    valid: checks.length > 0 && checks.every((c) => c.ok),
    checks,
    errors: checks.flatMap((c) => (c.ok || c.code === undefined ? [] : [c.code])),
    ...(extra ?? ({} as Extra)),
  };
}

/** Thrown inside `Checks.check`/`compute` to fail the running check (with another code than its default). */
export class CheckFailure extends Error {
  constructor(
    readonly code: ErrorCode | undefined,
    detail: string,
  ) {
    super(detail);
  }
}

/** Fail the running check; `code` replaces the check's default code. */
export function failCheck(detail: string, code?: ErrorCode): never {
  throw new CheckFailure(code, detail);
}

/**
 * Collects checks in order. `check`/`compute` run a step that throws to fail: a `CheckFailure`
 * gives its detail (and code, if any); any other error fails the step with the step's default
 * code and the error's message (a decoder's GongzhiError keeps its own code in the detail).
 */
export class Checks<Name extends string = string> {
  private readonly items: VerificationCheck<Name>[] = [];

  get list(): readonly VerificationCheck<Name>[] {
    return this.items;
  }

  pass(name: Name, detail: string): true {
    this.items.push(passedCheck(name, detail));
    return true;
  }

  fail(name: Name, code: ErrorCode, detail: string): false {
    this.items.push(failedCheck(name, code, detail));
    return false;
  }

  /** Record `ok` as passed, or as failed with `code`; returns `ok`. */
  add(name: Name, ok: boolean, detail: string, code: ErrorCode): boolean {
    return ok ? this.pass(name, detail) : this.fail(name, code, detail);
  }

  /** Run a step whose value is its detail; true when it passed. */
  check(name: Name, code: ErrorCode, fn: () => string): boolean {
    return this.compute(name, code, () => ({ value: true, detail: fn() })) === true;
  }

  /** Run a step that computes a value; the value when it passed, undefined when it failed. */
  compute<T>(name: Name, code: ErrorCode, fn: () => { value: T; detail: string }): T | undefined {
    let out: { value: T; detail: string };
    try {
      out = fn();
    } catch (e) {
      if (e instanceof CheckFailure) this.fail(name, e.code ?? code, e.message);
      else if (isGongzhiError(e))
        this.fail(name, code, e.code === code ? e.message : `${e.code}: ${e.message}`);
      else this.fail(name, code, e instanceof Error ? e.message : String(e));
      return undefined;
    }
    this.pass(name, out.detail);
    return out.value;
  }

  /** True when every check recorded so far whose name starts with `prefix` passed. */
  allPassed(prefix = ''): boolean {
    return this.items.every((c) => c.ok || !c.name.startsWith(prefix));
  }

  result<Extra extends object = Record<never, never>>(extra?: Extra): VerificationResult<Extra, Name> {
    return verificationResult([...this.items], extra);
  }
}

/**
 * Lines for people: one per check (`✓ name  detail`, or `✗ name  CODE  detail` followed by the
 * code's hint), then a summary line. Used by the CLI and the demos so both read alike.
 */
export function formatVerification(result: VerificationResult<object>): string[] {
  const width = Math.max(0, ...result.checks.map((c) => c.name.length));
  const lines: string[] = [];
  for (const c of result.checks) {
    const name = c.name.padEnd(width);
    if (c.ok) {
      lines.push(`✓ ${name}  ${c.detail}`);
      continue;
    }
    lines.push(`✗ ${name}  ${c.code ?? 'FAILED'}  ${c.detail}`);
    const hint = c.code === undefined ? '' : hintFor(c.code);
    if (hint !== '') lines.push(`  ${' '.repeat(width)}  hint: ${hint}`);
  }
  lines.push(
    result.valid
      ? `valid: all ${result.checks.length} checks passed`
      : `INVALID: ${result.errors.length} of ${result.checks.length} checks failed (${[...new Set(result.errors)].join(', ')})`,
  );
  return lines;
}
