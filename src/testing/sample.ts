/**
 * Makes a value that a valibot schema accepts, by walking the schema object. The fake Twitch
 * answers operations it keeps no state for with such a value, so every body it sends passes the
 * same validation a real client applies. Field names steer strings toward Twitch-looking values
 * (`*_at` → a timestamp, `*_id` → a numeric id, `*url` → a URL).
 */
import { safeParse, type GenericSchema } from 'valibot';
import { prng } from './state.js';

/** The parts of a valibot schema or action this walker reads. */
interface Node {
  readonly kind?: string;
  readonly type: string;
  readonly entries?: Readonly<Record<string, Node>>;
  readonly item?: Node;
  readonly items?: readonly Node[];
  readonly wrapped?: Node;
  readonly options?: readonly unknown[];
  readonly literal?: unknown;
  readonly enum?: Readonly<Record<string, unknown>>;
  readonly key?: Node;
  readonly value?: Node;
  readonly rest?: Node;
  readonly pipe?: readonly Node[];
  readonly requirement?: unknown;
  readonly getter?: (input: unknown) => Node;
  readonly default?: unknown;
}


interface Walk {
  readonly random: () => number;
  depth: number;
}

const FIXED_TIME = '2024-01-15T12:00:00Z';

function digits(walk: Walk, length: number): string {
  let text = String(1 + Math.floor(walk.random() * 9));
  while (text.length < length) text += String(Math.floor(walk.random() * 10));
  return text;
}

function uuid(walk: Walk): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += '0123456789abcdef'[Math.floor(walk.random() * 16)];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** Candidate strings for a field, most fitting first. */
function stringCandidates(walk: Walk, key: string): string[] {
  const name = key.toLowerCase();
  const byName: string[] = [];
  if (/(_at|_time|^date|_date|timestamp|^started|^ended)$/.test(name)) byName.push(FIXED_TIME);
  if (/url$|^url|callback/.test(name)) byName.push(`https://example.com/${name}`);
  if (name === 'id' || name.endsWith('_id')) byName.push(digits(walk, 9));
  if (/login$/.test(name)) byName.push(`user${digits(walk, 4)}`);
  if (/(_name|^name|title)$/.test(name)) byName.push(`Sample ${name.replace(/_/g, ' ')}`);
  if (/color$/.test(name)) byName.push('#9147FF');
  if (name === 'email') byName.push('someone@example.com');
  if (name === 'duration') byName.push('1h2m3s');
  if (name === 'language' || name.endsWith('_language')) byName.push('en');
  if (name === 'tier') byName.push('1000');
  return [
    ...byName,
    `sample ${name || 'text'}`,
    FIXED_TIME,
    digits(walk, 9),
    uuid(walk),
    `https://example.com/${name || 'x'}`,
    '#9147FF',
    'someone@example.com',
    '2024-01-15',
    '',
  ];
}

/** Applies the length and value requirements of a string's pipe to a candidate. */
function fitString(text: string, pipe: readonly Node[]): string {
  let result = text;
  for (const action of pipe) {
    const n = typeof action.requirement === 'number' ? action.requirement : undefined;
    if (n === undefined) continue;
    if ((action.type === 'min_length' || action.type === 'length' || action.type === 'min_graphemes') && result.length < n) {
      result = result.padEnd(n, 'x');
    }
    if ((action.type === 'max_length' || action.type === 'length' || action.type === 'max_graphemes') && result.length > n) {
      result = result.slice(0, n);
    }
  }
  return result;
}

function numberFor(pipe: readonly Node[], key: string): number {
  let min = -Infinity;
  let max = Infinity;
  for (const action of pipe) {
    const n = typeof action.requirement === 'number' ? action.requirement : undefined;
    if (n === undefined) continue;
    if (action.type === 'min_value') min = Math.max(min, n);
    if (action.type === 'gt_value') min = Math.max(min, Math.floor(n) + 1);
    if (action.type === 'max_value') max = Math.min(max, n);
    if (action.type === 'lt_value') max = Math.min(max, Math.ceil(n) - 1);
  }
  const wanted = /count|total|cost|points|votes|amount|seconds|duration|^value$|level/.test(key) ? 1 : 0;
  return Math.min(Math.max(wanted, min), max);
}

function sample(node: Node, walk: Walk, key: string): unknown {
  const pipe = node.pipe ?? [];
  switch (node.type) {
    case 'string': {
      for (const candidate of stringCandidates(walk, key)) {
        const text = fitString(candidate, pipe);
        if (pipe.length === 0 || safeParse(node as unknown as GenericSchema, text).success) return text;
      }
      return fitString('sample', pipe);
    }
    case 'number':
      return numberFor(pipe, key);
    case 'bigint':
      return 0n;
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'undefined':
    case 'void':
      return undefined;
    case 'literal':
      return node.literal;
    case 'picklist':
      return node.options?.[0];
    case 'enum':
      return Object.values(node.enum ?? {})[0];
    case 'date':
      return new Date(FIXED_TIME);
    case 'nullable':
    case 'nullish':
    case 'optional':
    case 'exact_optional':
    case 'undefinedable':
    case 'non_nullable':
    case 'non_nullish':
    case 'non_optional':
      return node.wrapped ? sample(node.wrapped, walk, key) : null;
    case 'object':
    case 'loose_object':
    case 'strict_object':
    case 'object_with_rest': {
      const result: Record<string, unknown> = {};
      for (const [name, entry] of Object.entries(node.entries ?? {})) {
        const value = sample(entry, walk, name);
        if (value !== undefined) result[name] = value;
      }
      return result;
    }
    case 'array': {
      // Deep nesting gets empty arrays so recursive shapes stay small.
      if (!node.item || walk.depth > 6) return [];
      walk.depth++;
      const value = [sample(node.item, walk, key)];
      walk.depth--;
      return value;
    }
    case 'tuple':
    case 'loose_tuple':
    case 'strict_tuple':
    case 'tuple_with_rest':
      return (node.items ?? []).map((item) => sample(item, walk, key));
    case 'record':
      return {};
    case 'union':
    case 'variant': {
      const options = (node.options ?? []) as Node[];
      const nonNull = options.find((option) => option.type !== 'null' && option.type !== 'undefined');
      return sample(nonNull ?? options[0]!, walk, key);
    }
    case 'intersect': {
      const parts = ((node.options ?? []) as Node[]).map((option) => sample(option, walk, key));
      return parts.every((part) => typeof part === 'object' && part !== null) ? Object.assign({}, ...parts) : parts[0];
    }
    case 'lazy': {
      // Arrays end recursion (they go empty when deep); this bound only guards odd shapes.
      if (!node.getter || walk.depth > 12) return null;
      walk.depth++;
      const value = sample(node.getter(undefined), walk, key);
      walk.depth--;
      return value;
    }
    case 'any':
    case 'unknown':
      return {};
    default:
      return null;
  }
}

/**
 * A value the schema accepts, the same for the same seed. Optional fields are filled, nullable
 * ones get a value, arrays hold one item, unions take their first non-null option.
 */
export function sampleFromSchema(schema: GenericSchema<unknown> | object, seed = 1): unknown {
  return sample(schema as Node, { random: prng(seed), depth: 0 }, '');
}
