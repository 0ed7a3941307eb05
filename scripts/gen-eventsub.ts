/**
 * Generates the EventSub subscription-type registry from Twitch's reference data:
 *
 *   src/eventsub/types.ts     condition and event interfaces, EventSubTypes maps (types only)
 *   src/eventsub/versions.ts  a small runtime table: default version, condition fields, scopes
 *   src/eventsub/schemas.ts   one valibot descriptor per (type, version), each tree-shakable
 *   test/eventsub/fixtures/registry/expected.json   the raw facts the registry test checks
 *
 * Usage, from the repository root:
 *   npx node scripts/gen-eventsub.ts [path/to/eventsub-subscription-types.json]
 * (default: ../shared/twitch/eventsub-subscription-types.json)
 *
 * The data's descriptions are never copied; only names, types and structure carry over.
 * Where Twitch's own notification examples disagree with its field tables, the examples
 * (what Twitch actually sends) win: see FIXES below, each with its reason.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { eventFieldPaths, loadCorpus, shows, writeErrata, type ErratumChange, type ErratumRecord } from '../test/corpus/check.ts';

const COMMAND = 'npx node scripts/gen-eventsub.ts';
const source = process.argv[2] ?? '../shared/twitch/eventsub-subscription-types.json';

// ---------------------------------------------------------------------------------------------
// The data as it comes

interface RawField {
  name: string;
  type: string;
  required?: boolean;
  nullable?: boolean;
  values?: string[];
  fields?: RawField[];
}

interface RawEntry {
  type: string;
  version: string;
  status: string;
  docs_url: string;
  condition: RawField[];
  event: RawField[];
  event_key: string;
  transports?: string[];
  batched?: boolean;
  authorization: { required_scopes: string[][] };
}

// ---------------------------------------------------------------------------------------------
// The model we generate from

type Kind = 'string' | 'number' | 'boolean' | 'object';

interface Field {
  name: string;
  kind: Kind;
  array: boolean;
  optional: boolean;
  nullable: boolean;
  /** Values the docs list for a string; the types offer them, the schemas accept any string. */
  values?: string[];
  fields?: Field[];
}

interface Entry {
  type: string;
  version: string;
  docsUrl: string;
  condition: Field[];
  /** Condition fields of which exactly one must be given (none are marked required then). */
  oneOf?: string[];
  event: Field[];
  scopes: string[][];
  webhookOnly: boolean;
  batched: boolean;
}

/** Object types the docs name by reference that are arrays of that object on the wire. */
const ARRAY_REFS = new Set(['choices', 'outcomes', 'top_predictors', 'top_contributions', 'emotes']);

/** Object types the docs name without listing their fields in the entry. */
const KNOWN_SHAPES: Record<string, RawField[]> = {
  bits_voting: [
    { name: 'is_enabled', type: 'boolean' },
    { name: 'amount_per_vote', type: 'integer' },
  ],
};

function toField(raw: RawField): Field {
  const type = raw.type.toLowerCase();
  const array = type.endsWith('[]') || type.startsWith('[]') || type === 'array' || ARRAY_REFS.has(type);
  const base = type.replace('[]', '');
  const rawFields = raw.fields ?? KNOWN_SHAPES[base];
  const field: Field = {
    name: raw.name,
    kind: rawFields ? 'object' : primitiveKind(base),
    array,
    // Twitch sends null for most absent optional objects, so an optional field also takes null.
    optional: raw.required === false,
    nullable: raw.required === false || raw.nullable === true || base.includes('or null'),
  };
  if (raw.values && field.kind === 'string') field.values = [...new Set(raw.values)];
  if (rawFields) field.fields = toFields(rawFields);
  return field;
}

/** The docs list a field twice in places (channel.moderate's raid.user_name); keep the first. */
function toFields(raw: RawField[]): Field[] {
  const seen = new Set<string>();
  return raw.filter((f) => !seen.has(f.name) && seen.add(f.name)).map(toField);
}

function primitiveKind(type: string): Kind {
  if (type === 'string') return 'string';
  if (type.startsWith('int')) return 'number';
  if (type.startsWith('bool')) return 'boolean';
  if (type === 'object' || type === 'array') return 'object';
  throw new Error(`unknown field type "${type}"`);
}

function toEntry(raw: RawEntry): Entry {
  return {
    type: raw.type,
    version: raw.version,
    docsUrl: raw.docs_url,
    condition: toFields(raw.condition),
    event: toFields(raw.event),
    scopes: raw.authorization.required_scopes,
    webhookOnly: raw.transports !== undefined && !raw.transports.includes('websocket'),
    batched: raw.batched === true,
  };
}

// ---------------------------------------------------------------------------------------------
// Corrections: where Twitch's examples (what it sends) differ from its field tables

/**
 * One correction: `types` (each `type` or `type@version`) get the change at `path`, a dotted
 * path into the event (`condition.x` for the condition). `why` is kept for the reader.
 */
