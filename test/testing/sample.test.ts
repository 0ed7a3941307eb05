import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { helixEndpoints } from '../../src/testing/helix.js';
import { sampleFromSchema } from '../../src/testing/sample.js';

describe('sampleFromSchema', () => {
  it('makes a value the schema accepts, for every kind of schema the Helix schemas use', () => {
    const schema = v.looseObject({
      data: v.array(
        v.object({
          id: v.string(),
          created_at: v.pipe(v.string(), v.isoTimestamp()),
          url: v.pipe(v.string(), v.url()),
          uuid: v.pipe(v.string(), v.uuid()),
          short: v.pipe(v.string(), v.minLength(3), v.maxLength(5)),
          count: v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(20)),
          flag: v.boolean(),
          maybe: v.nullable(v.string()),
          optional: v.optional(v.number()),
          nullish: v.nullish(v.boolean()),
          kind: v.picklist(['a', 'b']),
          exact: v.literal('fixed'),
          either: v.union([v.null(), v.string()]),
          tagged: v.variant('type', [v.object({ type: v.literal('x'), x: v.number() })]),
          colour: v.enum({ Red: 'red' }),
          map: v.record(v.string(), v.number()),
          pair: v.tuple([v.string(), v.number()]),
          anything: v.unknown(),
        }),
      ),
      pagination: v.optional(v.looseObject({ cursor: v.optional(v.string()) })),
    });
    const value = sampleFromSchema(schema, 1);
    expect(v.safeParse(schema, value).issues).toBeUndefined();
  });

  it('is deterministic per seed and steers strings by field name', () => {
    const schema = v.object({ user_id: v.string(), started_at: v.string(), thumbnail_url: v.string(), user_login: v.string() });
    expect(sampleFromSchema(schema, 7)).toEqual(sampleFromSchema(schema, 7));
    const value = sampleFromSchema(schema, 7) as Record<string, string>;
    expect(value.user_id).toMatch(/^\d+$/);
    expect(value.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(value.thumbnail_url).toMatch(/^https:\/\//);
  });

  it('stops recursive schemas', () => {
    type Tree = { children: Tree[] };
    const tree: v.GenericSchema<Tree> = v.object({ children: v.array(v.lazy(() => tree)) });
    const value = sampleFromSchema(tree);
    expect(v.safeParse(tree, value).success).toBe(true);
  });

  it('samples a valid body for every Helix response schema, whatever the seed', () => {
    // Generated endpoints carry valibot schemas (the spec type admits any Standard Schema).
    const schemas = helixEndpoints().flatMap((spec) => (spec.response ? [[spec.id, spec.response as v.GenericSchema] as const] : []));
    expect(schemas.length).toBeGreaterThan(100);
    for (const seed of [1, 2, 3]) {
      for (const [id, schema] of schemas) {
        const result = v.safeParse(schema, sampleFromSchema(schema, seed));
        expect(result.issues?.[0]?.message, id).toBeUndefined();
      }
    }
  });
});
