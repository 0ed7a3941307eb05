/**
 * Runs the built schemas (dist/, so `npm run build` first) over the evidence corpus and writes
 * test/corpus/MISMATCHES.md: every refusal grouped by schema component, with the evidence, so a
 * new case that test/corpus/corpus.test.ts fails on can be judged. Each row ends either as an
 * erratum of a generator (Twitch sends it) or as an exclusion in gen-corpus.ts (the source is
 * wrong); the table is empty while every case passes.
 *
 *   npm run build && npx node scripts/corpus-report.ts [../shared/twitch/helix-openapi.json]
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, endpointsById, loadCorpus, type CorpusCase, type Finding, type Library } from '../test/corpus/check.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const referencePath = process.argv[2] ?? join(root, '../shared/twitch/helix-openapi.json');

const dist = (path: string) => import(join(root, 'dist', path)) as Promise<Record<string, any>>;
const library: Library = {
  helix: await dist('index.js'),
  eventTypes: (await dist('eventsub/schemas.js')).subscriptionTypes,
  parseEventSubMessage: (await dist('eventsub/index.js')).parseEventSubMessage,
};
const endpoints = endpointsById(library.helix);

// ---------------------------------------------------------------------------------------------
// Naming a path by the reference's schema component that owns it (`data.0.tags` → `Stream.tags`).

type Json = Record<string, any>;
const { readFileSync } = await import('node:fs');
const reference = JSON.parse(readFileSync(referencePath, 'utf8')) as Json;
const refName = (schema: Json | undefined) => (schema?.$ref ? String(schema.$ref).split('/').pop()! : undefined);
const resolve = (schema: Json | undefined): Json | undefined =>
  schema?.$ref ? resolve(reference.components.schemas[refName(schema)!]) : schema;

const responseSchemas = new Map<string, Json>();
for (const methods of Object.values(reference.paths as Json)) {
  for (const op of Object.values(methods as Json) as Json[]) {
    const success = Object.entries(op.responses as Json).find(([status]) => status.startsWith('2'));
    const schema = success?.[1].content?.['application/json']?.schema;
    if (schema) responseSchemas.set(op.operationId, schema);
  }
}

/** `Component.rest.of.path`, naming the innermost named schema the path passes through. */
function component(item: CorpusCase, path: string): string {
  const steps = path.split('.').filter((step) => step !== '');
  if (item.kind === 'eventsub') {
    const generic = steps.map((step) => (/^\d+$/.test(step) ? '[]' : step)).join('.').replaceAll('.[]', '[]');
    if (item.target === 'envelope' || /^(payload\.)?(subscription\.(?!condition)|metadata|session)/.test(generic.replace(/^payload\./, 'payload.'))) {
      return `EventSub envelope: ${generic.replace(/^payload\./, '')}`;
    }
    return `${item.target} ${generic.replace(/^payload\./, '')}`;
  }
  let schema: Json | undefined = responseSchemas.get(item.target);
  let name = refName(schema) ?? `${item.target} response`;
  let rest: string[] = [];
  for (const step of steps) {
    const current = resolve(schema);
    if (/^\d+$/.test(step)) {
      schema = current?.items;
      if (rest.length) rest[rest.length - 1] += '[]';
    } else {
      schema = current?.properties?.[step];
      rest.push(step);
    }
    const named = refName(schema);
    if (named && step !== steps[steps.length - 1]) {
      name = named;
      rest = [];
    }
  }
  return rest.length ? `${name}.${rest.join('.')}` : name;
}

// ---------------------------------------------------------------------------------------------
// What the evidence holds at a path.

function valueAt(item: CorpusCase, path: string): { found: boolean; value: unknown; parent: unknown } {
  let value: unknown = item.wrap ? { data: [item.body] } : item.body;
  if (item.kind === 'eventsub' && item.what === 'event') value = item.body;
  let parent: unknown;
  for (const step of path.split('.').filter(Boolean)) {
    if (typeof value !== 'object' || value === null || !(step in value)) return { found: false, value: undefined, parent: value };
    parent = value;
    value = (value as Record<string, unknown>)[step];
  }
  return { found: true, value, parent };
}