interface Fix {
  types: string[];
  path: string;
  why: string;
  change:
    | { retype: Partial<Field> } // adjust the field the table describes
    | { absent: true } // the field may be missing or null
    | { add: Field } // a field the table leaves out
    | { rename: string }; // the table names it differently
}

const field = (name: string, kind: Kind, more: Partial<Field> = {}): Field => ({
  name, kind, array: false, optional: false, nullable: false, ...more,
});
const maybe = { optional: true, nullable: true };
const users = (prefix: string) =>
  ['id', 'login', 'name'].map((part) => field(`${prefix}_user_${part}`, 'string', maybe));
const moderation = (version: string) => `channel.moderate@${version}`;

const FIXES: Fix[] = [
  // Conditions
  { types: ['channel.ad_break.begin'], path: 'condition.broadcaster_id', change: { rename: 'broadcaster_user_id' },
    why: 'the table says broadcaster_id; the example and the API use broadcaster_user_id' },

  // Types the tables get wrong
  { types: ['channel.chat.notification'], path: 'message.text', change: { retype: { kind: 'string' } },
    why: 'typed as an object; it is the message text' },
  { types: ['channel.chat.notification'], path: 'message.fragments.cheermote.prefix', change: { retype: { kind: 'string' } },
    why: 'typed as an object; it is the cheermote name' },
  { types: ['channel.chat.notification'], path: 'charity_donation', change: { retype: { kind: 'object' } },
    why: 'typed as a string, yet its fields are listed' },
  { types: ['channel.suspicious_user.message'], path: 'message.fragments.cheermote.bits', change: { retype: { kind: 'number' } },
    why: 'typed as a string; the example (like every other cheermote) sends a number' },
  { types: ['channel.suspicious_user.message'], path: 'message.fragments.cheermote.tier', change: { retype: { kind: 'number' } },
    why: 'typed as a string; the example (like every other cheermote) sends a number' },
  { types: ['drop.entitlement.grant'], path: 'data', change: { retype: { array: false } },
    why: 'typed as an array; each batched event carries one data object' },
  { types: ['channel.chat.message', 'channel.chat.notification'], path: 'source_badges', change: { retype: { array: true, ...maybe } },
    why: 'typed as one object; it is a list of badges, null outside shared chat' },
  { types: ['channel.shared_chat.begin', 'channel.shared_chat.update'], path: 'participants', change: { retype: { array: true } },
    why: 'typed as one object; it is the list of participating channels' },
  { types: ['channel.chat.notification'], path: 'resub.streak_months', change: { retype: { nullable: true } },
    why: 'null when the user does not share it, as the example shows' },
  { types: ['channel.chat.notification'], path: 'shared_chat_resub.streak_months', change: { retype: { nullable: true } },
    why: 'null when the user does not share it, as the example shows' },

  // Fields the examples leave out: present in some notifications only
  { types: [moderation('1'), moderation('2')], path: 'source_broadcaster_user_id', change: { absent: true },
    why: 'only shared-chat actions name a source channel' },
  { types: [moderation('1'), moderation('2')], path: 'source_broadcaster_user_login', change: { absent: true },
    why: 'only shared-chat actions name a source channel' },
  { types: [moderation('1'), moderation('2')], path: 'source_broadcaster_user_name', change: { absent: true },
    why: 'only shared-chat actions name a source channel' },
  ...['bits_votes', 'channel_points_votes', 'votes'].map((name): Fix => ({
    types: ['channel.poll.begin'], path: `choices.${name}`, change: { absent: true },
    why: 'a poll that just began has no votes yet',
  })),
  ...['users', 'channel_points', 'top_predictors'].map((name): Fix => ({
    types: ['channel.prediction.begin', 'channel.prediction.progress', 'channel.prediction.lock'],
    path: `outcomes.${name}`, change: { absent: true },
    why: 'an outcome nobody picked yet has no predictors',
  })),
  ...['is_achieved', 'ended_at'].map((name): Fix => ({
    types: ['channel.goal.begin', 'channel.goal.progress'], path: name, change: { absent: true },
    why: 'only the end notification says whether the goal was met and when it ended',
  })),
  ...['watch_streak', 'modiversary', 'is_source_only'].map((name): Fix => ({
    types: ['channel.chat.notification'], path: name, change: { absent: true },
    why: 'added in 2026 after the examples; the data infers "always sent" from sibling fields, not from Twitch',
  })),
  { types: ['channel.shield_mode.begin'], path: 'ended_at', change: { absent: true },
    why: 'the shared table lists both times; a begin notification has no end time' },
  { types: ['channel.shield_mode.end'], path: 'started_at', change: { absent: true },
    why: 'the shared table lists both times; the end example carries only ended_at' },
  ...['host_user_id', 'host_user_name', 'host_user_login'].map((name): Fix => ({
    types: ['channel.guest_star_session.end', 'channel.guest_star_guest.update'], path: name, change: { absent: true },
    why: 'the beta examples name the moderator, not the host',
  })),

  // Fields the examples carry that the tables leave out
  ...['channel.guest_star_session.begin', 'channel.guest_star_session.end', 'channel.unban_request.resolve'].flatMap((type) =>
    users('moderator').map((add): Fix => ({ types: [type], path: add.name, change: { add },
      why: 'the example names the moderator; the table does not' })),
  ),
  { types: ['channel.chat.notification'], path: 'chatter_user_login', change: { add: field('chatter_user_login', 'string') },
    why: 'both examples carry it; the table omits it' },
];

