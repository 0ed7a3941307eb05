/**
 * Checks data from the network against a schema through the Standard Schema interface, which
 * valibot's schemas implement: no valibot function is imported, so a bundle carries only the
 * schemas it uses.
 */
import { ValidationError, type ValidationIssue } from './errors.js';

/** The part of the Standard Schema interface (https://standardschema.dev) that helixkit reads. */
export interface Schema<Output = unknown> {
  readonly '~standard': {
    validate(value: unknown): StandardResult<Output> | Promise<StandardResult<Output>>;
  };
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardIssue[] };

/** A Standard Schema issue; valibot's also carry `expected` and `input`, which are read when present. */
interface StandardIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[];
  readonly expected?: unknown;
  readonly input?: unknown;
}

/**
 * How data from the network is checked: `'report'` delivers it as received and reports each
 * mismatch, `'strict'` refuses it with a `ValidationError`, `false` does not check.
 * @inline
 */
export type ValidateMode = 'report' | 'strict' | false;

/** Reads a `validate` option: `true` is `'strict'`, absent is `'report'`. */
export const modeOf = (option: ValidateMode | boolean | undefined): ValidateMode =>
  option === true ? 'strict' : option ?? 'report';

/** A schema that takes any value as it is: for bodies whose fields the caller checks itself. */
export const anything: Schema = { '~standard': { validate: (value) => ({ value }) } };

/** An issue at `path`: what was expected there, and the type (never the value) that came. */
export const issueAt = (path: string, expected: string, value: unknown): ValidationIssue => {
  const received = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return { path, expected, received, message: `expected ${expected}, received ${received}` };
};

/**
 * Checks `value` against a (synchronous) schema. Returns undefined when it fits, else a
 * {@link ValidationError} from `source` that names each issue's path below `prefix` (e.g.
 * `payload.event.`) with the expected and received types, and carries `body` (default `value`).
 */
export function check(schema: Schema, value: unknown, source: string, prefix = '', body: unknown = value): ValidationError | undefined {
  const { issues } = schema['~standard'].validate(value) as StandardResult<unknown>;
  return (
    issues &&
    new ValidationError(
      source,
      issues.map((issue): ValidationIssue => {
        // valibot names each step as `{ key }`; Standard Schema also allows the bare key. A key
        // that is not a field-like name is data (a record's key could hold anything): shown as `*`.
        const path = (
          prefix +
          (issue.path ?? [])
            // (The step becomes its key's text: a parameter reused, not a new variable, 3 B less.)
            .map((step) => ((step = String((step as { key?: PropertyKey }).key ?? step)), /^\w{1,40}$/.test(step) ? step : '*'))
            .join('.')
        ).replace(/\.$/, '');
        // valibot's `expected` comes from the schema (a type or its own literals), never from the data.
        return issueAt(path, typeof issue.expected === 'string' ? issue.expected : 'another value', issue.input);
      }),
      body,
    )
  );
}

/** Returns `value` as the schema outputs it, or throws the {@link ValidationError} of {@link check}. */
export function validate<Output>(schema: Schema<Output>, value: unknown, source: string, prefix = ''): Output {
  const result = schema['~standard'].validate(value) as StandardResult<Output>;
  // (A mismatch goes through the schema once more, in `check`, which builds the error: only a
  // failure pays for that.)
  if (result.issues) throw check(schema, value, source, prefix);
  return result.value;
}

let warned: Set<string> | undefined;

/**
 * The default `onInvalid`: one `console.warn` per source and path (array indices folded) per
 * process, so a list of a thousand items with the same surprise warns once.
 */
export function warnOnce(error: ValidationError): void {
  warned ??= new Set();
  for (const { path, message } of error.issues) {
    // (Digits folded: `data.0.x` and `data.1.x` are one place; a key is never shown.)
    const key = error.source + path.replace(/\d+/g, '*');
    if (warned.has(key)) continue;
    warned.add(key);
    console.warn(`helixkit: ${error.source} ${path}: ${message} (delivered as received; see onInvalid)`);
  }
}