function describe(item: CorpusCase, finding: Finding): string {
  if (finding.path === '<no schema>') return 'no schema to check it against';
  const { found, value, parent } = valueAt(item, finding.path);
  if (!found) {
    const last = finding.path.split('.').pop()!;
    const squash = (key: string) => key.toLowerCase().replaceAll('_user_', '_').replaceAll('_', ''); // URL ~ url, broadcaster_id ~ broadcaster_user_id
    const twin = typeof parent === 'object' && parent !== null ? Object.keys(parent).find((key) => key !== last && squash(key) === squash(last)) : undefined;
    return twin ? `absent, spelled \`${twin}\`` : 'absent';
  }
  if (value === null) return 'null';
  if (value === '') return 'empty string';
  if (typeof value === 'string') return /^\d+$/.test(value) ? 'numeric string' : 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (Array.isArray(value)) return value.length ? 'array' : 'empty array';
  return typeof value;
}

// ---------------------------------------------------------------------------------------------

const files = loadCorpus();
interface Row {
  component: string;
  expected: string;
  evidence: string;
  cases: CorpusCase[];
}
const rows = new Map<string, Row>();
let total = 0;
let failing = 0;
for (const file of files) {
  for (const item of file.cases) {
    total++;
    const found = check(library, item, endpoints);
    if (!found.length) continue;
    failing++;
    for (const finding of found) {
      const name = component(item, finding.path);
      const evidence = describe(item, finding);
      const key = `${name}\u0000${evidence}`;
      const row = rows.get(key) ?? { component: name, expected: finding.expected, evidence, cases: [] };
      if (!row.cases.includes(item)) row.cases.push(item);
      rows.set(key, row);
    }
  }
}

const cite = (item: CorpusCase) =>
  `${item.from.repo}${item.from.commit ? '@' + item.from.commit.slice(0, 8) : ''} ${item.from.path}${item.from.at ? ` (${item.from.at})` : ''}`;
const sourceOf = (item: CorpusCase) => item.id.split(':')[0]!;

// Coverage: which operations with a JSON body, and which (type, version) pairs, have evidence.
const covered = new Set(files.flatMap((file) => file.cases.map((item) => item.target)));
const bodyOps = [...responseSchemas.keys()].sort();
const eventKeys = (JSON.parse(readFileSync(join(dirname(referencePath), 'eventsub-subscription-types.json'), 'utf8')) as { type: string; version: string }[])
  .map((entry) => `${entry.type}@${entry.version}`)
  .sort();
const missingOps = bodyOps.filter((id) => !covered.has(id));
const missingTypes = eventKeys.filter((key) => !covered.has(key));
const perSource = files.map((file) => `${file.source} ${file.cases.length} cases (${file.excluded.length} excluded)`).join('; ');

const byComponent = [...rows.values()].sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : a.evidence < b.evidence ? -1 : 1));
const lines = [
  '# Evidence the schemas refuse',
  '',
  'Written by `npx node scripts/corpus-report.ts` from the cases in `test/corpus/cases/` (see',
  '`scripts/gen-corpus.ts` for where each comes from). One row per schema component, field and kind of',
  'evidence; "sources" counts corpus sources (several SDKs copy Twitch\'s examples, so sources are not',
  'always independent). The notes under the table are written by hand in `test/corpus/NOTES.md`.',
  '',
  `${failing} of ${total} cases have at least one mismatch; ${rows.size} distinct (field, evidence) rows.`,
  '',
  `Sources: ${perSource}.`,
  '',
  `Coverage: ${bodyOps.length - missingOps.length} of ${bodyOps.length} Helix operations with a JSON body have evidence` +
    (missingOps.length ? ` (none for ${missingOps.join(', ')})` : '') +
    `; ${eventKeys.length - missingTypes.length} of ${eventKeys.length} EventSub (type, version) pairs` +
    (missingTypes.length ? ` (none for ${missingTypes.join(', ')})` : '') +
    '.',
  '',
  '| component.field | schema expects | evidence | cases | sources | evidence (first case per source) |',
  '| --- | --- | --- | --- | --- | --- |',
];
for (const row of byComponent) {
  const sources = [...new Set(row.cases.map(sourceOf))];
  const firsts = sources.map((source) => row.cases.find((item) => sourceOf(item) === source)!);
  const escape = (text: string) => text.replaceAll('|', '\\|');
  lines.push(
    `| \`${escape(row.component)}\` | ${escape(row.expected)} | ${escape(row.evidence)} | ${row.cases.length} | ${sources.join(', ')} | ${firsts.map((item) => escape(cite(item))).join('<br>')} |`,
  );
}
let notes = '';
try {
  notes = readFileSync(join(root, 'test/corpus/NOTES.md'), 'utf8');
} catch {
  // no notes yet
}
writeFileSync(join(root, 'test/corpus/MISMATCHES.md'), lines.join('\n') + '\n' + (notes ? '\n' + notes : ''));
console.log(`${total} cases, ${failing} with mismatches, ${rows.size} rows`);