/**
 * How an erratum loosens an event field: it may be null, or it may be absent. (A second spelling,
 * as gen-helix.ts's RESPONSE_ERRATA take, would need its rule that one of the two is there; no
 * event has evidence of one.)
 */
type EventChange = 'nullable' | 'optional';

/**
 * Where notifications differ from the field tables by evidence of the corpus (test/corpus/cases,
 * from scripts/gen-corpus.ts), unlike FIXES above, which follow Twitch's own examples. Each entry
 * names `type@version`s, a dotted path in the event, the change, the corpus cases that show it and
 * one line of evidence. The run stops when an entry is stale or a cited case does not show the
 * change; test/corpus/errata-eventsub.json records where each case shows it, for the corpus test.
 * A source that is itself wrong is excluded in gen-corpus.ts instead, with its reason.
 */
const EVENT_ERRATA: { types: string[]; path: string; change: EventChange; cases: string[]; evidence: string }[] = [
  ...['id', 'login', 'name'].map((part) => ({
    types: ['channel.chat.notification@1'],
    path: `chatter_user_${part}`,
    change: 'nullable' as const,
    cases: ['twitch_api:channel.chat.notification:parse_payload_sub_gift_anon'],
    evidence: 'twitch_api: an anonymous gift names no chatter (chatter_is_anonymous true, chatter_user_* null)',
  })),
  {
    types: ['channel.suspicious_user.message@1'],
    path: 'shared_ban_channel_ids',
    change: 'nullable',
    cases: ['twitch4j:channel.suspicious_user.message@1:deserializeManualMonitor'],
    evidence: 'twitch4j captured a manually monitored user, banned nowhere else, with shared_ban_channel_ids null',
  },
  // Not an erratum: channel.charity_campaign.donate's broadcaster_id/login/name. Its one case copied
  // an old docs table; Twitch sends broadcaster_user_* (twitchdev/issues#738), see gen-corpus.ts.
];

/** Extra fields shaped like a sibling the table does describe (shared-chat twins). */
const TWINS: Record<string, Record<string, string>> = {
  'channel.chat.notification': {
    shared_chat_unraid: 'unraid',
    shared_chat_bits_badge_tier: 'bits_badge_tier',
    shared_chat_charity_donation: 'charity_donation',
  },
};

function applyFixes(entry: Entry): void {
  const applies = (fix: Fix) => fix.types.some((t) => t === entry.type || t === `${entry.type}@${entry.version}`);
  for (const fix of FIXES.filter(applies)) {
    const steps = fix.path.split('.');
    let fields = entry.event;
    if (steps[0] === 'condition') {
      fields = entry.condition;
      steps.shift();
    }
    const name = steps.pop()!;
    for (const step of steps) {
      const next = fields.find((f) => f.name === step)?.fields;
      if (!next) throw new Error(`fix ${entry.type} ${fix.path}: no object at ${step}`);
      fields = next;
    }
    const target = fields.find((f) => f.name === name);
    const { change } = fix;
    if ('add' in change) {
      if (!target) fields.push(structuredClone(change.add));
      continue;
    }
    if (!target) throw new Error(`fix ${entry.type} ${fix.path}: no such field`);
    if ('rename' in change) target.name = change.rename;
    else if ('absent' in change) Object.assign(target, maybe);
    else Object.assign(target, change.retype);
  }
  for (const [name, sibling] of Object.entries(TWINS[entry.type] ?? {})) {
    const source = entry.event.find((f) => f.name === sibling);
    if (source && !entry.event.some((f) => f.name === name)) {
      entry.event.push({ ...structuredClone(source), name, ...maybe });
    }
  }
}

/** The field an erratum path names in an entry's event. */
function errataField(entry: Entry, path: string): Field {
  const steps = path.split('.');
  const name = steps.pop()!;
  let fields = entry.event;
  for (const step of steps) {
    const next = fields.find((f) => f.name === step)?.fields;
    if (!next) throw new Error(`EVENT_ERRATA ${entry.type} ${path}: no object at ${step}`);
    fields = next;
  }
  const target = fields.find((f) => f.name === name);
  if (!target) throw new Error(`EVENT_ERRATA ${entry.type} ${path}: no such field`);
  return target;
}

