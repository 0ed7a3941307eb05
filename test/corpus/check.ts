/**
 * Runs our schemas over one corpus case and names every place they refuse it. It imports nothing
 * from src/: the test passes in the source modules, scripts/corpus-report.ts the built ones, so
 * both judge a case the same way.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One corpus case, as scripts/gen-corpus.ts writes it. */
export interface CorpusCase {
  id: string;
  kind: 'helix' | 'eventsub';
  target: string;
  what: string;
  wrap?: 'data[0]';
  from: { repo: string; commit: string; path: string; at?: string; docs?: string };
  body: unknown;
}
export interface CorpusFile {
  source: string;
  repo: string;
  commit: string;
  cases: CorpusCase[];
  /** Payloads wrong at their source, with the reason; bodies kept for the default-mode test. */
  excluded: (CorpusCase & { why: string })[];
}

/** Where a schema refused a case: the path inside the validated body, what it wanted, what it got. */
export interface Finding {
  path: string;
  expected: string;
  received: string;
}

interface StandardSchema {
  '~standard': { validate(value: unknown): unknown };
}
type Issue = { message: string; expected?: string | null; received?: string; path?: readonly (PropertyKey | { key: PropertyKey })[] };

/** What the checker needs from the library, passed in by the caller. */
export interface Library {
  /** Every export of the Helix module (endpoint functions carry `endpoint.response`). */
  helix: Record<string, unknown>;
  /** `subscriptionTypes` of the EventSub schemas module, keyed `type@version`. */
  eventTypes: Record<string, { condition: StandardSchema; event: StandardSchema }>;
  parseEventSubMessage(json: unknown): unknown;
}

const casesDir = fileURLToPath(new URL('./cases/', import.meta.url));

/** Every corpus file, in a stable order. */
export function loadCorpus(): CorpusFile[] {
  return readdirSync(casesDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(casesDir + file, 'utf8')) as CorpusFile);
}

const keyOf = (step: PropertyKey | { key: PropertyKey }) => String(typeof step === 'object' ? step.key : step);

function findings(schema: StandardSchema, value: unknown, prefix: string): Finding[] {
  const result = schema['~standard'].validate(value) as { issues?: readonly Issue[] };
  return (result.issues ?? []).map((issue) => ({
    path: prefix + (issue.path ?? []).map(keyOf).join('.'),
    // valibot names a missing key as the expected value; say what it means instead.
    expected: issue.received === 'undefined' ? 'present' : (issue.expected ?? issue.message),
    received: issue.received ?? '',
  }));
}

