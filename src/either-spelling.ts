/**
 * A response field Twitch spells two ways (its field table one, an answer it documents the other):
 * the generated schemas take either spelling, but not neither, since a body without the field is
 * as wrong as one without any other required field. Used by src/helix/ (see scripts/gen-helix.ts).
 */
import { pipe, rawCheck, type GenericSchema, type InferOutput } from 'valibot';

/**
 * `T` where field `A` is there, or else `B` is: `A` is the reference's spelling, so it wins when
 * both are sent, and `a ?? b` reads the value either way.
 */
export type Spelled<T, A extends keyof T, B extends keyof T> = T &
  ({ [K in A]-?: Exclude<T[K], undefined> } | ({ [K in A]?: undefined } & { [K in B]-?: Exclude<T[K], undefined> }));

/**
 * `schema` (an object schema in which `a` and `b` are both optional) refusing an object with
 * neither: the issue names field `a`, expected `"a" or "b"`, received `undefined`, as valibot
 * reports any missing field (expected `"a"`).
 */
export function eitherSpelling<
  S extends GenericSchema<unknown, object>,
  A extends keyof InferOutput<S> & string,
  B extends keyof InferOutput<S> & string,
>(schema: S, a: A, b: B): GenericSchema<unknown, Spelled<InferOutput<S>, A, B>> {
  const check = rawCheck<unknown>(({ dataset, addIssue }) => {
    const value = dataset.value as Record<string, unknown> | null;
    // Not an object: the object schema has said so already.
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value[a] !== undefined || value[b] !== undefined) return;
    addIssue({
      // Names from the schema, never a value from the data.
      expected: `"${a}" or "${b}"`,
      received: 'undefined',
      input: undefined,
      path: [{ type: 'object', origin: 'value', input: value, key: a, value: undefined }],
    });
  });
  return pipe(schema as GenericSchema, check) as never;
}