/** Makes each erratum's change in an entry; a stale one (the table already says so) stops the run. */
function applyErrata(entry: Entry): void {
  for (const { types, path, change } of EVENT_ERRATA) {
    if (!types.includes(`${entry.type}@${entry.version}`)) continue;
    const target = errataField(entry, path);
    if (change === 'nullable' ? target.nullable : target.optional) {
      throw new Error(`EVENT_ERRATA ${entry.type} ${path}: the table already says so; remove the entry`);
    }
    if (change === 'nullable') target.nullable = true;
    else target.optional = true;
  }
}

/** Each erratum with the paths where its cited corpus cases show the change (for the corpus test). */
function errataRecords(entries: Entry[]): ErratumRecord[] {
  const corpus = new Map(loadCorpus().flatMap((file) => file.cases.map((item) => [item.id, item] as const)));
  return EVENT_ERRATA.map(({ types, path, change, cases, evidence }) => {
    for (const type of types) {
      if (!entries.some((entry) => `${entry.type}@${entry.version}` === type)) throw new Error(`EVENT_ERRATA: no ${type}`);
    }
    const claim: ErratumChange = change;
    const record: ErratumRecord = { at: `${types.join(', ')} ${path}`, change: claim, evidence, cases: {} };
    for (const id of cases) {
      const item = corpus.get(id);
      if (!item || !types.includes(item.target)) throw new Error(`EVENT_ERRATA ${path}: ${id} is not a corpus case of ${types.join(', ')}`);
      const showing = eventFieldPaths(item, path).filter((at) => shows(item, at, claim));
      if (!showing.length) throw new Error(`EVENT_ERRATA ${path}: ${id} does not show it`);
      record.cases[id] = showing;
    }
    return record;
  });
}

/** channel.raid takes one of two broadcasters; the table marks both optional. */
const ONE_OF: Record<string, string[]> = {
  'channel.raid': ['from_broadcaster_user_id', 'to_broadcaster_user_id'],
};

// ---------------------------------------------------------------------------------------------
// Names

const words = (type: string) => type.split(/[._]/).filter(Boolean);
const pascal = (type: string) => words(type).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
const versionTag = (version: string) => (version === 'beta' ? 'Beta' : `V${version}`);

/** Newest first: numeric versions descending; `beta` only ever stands alone. */
function byNewest(a: Entry, b: Entry): number {
  return (Number(b.version) || 0) - (Number(a.version) || 0);
}

// ---------------------------------------------------------------------------------------------
// Output: types.ts

function tsType(field: Field, indent: string): string {
  let type: string;
  if (field.kind === 'object') {
    type = field.fields?.length ? tsObject(field.fields, indent) : 'Record<string, unknown>';
  } else if (field.values?.length) {
    // The listed values autocomplete; `string & {}` keeps values Twitch adds later legal.
    type = `${field.values.map((value) => `'${value}'`).join(' | ')} | (string & {})`;
  } else {
    type = field.kind;
  }
  if (field.array) type = type.includes('|') ? `Array<${type}>` : `${type}[]`;
  return field.nullable ? `${type} | null` : type;
}

