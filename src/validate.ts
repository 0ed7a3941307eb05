/**
 * Checks data from the network against a schema through the Standard Schema interface, which
 * valibot's schemas implement: no valibot function is imported, so a bundle carries only the
 * schemas it uses.
 */
import { ValidationError } from './errors.js';

/** The part of the Standard Schema interface (https://standardschema.dev) that helixkit reads. */
export interface Schema<Output = unknown> {
  readonly '~standard': {
    validate(value: unknown): StandardResult<Output> | Promise<StandardResult<Output>>;
  };
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly { readonly message: string; readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] }[] };

/** A schema that takes any value as it is: for bodies whose fields the caller checks itself. */
export const anything: Schema = { '~standard': { validate: (value) => ({ value }) } };

/**
 * Returns `value` as the (synchronous) schema outputs it, or throws a {@link ValidationError}
 * from `source` naming each issue's dotted path below `prefix` (e.g. `payload.event.`).
 */
export function validate<Output>(schema: Schema<Output>, value: unknown, source: string, prefix = ''): Output {
  const result = schema['~standard'].validate(value) as StandardResult<Output>;
  if (!result.issues) return result.value;
  throw new ValidationError(
    source,
    // valibot names each step as `{ key }`; Standard Schema also allows the bare key.
    result.issues.map(({ path = [], message }) => ({
      path: (prefix + path.map((step) => String((step as { key?: PropertyKey }).key ?? step)).join('.')).replace(/\.$/, ''),
      message,
    })),
  );
}