/** The Helix endpoint functions by operation id. */
export function endpointsById(helix: Record<string, unknown>): Map<string, { response?: StandardSchema }> {
  const map = new Map<string, { response?: StandardSchema }>();
  for (const fn of Object.values(helix)) {
    const endpoint = (fn as { endpoint?: { id: string; response?: StandardSchema } } | undefined)?.endpoint;
    if (endpoint?.id) map.set(endpoint.id, endpoint);
  }
  return map;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Everything our schemas refuse in a case, sorted by path. A Helix body goes through its endpoint's
 * response schema; an EventSub message through `parseEventSubMessage` (the envelope) and then its
 * condition and event(s) through the (type, version) schemas. `<no schema>` marks a target with
 * no schema at all.
 */
export function check(library: Library, item: CorpusCase, endpoints = endpointsById(library.helix)): Finding[] {
  const out: Finding[] = [];
  if (item.kind === 'helix') {
    const endpoint = endpoints.get(item.target);
    if (!endpoint?.response) return [{ path: '<no schema>', expected: `a response schema for ${item.target}`, received: 'none' }];
    const body = item.wrap ? { data: [item.body] } : item.body;
    out.push(...findings(endpoint.response, body, ''));
  } else {
    const body = item.body as Record<string, unknown>;
    const descriptor = item.target === 'envelope' ? undefined : library.eventTypes[item.target];
    if (item.target !== 'envelope' && !descriptor) return [{ path: '<no schema>', expected: `schemas for ${item.target}`, received: 'none' }];
    if (item.what === 'event') {
      out.push(...findings(descriptor!.event, body, ''));
    } else {
      try {
        library.parseEventSubMessage(body);
      } catch (error) {
        const issues = (error as { issues?: readonly { path: string; message: string }[] }).issues;
        if (!issues) throw error;
        for (const issue of issues) {
          out.push({ path: issue.path, expected: /got undefined|missing/.test(issue.message) ? 'present' : issue.message.replace(/, got .*$/, ''), received: '' });
        }
      }
      if (descriptor) {
        const frame = isObject(body.payload) ? body.payload : body;
        const prefix = isObject(body.payload) ? 'payload.' : '';
        const subscription = frame.subscription as Record<string, unknown> | undefined;
        if (isObject(subscription) && subscription.condition !== undefined) {
          out.push(...findings(descriptor.condition, subscription.condition, `${prefix}subscription.condition.`));
        }
        if (frame.event !== undefined) out.push(...findings(descriptor.event, frame.event, `${prefix}event.`));
        if (Array.isArray(frame.events)) {
          frame.events.forEach((event, index) => out.push(...findings(descriptor.event, event, `${prefix}events.${index}.`)));
        }
      }
    }
  }
  const unique = new Map(out.map((finding) => [finding.path, finding]));
  return [...unique.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Errata: what the generators' RESPONSE_ERRATA and EVENT_ERRATA claim, and whether a case shows it.

/** How an erratum loosens a field: it may be null, it may be absent, or it has a second spelling. */
export type ErratumChange = 'nullable' | 'optional' | { alias: string };

/**
 * One erratum as the generators write it to test/corpus/errata-*.json: where (`Component.path` or
 * `type@version path`), what changes, the line of evidence, and per cited case the paths in the
 * case's body where the field sits (the checked body: `{ data: [body] }` for a wrapped case).
 */
export interface ErratumRecord {
  at: string;
  change: ErratumChange;
  evidence: string;
  cases: Record<string, string[]>;
}

const errataFile = (kind: 'helix' | 'eventsub') => fileURLToPath(new URL(`./errata-${kind}.json`, import.meta.url));

/** The errata a generator recorded. */
export function loadErrata(kind: 'helix' | 'eventsub'): ErratumRecord[] {
  return JSON.parse(readFileSync(errataFile(kind), 'utf8')) as ErratumRecord[];
}

/** Writes a generator's errata (called by scripts/gen-helix.ts and scripts/gen-eventsub.ts). */
export function writeErrata(kind: 'helix' | 'eventsub', records: ErratumRecord[]): void {
  writeFileSync(errataFile(kind), JSON.stringify(records, null, 1) + '\n');
}

/** The body the checks read: a `data[0]` case wrapped back into its response. */
export const checkedBody = (item: CorpusCase): unknown => (item.wrap ? { data: [item.body] } : item.body);

/** The object holding the last step of `path` in `body`, and that step; undefined when the path leads nowhere. */
function parentOf(body: unknown, path: string): { parent: Record<string, unknown>; key: string } | undefined {
  const steps = path.split('.');
  const key = steps.pop()!;
  let value = body;
  for (const step of steps) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return isObject(value) ? { parent: value, key } : undefined;
}

/** True when the case has, at `path`, what the change claims Twitch sends: null, nothing, or the other spelling. */
export function shows(item: CorpusCase, path: string, change: ErratumChange): boolean {
  const found = parentOf(checkedBody(item), path);
  if (!found) return false;
  const { parent, key } = found;
  if (change === 'nullable') return parent[key] === null;
  if (change === 'optional') return !(key in parent);
  return !(key in parent) && change.alias in parent;
}

/**
 * Paths in an EventSub case where `field` (dotted, inside the event; arrays are crossed at every
 * index) has its parent object: under `event`, each of `events`, or the bare event.
 */
export function eventFieldPaths(item: CorpusCase, field: string): string[] {
  const body = item.body as Record<string, unknown>;
  const roots: [string, unknown][] = [];
  if (item.what === 'event') roots.push(['', body]);
  else {
    const frame = isObject(body.payload) ? body.payload : body;
    const prefix = isObject(body.payload) ? 'payload.' : '';
    if (frame.event !== undefined) roots.push([`${prefix}event.`, frame.event]);
    if (Array.isArray(frame.events)) frame.events.forEach((event, i) => roots.push([`${prefix}events.${i}.`, event]));
  }
  const steps = field.split('.');
  const name = steps.pop()!;
  const out: string[] = [];
  const walk = (value: unknown, at: string, rest: string[]): void => {
    if (Array.isArray(value)) return value.forEach((entry, i) => walk(entry, `${at}${i}.`, rest));
    if (!isObject(value)) return;
    if (rest.length === 0) return void out.push(at + name);
    walk(value[rest[0]!], `${at}${rest[0]}.`, rest.slice(1));
  };
  for (const [at, event] of roots) walk(event, at, steps);
  return out;
}