function tsObject(fields: Field[], indent: string): string {
  const inner = `${indent}  `;
  const lines = fields.map((f) => `${inner}${f.name}${f.optional ? '?' : ''}: ${tsType(f, inner)};`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function generateTypes(entries: Entry[], names: Map<Entry, string>, newest: Map<string, Entry>): string {
  const out: string[] = [header('Types of every EventSub subscription type\'s condition and event.')];
  for (const entry of entries) {
    const name = names.get(entry)!;
    const what = `\`${entry.type}\` v${entry.version}`;
    out.push(`/** Condition of ${what} subscriptions. [Twitch reference](${entry.docsUrl}) */`);
    out.push(`export interface ${name}Condition ${tsObject(entry.condition, '')}\n`);
    out.push(`/** Event of ${what} notifications. [Twitch reference](${entry.docsUrl}) */`);
    out.push(`export interface ${name}Event ${tsObject(entry.event, '')}\n`);
  }
  for (const [type, entry] of newest) {
    const plain = pascal(type);
    if (names.get(entry) === plain) continue;
    out.push(`/** The newest version of \`${type}\`. */`);
    out.push(`export type ${plain}Condition = ${names.get(entry)}Condition;`);
    out.push(`export type ${plain}Event = ${names.get(entry)}Event;\n`);
  }
  const row = (entry: Entry) =>
    `{ version: '${entry.version}'; condition: ${names.get(entry)}Condition; event: ${names.get(entry)}Event }`;
  out.push('/** Every subscription type at its newest (default) version. */');
  out.push('export interface EventSubTypes {');
  for (const [type, entry] of newest) out.push(`  '${type}': ${row(entry)};`);
  out.push('}\n');
  out.push('/** Every documented (type, version), keyed `type@version`. */');
  out.push('export interface EventSubVersionedTypes {');
  for (const entry of entries) out.push(`  '${entry.type}@${entry.version}': ${row(entry)};`);
  out.push('}\n');
  out.push('/** A subscription type name, e.g. `channel.follow`. */');
  out.push('export type EventSubType = keyof EventSubTypes;');
  out.push('/** A subscription type with its version, e.g. `channel.follow@2`. */');
  out.push('export type EventSubVersionedType = keyof EventSubVersionedTypes;');
  out.push('/** The condition a subscription of type `T` (newest version) takes. */');
  out.push("export type EventSubCondition<T extends EventSubType> = EventSubTypes[T]['condition'];");
  out.push('/** The event a notification of type `T` (newest version) carries. */');
  out.push("export type EventSubEvent<T extends EventSubType> = EventSubTypes[T]['event'];");
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Output: versions.ts

/**
 * The runtime table, sized for the bundle: one row per distinct (version, condition, scopes,
 * flags), naming every type that shares it, so the common lines are written once. Rows of newer
 * versions come first, so a type's lines come out newest first; within a version, rows come in
 * the order gzip packs smallest (see packForGzip).
 */
function versionsTable(byType: Map<string, Entry[]>): string {
  const rows = new Map<string, { version: string; types: string[] }>();
  for (const [type, entries] of byType) {
    for (const entry of entries) {
      const condition = entry.oneOf ? entry.oneOf.join('|') : entry.condition.map((f) => f.name + (f.optional ? '?' : '')).join(',');
      // `x:read:y|x:manage:y`, the most common group, is written `x:*:y`.
      const scopes = entry.scopes
        .map((group) => group.join('|').replace(/\b([\w-]+):read:([\w-]+)\|\1:manage:\2\b/g, '$1:*:$2'))
        .join(',');
      const flags = (entry.webhookOnly ? 'w' : '') + (entry.batched ? 'b' : '');
      const line = [entry.version, condition, scopes, flags].join(';').replace(/;+$/, '');
      // checkCondition tells an unknown type by its nameless condition field: every known type names one.
      if (!condition || /[^\w;,|?:*-]/.test(line) || !/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(type)) {
        throw new Error(`versions table: ${type} v${entry.version} has no condition, or a character the table's encoding reserves`);
      }
      const row = rows.get(line) ?? rows.set(line, { version: entry.version, types: [] }).get(line)!;
      row.types.push(type);
    }
  }
  const rank = (version: string) => Number(version) || 0;
  // The two most repeated words, one character each (gzip stores a short literal for less than a
  // back-reference): '^' for the condition field broadcaster_user_id, '!' for the scope prefix
  // 'moderator:'. The check above keeps both characters out of the data.
  const lines = [...rows]
    .map(([line, row]) => ({ line, version: row.version, types: row.types.sort() }))
    .sort((a, b) => rank(b.version) - rank(a.version) || (a.line < b.line ? -1 : 1))
    .map(({ line, types }) => `${line.replace(/\bbroadcaster_user_id\b/g, '^').replaceAll('moderator:', '!')}=${types.map((type) => type.replace(/^channel\./, '.')).join(' ').replace(/(?<= |^)([\w.]+\.)(\w+)((?: \1\w+(?= |$))+)/g, (_, prefix: string, first: string, rest: string) => prefix + first + rest.replaceAll(' ' + prefix, ','))}`);
  return packForGzip(lines, (line) => line.split(';', 1)[0]!).join('\n');
}

/**
 * Reorders lines within each run of one `group` (their order there means nothing) while the
 * gzipped text shrinks, moving one line at a time: from a sorted start, about 2% off the table in
 * a bundle. Deterministic for one zlib (Node's own); any order it finds is as valid as another.
 */
function packForGzip(lines: string[], group: (line: string) => string): string[] {
  const size = (list: string[]) => gzipSync(list.join('\n'), { level: 9 }).length;
  let best = size(lines);
  for (let moved = true; moved; ) {
    moved = false;
    for (let from = 0; from < lines.length; from++) {
      for (let to = 0; to < lines.length; to++) {
        if (from === to || group(lines[from]!) !== group(lines[to]!)) continue;
        const next = [...lines];
        next.splice(to, 0, ...next.splice(from, 1));
        const bytes = size(next);
        if (bytes < best) [best, lines, moved] = [bytes, next, true];
      }
    }
  }
  return lines;
}

function generateVersions(byType: Map<string, Entry[]>): string {
  return `${header('What the socket and webhook handler need to know about each subscription type.')}
import { InputError } from '../errors.js';

/** A condition field of a subscription type. */
export interface ConditionField {
  readonly name: string;
  readonly required: boolean;
}

/** What helixkit knows about one version of a subscription type. */
export interface TypeInfo {
  readonly type: string;
  readonly version: string;
  /** Every version Twitch documents for this type, newest (the default) first. */
  readonly versions: readonly string[];
  readonly condition: readonly ConditionField[];
  /** Condition fields of which exactly one must be given, when the type has such a rule. */
  readonly oneOf?: readonly string[];
  /** Scopes the authorizing token needs: every group, any scope within a group. */
  readonly scopes: readonly (readonly string[])[];
  /** Twitch delivers this type over webhooks only, never to a WebSocket. */
  readonly webhookOnly: boolean;
  /** Notifications carry an \`events\` array instead of one \`event\`. */
  readonly batched: boolean;
}

// One row per line a (type, version) can have, 'version;condition;scopes;flags=types', rows of
// newer versions first, where
//   condition: field names split by ',', '?' after an optional one, '|' between one-of fields;
//     '^' stands for 'broadcaster_user_id'
//   scopes: all-of groups split by ',', any-of alternatives by '|'; 'x:*:y' stands for
//     'x:read:y|x:manage:y', and '!' for 'moderator:'
//   flags: 'w' webhook only, 'b' batched
//   types: split by ' '; a leading '.' stands for 'channel.'; 'x.y.a,b' stands for 'x.y.a x.y.b'
const TABLE = \`${versionsTable(byType)}\`;

let rows: string[][] | undefined;

/** The lines of a type, newest version first; the table is split once, on first use. */
const linesOf = (type: string): string[] =>
  (rows ??= TABLE.replace(/([\\w.]+\\.)([\\w,]+)/g, (_, prefix: string, names: string) => prefix + names.replaceAll(',', ' ' + prefix))
    .replace(/([= ])\\./g, '$1channel.')
    .replace(/\\^/g, 'broadcaster_user_id')
    .replace(/!/g, 'moderator:')
    .split('\\n')
    .map((row) => row.split(/[= ]/)))
    .filter((row) => row.includes(type, 1))
    .map((row) => row[0]!);

/** The info of \`type\` at \`version\` (else the newest) among its \`lines\`. */
function infoOf(type: string, lines: string[], version?: string): TypeInfo | undefined {
  const line = version === undefined ? lines[0] : lines.find((l) => l.split(';', 1)[0] === version);
  if (!line) return undefined;
  const [v = '', condition = '', scopes = '', flags = ''] = line.split(';');
  const oneOf = condition.includes('|') ? condition.split('|') : undefined;
  return {
    type,
    version: v,
    versions: lines.map((l) => l.split(';', 1)[0]!),
    condition: (oneOf ?? condition.split(',')).map((name) => ({
      name: name.replace('?', ''),
      required: !oneOf && !name.endsWith('?'),
    })),
    oneOf,
    scopes: scopes ? scopes.split(',').map((group) => group.replace(/([\\w-]+):\\*:([\\w-]+)/g, '$1:read:$2|$1:manage:$2').split('|')) : [],
    webhookOnly: flags.includes('w'),
    batched: flags.includes('b'),
  };
}

/**
 * Looks up a subscription type, at \`version\` or else its newest; undefined when unknown.
 * [Twitch reference](https://dev.twitch.tv/docs/eventsub/eventsub-subscription-types/)
 */
export const typeInfo = (type: string, version?: string): TypeInfo | undefined => infoOf(type, linesOf(type), version);

/**
 * Refuses a condition Twitch would reject: an unknown type or version, a missing required
 * field, a field the type does not take, a value that is not a string. Returns the type's info.
 *
 * A type helixkit does not know yet (see \`unknownType\`) passes when given its \`version\`: its
 * condition is checked for string values only, no scopes are asked of the token, and its info
 * lists one optional condition field named \`''\`, standing for any.
 */
export function checkCondition(type: string, version: string | undefined, condition: unknown): TypeInfo {
  const lines = linesOf(type);
  // A type not in the table, with a version: one optional field named '' (which lets any
  // field through, below), no scopes.
  const info = infoOf(type, lines[0] || !version ? lines : [version + ';?'], version);
  if (!info) {
    throw lines[0]
      ? new InputError('version', \`\${type} has no version \${version}\`)
      : new InputError('type', \`unknown EventSub subscription type \${type}\`);
  }
  if (typeof condition !== 'object' || condition === null) {
    throw new InputError('condition', 'must be an object');
  }
  const what = \`\${type} v\${info.version}\`;
  const names = info.condition.map((field) => field.name);
  const given = Object.entries(condition).filter(([, value]) => value !== undefined);
  for (const [name, value] of given) {
    if (!names.includes(name) && names[0]) {
      throw new InputError(name, \`is not a condition of \${what} (it takes \${names.join(', ')})\`);
    }
    if (typeof value !== 'string') throw new InputError(name, 'must be a string');
  }
  for (const field of info.condition) {
    if (field.required && !given.some(([name]) => name === field.name)) {
      throw new InputError(field.name, \`is required by \${what}\`);
    }
  }
  if (info.oneOf && given.length !== 1) {
    throw new InputError(info.oneOf.join(' or '), \`\${what} takes exactly one of these\`);
  }
  return info;
}
`;
}

// ---------------------------------------------------------------------------------------------
// Output: schemas.ts

/**
 * Builds valibot expressions, naming each one that occurs more than once as a module-level
 * const so that descriptors share them (fewer bytes, fewer objects) and stay tree-shakable.
 */
class SchemaWriter {
  private counts = new Map<string, number>();
  private names = new Map<string, string>();
  private hints = new Map<string, number>();
  private decls: string[] = [];

  /** First pass: count how often each expression occurs. */
  count(fields: Field[]): void {
    this.object(fields, true);
  }

  /** Second pass: the expression for `fields`, shared parts replaced by their names. */
  write(fields: Field[]): string {
    return this.object(fields, false).code;
  }

  declarations(): string {
    return this.decls.join('\n');
  }

  /** `key` is the expression written out in full; `code` uses names for shared parts. */
  private share(key: string, code: string, hint: string, counting: boolean): Expr {
    if (counting) {
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      return { key, code };
    }
    if ((this.counts.get(key) ?? 0) < 2) return { key, code };
    let name = this.names.get(key);
    if (!name) {
      const n = (this.hints.get(hint) ?? 0) + 1;
      this.hints.set(hint, n);
      name = n === 1 && hint !== 'shape' ? hint : `${hint}${n}`;
      this.names.set(key, name);
      this.decls.push(`const ${name} = ${code};`);
    }
    return { key, code: name };
  }

  private object(fields: Field[], counting: boolean): Expr {
    const parts = fields.map((f) => [JSON.stringify(f.name), this.field(f, counting)] as const);
    const body = (pick: (e: Expr) => string) => parts.map(([name, e]) => `${name}: ${pick(e)}`).join(', ');
    return this.share(
      `${PURE}v.looseObject({ ${body((e) => e.key)} })`,
      `${PURE}v.looseObject({ ${body((e) => e.code)} })`,
      'shape',
      counting,
    );
  }

  private field(field: Field, counting: boolean): Expr {
    const wrap = (inner: Expr, fn: string, hint: string) =>
      this.share(`${PURE}v.${fn}(${inner.key})`, `${PURE}v.${fn}(${inner.code})`, hint, counting);
    let expr =
      field.kind === 'object'
        ? this.object(field.fields ?? [], counting)
        : this.share(`${PURE}v.${field.kind}()`, `${PURE}v.${field.kind}()`, field.kind, counting);
    const hint = field.kind === 'object' ? 'Shape' : field.kind[0]!.toUpperCase() + field.kind.slice(1);
    if (field.array) expr = wrap(expr, 'array', `listOf${hint}`);
    if (field.nullable) expr = wrap(expr, 'nullable', `nullable${field.array ? 'List' : hint}`);
    if (field.optional) expr = wrap(expr, 'optional', `optional${field.array || field.nullable ? '' : hint}`);
    return expr;
  }
}

interface Expr {
  key: string;
  code: string;
}

/**
 * Builds each event schema's quick test: plain property reads, true only where the valibot
 * schema accepts too (a looseObject walk copies the event, several times the cost of reading it).
 * A nested object gets a function of its own, shared wherever the same object recurs.
 */
class FitsWriter {
  private names = new Map<string, string>();
  private decls: string[] = [];

  /** The shared functions, then the tests of the kinds (valibot's number refuses NaN; its object takes arrays). */
  declarations(): string {
    return [
      "const isString = (x: unknown): boolean => typeof x === 'string';",
      "const isNumber = (x: unknown): boolean => typeof x === 'number' && x === x;",
      "const isBoolean = (x: unknown): boolean => typeof x === 'boolean';",
      "const isObject = (x: unknown): x is any => !!x && typeof x === 'object';",
      ...this.decls,
    ].join('\n');
  }

  /** A function expression for an object with `fields` (to be written where it is used). */
  object(fields: Field[]): string {
    const checks = fields.map((field) => {
      const at = /^[A-Za-z_$][\w$]*$/.test(field.name) ? `x.${field.name}` : `x[${JSON.stringify(field.name)}]`;
      return this.field(field, at);
    });
    return `(x: unknown): boolean => isObject(x)${checks.map((check) => ` && ${check}`).join('')}`;
  }

  private field(field: Field, at: string): string {
    const test = this.test(field);
    const check = field.array ? `Array.isArray(${at}) && ${at}.every(${test})` : `${test}(${at})`;
    if (!field.nullable && !field.optional) return check;
    // (== null: absent or null, both allowed.)
    return `(${at} ${field.nullable && field.optional ? '== null' : field.nullable ? '=== null' : '=== undefined'} || ${check})`;
  }

  /** The name of the test of one value of the field's kind. */
  private test(field: Field): string {
    return field.kind === 'object' ? this.shared(field.fields ?? []) : `is${field.kind[0]!.toUpperCase()}${field.kind.slice(1)}`;
  }

  /** The name of a module-level function for an object with `fields`. */
  private shared(fields: Field[]): string {
    const code = this.object(fields);
    let name = this.names.get(code);
    if (!name) {
      name = `fits${this.names.size + 1}`;
      this.names.set(code, name);
      this.decls.push(`const ${name} = ${code};`);
    }
    return name;
  }
}

const PURE = '/* @__PURE__ */ ';

function generateSchemas(entries: Entry[], names: Map<Entry, string>): string {
  const writer = new SchemaWriter();
  const fits = new FitsWriter();
  for (const entry of entries) {
    writer.count(entry.condition);
    writer.count(entry.event);
  }
  const descriptors = entries.map((entry) => {
    const name = names.get(entry)!;
    const condition = writer.write(entry.condition);
    const event = writer.write(entry.event);
    return `/** Schemas of \`${entry.type}\` v${entry.version}. [Twitch reference](${entry.docsUrl}) */
export const ${exportName(entry)}: EventSchema<'${entry.type}', '${entry.version}', ${name}Condition, ${name}Event> = {
  type: '${entry.type}',
  version: '${entry.version}',
  condition: ${condition},
  event: ${event},
  fits: ${fits.object(entry.event)},
};`;
  });
  const typeImports = entries.flatMap((e) => [`${names.get(e)}Condition`, `${names.get(e)}Event`]);
  return `${header('valibot schemas of every EventSub subscription type: import only those you validate.')}
import * as v from 'valibot';
import type {
${typeImports.map((n) => `  ${n},`).join('\n')}
} from './types.js';

/** Condition and event schemas of one (type, version); pass them to valibot's \`parse\`. */
export interface EventSchema<
  Type extends string = string,
  Version extends string = string,
  Condition = unknown,
  Event = unknown,
> {
  readonly type: Type;
  readonly version: Version;
  readonly condition: v.GenericSchema<unknown, Condition>;
  readonly event: v.GenericSchema<unknown, Event>;
  /** True only for events \`event\` accepts, told by plain property reads: helixkit runs \`event\` only on events this refuses. */
  readonly fits: (event: unknown) => boolean;
}

${writer.declarations()}

${fits.declarations()}

${descriptors.join('\n\n')}

/** Every descriptor, keyed \`type@version\`; importing this bundles them all. */
export const subscriptionTypes = {
${entries.map((e) => `  '${e.type}@${e.version}': ${exportName(e)},`).join('\n')}
} as const;
`;
}

const exportName = (entry: Entry) => {
  const name = pascal(entry.type) + versionTag(entry.version);
  return name[0]!.toLowerCase() + name.slice(1);
};

// ---------------------------------------------------------------------------------------------

/**
 * What the registry test checks the generated table against: the data as it stands, read
 * directly (no corrections), so a slip in the model above shows up as a failing test.
 */
function expectation(raw: RawEntry) {
  return {
    type: raw.type,
    version: raw.version,
    condition: raw.condition.map((f) => ({ name: f.name, required: f.required !== false })),
    scopes: raw.authorization.required_scopes,
    webhookOnly: raw.transports !== undefined && !raw.transports.includes('websocket'),
  };
}

function header(purpose: string): string {
  return `// Generated by \`${COMMAND}\` from Twitch's EventSub reference data. Do not edit.
// ${purpose}
`;
}

function main(): void {
  const raw = JSON.parse(readFileSync(source, 'utf8')) as RawEntry[];
  const entries = raw.map(toEntry);
  for (const entry of entries) {
    applyFixes(entry);
    applyErrata(entry);
    entry.oneOf = ONE_OF[entry.type];
  }
  const byType = new Map<string, Entry[]>();
  for (const entry of entries) byType.set(entry.type, [...(byType.get(entry.type) ?? []), entry]);
  for (const list of byType.values()) list.sort(byNewest);
  const newest = new Map([...byType].map(([type, list]) => [type, list[0]!]));
  // A version suffix only where a type has more than one version.
  const names = new Map(
    entries.map((e) => [e, pascal(e.type) + (byType.get(e.type)!.length > 1 ? versionTag(e.version) : '')]),
  );

  mkdirSync('test/eventsub/fixtures/registry', { recursive: true });
  writeFileSync(
    'test/eventsub/fixtures/registry/expected.json',
    JSON.stringify(raw.map(expectation), null, 1) + '\n',
  );
  writeFileSync('src/eventsub/types.ts', generateTypes(entries, names, newest));
  writeFileSync('src/eventsub/versions.ts', generateVersions(byType));
  writeFileSync('src/eventsub/schemas.ts', generateSchemas(entries, names));
  writeErrata('eventsub', errataRecords(entries));
  console.log(`${entries.length} entries, ${byType.size} types → src/eventsub/{types,versions,schemas}.ts and the test's expectations`);
}

main();
