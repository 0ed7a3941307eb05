/**
 * Writes test/corpus/cases/*.json: Helix response bodies and EventSub messages that other people
 * wrote or captured (Twitch's documented examples, other SDKs' test fixtures), reduced to their
 * shape. Every key, its nesting, nulls, absent fields, empty strings and arrays, numbers versus
 * numeric strings, integers versus floats and booleans are kept; every string value is replaced
 * by one of ours of the same kind, so no payload text is copied. test/corpus/corpus.test.ts runs
 * our schemas over the result.
 *
 *   npx node scripts/gen-corpus.ts [--reference ../shared/twitch] --swagger DIR --twitch-api DIR --twitch4j DIR --helix-go DIR
 *
 * Each DIR is a git directory of that repository (read at HEAD with `git show`); the mirrors are
 * never committed. Re-running with the same commits writes the same files.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test/corpus/cases');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Where a payload came from: enough to find it again. */
interface Origin {
  repo: string;
  commit: string;
  path: string;
  /** Test name, example name or line, where a file holds several payloads. */
  at?: string;
  /** Twitch's docs section the payload illustrates. */
  docs?: string;
}
export interface Case {
  id: string;
  kind: 'helix' | 'eventsub';
  /** Helix operation id, or EventSub `type@version`. */
  target: string;
  /** e.g. `response 200`, `notification (webhook body)`, `event`. */
  what: string;
  /** The body is one item of the response's `data` array (the source kept only that). */
  wrap?: 'data[0]';
  from: Origin;
  body: Json;
}
/**
 * A payload left out of the pass list because the source itself is wrong (abridged, outdated, a
 * copied docs bug, an error body), with the reason. Its body is kept, reduced like a case's, so
 * tests can still check that nothing of it is lost when validation only reports.
 */
interface Excluded extends Case {
  why: string;
}
interface Output {
  source: string;
  repo: string;
  commit: string;
  cases: Case[];
  excluded: Excluded[];
}

// ---------------------------------------------------------------------------------------------
// Arguments and git access

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);

const git = (dir: string, ...argv: string[]) =>
  execFileSync('git', ['-C', dir, ...argv], { encoding: 'utf8', maxBuffer: 64 << 20 });
const headOf = (dir: string) => git(dir, 'rev-parse', 'HEAD').trim();
const show = (dir: string, path: string) => git(dir, 'show', `HEAD:${path}`);
const list = (dir: string, under: string) => git(dir, 'ls-tree', '-r', '--name-only', 'HEAD', under).split('\n').filter(Boolean);

// ---------------------------------------------------------------------------------------------
// Our own values in place of theirs. Replacements come from counters, so they depend only on the
// order payloads are read in, never on the source's values; one source value maps to one of ours
// throughout a run, so equal ids stay equal.

const seen = new Map<string, string>();
let counter = 0;
const next = () => ++counter;

/** Keys whose short values are a vocabulary (enum-like tokens), kept as they are. */
const VOCABULARY_KEYS = /(^|_)(type|types|status|method|tier|plan|source|kind|state|color|category|level|scale|theme_mode|format|version|language|outcome|result|action|role|period|unit|currency|product_type|domain|notice_type|broadcaster_type|user_type|content_type)$/;
/** Keys whose values are names or prose, replaced even when they look like tokens. */
const TEXT_KEYS = /(^|_)(login|name|text|title|tags|terms|challenge|content|sku|info|prefix|description|message|reason|prompt|input|comment|term|code|cursor|id|ids|body|summary|bio|url|slug|key|secret|token|value|email|author)$/;

const ISO = /^(\d{4})-(\d{2})-(\d{2})([Tt ])(\d{2}):(\d{2})(:\d{2})?(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** `width` digits of ours, never starting with 0 (unless a single digit). */
const digits = (width: number) => {
  let out = String(7 + (next() % 3));
  while (out.length < width) out += String((next() * 7) % 10);
  return out.slice(0, width);
};

function timestamp(match: RegExpMatchArray): string {
  const n = next();
  const date = new Date(Date.UTC(2024, 0, 1) + n * 61_000);
  let out = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}${match[4]}`;
  out += `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}`;
  if (match[7]) out += `:${pad(date.getUTCSeconds(), 2)}`;
  if (match[8]) out += '.' + '1234567890'.repeat(2).slice(0, match[8].length - 1);
  const zone = match[9];
  if (zone) out += /^[Zz]$/.test(zone) ? zone : zone.includes(':') ? '+00:00' : '+0000';
  return out;
}

function uuid(original: string): string {
  const hex = pad(next(), 12);
  const out = `00000000-0000-4000-8000-${hex}`;
  return original === original.toUpperCase() ? out.toUpperCase() : out;
}

function url(original: string): string {
  const scheme = original.slice(0, original.indexOf(':'));
  const templates = original.match(/%?\{[a-z_]+\}/g) ?? [];
  const extension = /\.[a-z0-9]{2,4}$/i.exec(original.replace(/[?#].*$/, ''))?.[0] ?? '';
  return `${scheme}://example.com/${next()}${templates.length ? '-' + templates.join('x') : ''}${extension}`;
}

function isVocabulary(key: string, value: string): boolean {
  // Subscription types run to 54 characters (channel.channel_points_automatic_reward_redemption.add).
  if (VOCABULARY_KEYS.test(key)) return value.length <= 64 && /^[A-Za-z0-9_.:-]+(?: [0-9]+)?$/.test(value);
  if (value.length > 40) return false;
  if (TEXT_KEYS.test(key)) return false;
  return /^[a-z][a-z0-9]*(?:[_.:-][a-z0-9]+)*$/.test(value) || /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/.test(value);
}

/** Our value of the same kind as `value` (found under `key`). */
function replaceString(key: string, value: string): string {
  if (value.trim() === '') return value;
  if (isVocabulary(key, value)) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  let out: string;
  const iso = ISO.exec(value);
  if (iso) out = timestamp(iso);
  else if (/^\d{4}-\d{2}-\d{2}$/.test(value)) out = timestamp(ISO.exec(`${value}T00:00`)!).slice(0, 10);
  else if (value === '0') out = value;
  else if (/^\d+$/.test(value)) out = digits(value.length);
  else if (/^-?\d+\.\d+$/.test(value)) {
    const [whole, fraction] = value.replace('-', '').split('.');
    out = `${value.startsWith('-') ? '-' : ''}${digits(whole!.length)}.${digits(fraction!.length)}`;
  } else if (UUID.test(value)) out = uuid(value);
  else if (/^(https?|wss?):\/\//i.test(value)) out = url(value);
  else if (/^#[0-9a-fA-F]{6}$/.test(value)) out = `#${pad(next() * 4099 % 0xffffff, 6).slice(-6).replace(/[^0-9]/g, '0')}`;
  else if (/^[a-z0-9_]+$/.test(value)) out = `name_${next()}`;
  else out = `Text ${next()}`;
  seen.set(value, out);
  return out;
}

const isRaw = (value: unknown): boolean => typeof value === 'object' && value !== null && (JSON as any).isRawJSON?.(value);

/** A value's shape, for dropping array items that add no new shape. */
function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (isRaw(value)) return 'float';
  if (Array.isArray(value)) return `[${[...new Set(value.map(shapeOf))].sort().join('|')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((k) => `${k}:${shapeOf(record[k])}`).join(',')}}`;
  }
  if (typeof value === 'string') return value === '' ? 'empty' : /^\d+$/.test(value) ? 'digits' : 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value;
}

/** Replaces every string in `value` by ours and trims arrays to one item per distinct shape. */
function anonymize(value: Json, key = ''): Json {
  if (typeof value === 'string') return replaceString(key, value);
  if (value === null || typeof value !== 'object' || isRaw(value)) return value;
  if (Array.isArray(value)) {
    const shapes = new Set<string>();
    const out: Json[] = [];
    for (const item of value) {
      const mapped = anonymize(item, key);
      const shape = shapeOf(mapped);
      if (shapes.has(shape)) continue;
      shapes.add(shape);
      out.push(mapped);
    }
    return out;
  }
  const out: JsonObject = {};
  for (const [field, item] of Object.entries(value)) out[field] = anonymize(item, field);
  return out;
}

/**
 * JSON.parse that keeps a float written with a fraction (`1.0`) as written, so the corpus keeps
 * integer versus float even where JavaScript would not tell them apart.
 */
function parseJson(text: string): Json {
  return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (typeof value === 'number' && Number.isInteger(value) && context?.source && /[.eE]/.test(context.source)) {
      return (JSON as any).rawJSON(context.source);
    }
    return value;
  }) as Json;
}

/** Tolerates what hand-written fixtures often contain: comments and trailing commas. */
function parseLoose(text: string): Json | undefined {
  try {
    return parseJson(text);
  } catch {
    try {
      const cleaned = text
        .replace(/^\s*\/\/.*$/gm, '')
        .replace(/,(\s*[}\]])/g, '$1');
      return parseJson(cleaned);
    } catch {
      return undefined;
    }
  }
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value) && !isRaw(value);

// ---------------------------------------------------------------------------------------------
// What our code knows, to sort payloads into cases and exclusions.

// Twitch's reference decides what is current; a payload for anything else is excluded, not tested.
const reference = args.get('reference') ?? join(root, '../shared/twitch');
const operations = new Set<string>();
for (const methods of Object.values(JSON.parse(readFileSync(join(reference, 'helix-openapi.json'), 'utf8')).paths as Record<string, Record<string, { operationId: string }>>)) {
  for (const op of Object.values(methods)) operations.add(op.operationId);
}
const eventTypes = new Set(
  (JSON.parse(readFileSync(join(reference, 'eventsub-subscription-types.json'), 'utf8')) as { type: string; version: string }[]).map(
    (entry) => `${entry.type}@${entry.version}`,
  ),
);
const knownType = (type: string) => [...eventTypes].some((key) => key.startsWith(`${type}@`));

/** A case's fields but its body, so an exclusion reads id, target, source, reason, then body. */
const withoutBody = ({ body: _, ...rest }: Case) => rest;

/**
 * Sorts one EventSub payload (webhook body, WebSocket frame or bare event) into a case or an
 * exclusion. Frames and bodies that carry no event (welcome, keepalive, reconnect, revocation,
 * challenge) test the envelope only, whatever the subscription's version.
 */
function eventSubCase(out: Output, id: string, from: Origin, body: Json, target?: string, why?: string): void {
  let subscription: Json | undefined;
  let what = 'event';
  let hasEvent = true;
  if (isObject(body) && isObject(body.metadata) && isObject(body.payload)) {
    subscription = body.payload.subscription;
    what = `${body.metadata.message_type} (WebSocket frame)`;
    hasEvent = body.metadata.message_type === 'notification';
  } else if (isObject(body) && isObject(body.subscription)) {
    subscription = body.subscription;
    hasEvent = body.event !== undefined || body.events !== undefined;
    what = body.challenge !== undefined ? 'challenge (webhook body)' : body.events ? 'batched notification (webhook body)' : hasEvent ? 'notification (webhook body)' : 'revocation (webhook body)';
  }
  if (!hasEvent) target = 'envelope';
  else if (isObject(subscription) && typeof subscription.type === 'string') target = `${subscription.type}@${subscription.version}`;
  target ??= 'unknown';
  if (!why && target !== 'envelope' && !eventTypes.has(target)) {
    why = knownType(target.split('@')[0]!) ? 'a version Twitch no longer documents (deprecated)' : 'a type Twitch does not document';
  }
  const item: Case = { id, kind: 'eventsub', target, what, from, body: anonymize(body) };
  if (why) out.excluded.push({ ...withoutBody(item), why, body: item.body });
  else out.cases.push(item);
}

function helixCase(out: Output, id: string, target: string, what: string, from: Origin, body: Json, extra: { why?: string; wrap?: 'data[0]' } = {}): void {
  const status = isObject(body) && typeof body.status === 'number' && typeof body.error === 'string' ? body.status : Number(/\d{3}/.exec(what)?.[0] ?? 200);
  if (status >= 300) extra.why ??= `an error body (status ${status}); the response schemas describe success bodies`;
  if (!extra.why && !operations.has(target)) extra.why = 'an operation Twitch does not document (removed or never public)';
  const item: Case = { id, kind: 'helix', target, what, ...(extra.wrap && { wrap: extra.wrap }), from, body: anonymize(body) };
  if (extra.why) out.excluded.push({ ...withoutBody(item), why: extra.why, body: item.body });
  else out.cases.push(item);
}

/** Unique, readable case ids within one source. */
function idMaker() {
  const used = new Map<string, number>();
  return (base: string) => {
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  };
}

// ---------------------------------------------------------------------------------------------
// Source: Twitch's Helix reference examples, as the twitch-api-swagger project extracted them.

/**
 * Documented examples that Twitch's own field tables contradict; they stay out of the pass list.
 * Keyed `operation-id/status/example name`.
 */
const SWAGGER_ERRATA: Record<string, string> = {
  'get-custom-reward/200/Example 2': "abridged: lacks broadcaster_login, which the field table and the operation's first example have",
  'get-custom-reward/200/Example 3': "abridged: lacks broadcaster_login, which the field table and the operation's first example have",
  'get-custom-reward-redemption/200/Example 2': "abridged: lacks user_login, which the field table and the operation's first example have",
  'create-stream-marker/200/Example': 'gives the marker id as the number 123; the field table says string, and get-stream-markers shows string ids',
  'get-ad-schedule/200/Example':
    "RFC3339 text where Twitch sends epoch seconds, and numbers in quotes (twitchdev/issues#857); the field table says integer, and twitch4j's captures of real answers carry numbers",
  'snooze-next-ad/200/Example':
    "RFC3339 text where Twitch sends epoch seconds, and a number in quotes (twitchdev/issues#857); the field table says integer, as get-ad-schedule's captures show",
  'get-channel-guest-star-settings/200/Example':
    'contradicts its own field table twice: the settings wrapped in a data array, and group_layout spelled layout; no other source says which is right, so the table stands',
};

function swagger(dir: string): Output {
  const repo = 'DmitryScaletta/twitch-api-swagger';
  const out: Output = { source: 'twitch-docs-helix', repo, commit: headOf(dir), cases: [], excluded: [] };
  const api = JSON.parse(show(dir, 'openapi.json')) as { paths: Record<string, Record<string, any>> };
  const makeId = idMaker();
  for (const methods of Object.values(api.paths)) {
    for (const op of Object.values(methods)) {
      for (const [status, response] of Object.entries(op.responses ?? {}) as [string, any][]) {
        const examples = response.content?.['application/json']?.examples ?? {};
        for (const [name, example] of Object.entries(examples) as [string, any][]) {
          if (example.value === undefined) continue;
          const key = `${op.operationId}/${status}/${name}`;
          const body = parseJson(JSON.stringify(example.value));
          const from: Origin = { repo, commit: out.commit, path: 'openapi.json', at: `${op.operationId} ${status} "${name}"`, docs: op.externalDocs?.url };
          helixCase(out, makeId(`docs:${op.operationId}:${status}`), op.operationId, `response ${status}`, from, body, { why: SWAGGER_ERRATA[key] });
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Source: Twitch's EventSub reference examples, already in this repository as
// test/eventsub/fixtures (test/eventsub/examples.test.ts names the ones that are docs bugs).

const DOCS_EVENTSUB_ERRATA: Record<string, string> = {
  'automod.message.hold@1.json': 'outdated example: message is a string and fragments sit at the top level; the field table and twitch4j#988 (tested against Twitch) have a message object',
  'automod.message.update@1.json': 'outdated example: message is a string and fragments sit at the top level; the field table and twitch4j#988 have a message object',
  'automod.settings.update@1.json': 'the example wraps the event in a data array; the event is the settings object itself',
  'channel.ad_break.begin@1.json': "the example quotes a number and a boolean; Twitch's own twitch-cli mock sends 60 and false",
  'channel.chat.notification@1.json': 'the example uses sub_plan, an older name for sub_tier (twitchdev/issues#1039)',
  'channel.chat.notification@1.shared-chat.json': 'the example uses sub_plan, an older name for sub_tier (twitchdev/issues#1039)',
  'channel.channel_points_custom_reward.remove@1.json': 'the example gives the condition reward_id as a number; condition values are strings',
  'channel.moderate@1.json': 'the example condition omits moderator_user_id, which the subscription requires',
  'channel.moderate@1.emote-only.json': 'the example condition omits moderator_user_id, which the subscription requires',
  'channel.moderate@2.mod.json': 'the example condition omits moderator_user_id, which the subscription requires',
  'channel.moderate@2.timeout.json': 'the example condition omits moderator_user_id, which the subscription requires',
  'channel.moderate@2.emote-only.json': 'the example condition omits moderator_user_id, which the subscription requires',
  'channel.prediction.progress@1.json': 'a predictor user_id given as a number (a docs bug, twitchdev/issues#390)',
  'channel.prediction.lock@1.json': 'a predictor user_id given as a number (a docs bug, twitchdev/issues#390)',
  'channel.prediction.end@1.json': 'predictor user_ids given as numbers (a docs bug, twitchdev/issues#390)',
  'stream.offline@1.json': "outdated: the example predates 2026-06-26, when Twitch added the stream's id (the refreshed field table has it, as twitch_api 1d740822 does)",
};

function eventsubDocs(): Output {
  const dir = join(root, 'test/eventsub/fixtures');
  const out: Output = { source: 'twitch-docs-eventsub', repo: 'helixkit (test/eventsub/fixtures, from dev.twitch.tv)', commit: '', cases: [], excluded: [] };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const body = parseJson(readFileSync(join(dir, file), 'utf8'));
    const [type] = file.split('@');
    const from: Origin = { repo: 'helixkit', commit: '', path: `test/eventsub/fixtures/${file}`, docs: `https://dev.twitch.tv/docs/eventsub/eventsub-subscription-types/#${type!.replaceAll(/[._]/g, '')}` };
    // One example shows the event alone ({ "event": … }): test the event, named by the file.
    const eventOnly = isObject(body) && !body.subscription && isObject(body.event);
    const target = `${type}@${file.split('@')[1]!.split('.')[0]}`;
    eventSubCase(out, `docs:${file.replace(/\.json$/, '')}`, from, eventOnly ? body.event! : body, eventOnly ? target : undefined, DOCS_EVENTSUB_ERRATA[file]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Source: twitch-rs/twitch_api. Its endpoint and EventSub modules end in tests that parse JSON
// held in Rust raw strings; many were captured from Twitch (the test names cite issues).

/** Rust file names that differ from the operation id they serve. */
const RUST_OPERATIONS: Record<string, string> = {
  create_conduit: 'create-conduits',
  update_conduit: 'update-conduits',
  resolve_unban_request: 'resolve-unban-requests',
  replace_stream_tags: 'replace-stream-tags',
  get_broadcaster_subscriptions_events: 'get-broadcaster-subscriptions-events',
  get_users_follows: 'get-users-follows',
};

const RUST_OLD_DOCS = (fields: string) =>
  `an old copy of the docs example ("From twitch docs"), from before Twitch added ${fields}; today's example has them`;
const RUST_NO_BITS =
  'the docs example with its Bits fields deleted by the test author (twitch_api 7b005082, 2024, when they left its types); the reference says Twitch still sends them, as false and 0';

/** twitch_api payloads that are wrong as a source, keyed `path test_name`. */
const RUST_ERRATA: Record<string, string> = {
  'src/helix/endpoints/channels/get_ad_schedule.rs test_request':
    'the docs example as the test author copied it, noting its text timestamps as a docs bug (twitchdev/issues#857); Twitch sends epoch seconds',
  'src/helix/endpoints/channels/snooze_next_ad.rs test_request':
    'the docs example, marked "WRONG" by the test author (twitchdev/issues#857): text timestamps where Twitch sends epoch seconds',
  'src/helix/endpoints/moderation/get_banned_users.rs test_request': RUST_OLD_DOCS('created_at'),
  'src/helix/endpoints/chat/get_channel_chat_badges.rs test_request': RUST_OLD_DOCS('click_action and click_url'),
  'src/helix/endpoints/chat/get_global_chat_badges.rs test_request': RUST_OLD_DOCS('click_action and click_url'),
  'src/eventsub/user/update.rs parse_payload': RUST_OLD_DOCS('email_verified'),
  'src/helix/endpoints/polls/create_poll.rs test_request': RUST_NO_BITS,
  'src/helix/endpoints/polls/get_polls.rs test_request': RUST_NO_BITS,
  'src/helix/endpoints/polls/end_poll.rs test_request': RUST_NO_BITS,
  'src/helix/endpoints/hypetrain/get_hype_train_status.rs test_no_shared':
    'the docs example with shared_train_participants and is_shared_train deleted by the test author to model a train that is not shared; not a capture, and the reference says null then',
  'src/helix/endpoints/eventsub/update_conduit_shards.rs test_successful_unexpected_response':
    'a negative test: twitch_api asserts that it refuses this body, so it is not an answer Twitch sent',
  'src/eventsub/channel/charity_campaign/donate.rs parse_payload':
    "written (2022-11) from the old event reference table, which named the broadcaster broadcaster_id/login/name; Twitch sends broadcaster_user_*, as the same file's parse_payload_correct_maybe (2023-03) does: a Twitch developer confirmed it in twitchdev/issues#738 (2023-08), the docs were corrected in 2024-01, and nicklaw5/helix#152 (2022-10) read it from a live event",
};

interface RustTest {
  name: string;
  line: number;
  text: string;
}

/** Splits a Rust file into its `#[test]` functions. */
function rustTests(source: string): RustTest[] {
  const tests: RustTest[] = [];
  const marks = [...source.matchAll(/#\[test\]/g)].map((m) => m.index!);
  marks.forEach((start, i) => {
    const text = source.slice(start, marks[i + 1] ?? source.length);
    const name = /fn\s+([a-z0-9_]+)/.exec(text)?.[1] ?? `test${i}`;
    tests.push({ name, line: source.slice(0, start).split('\n').length, text });
  });
  return tests;
}

/** The raw string literals of a Rust test (`r#"…"#`, `br##"…"##`), with the variable each is bound to. */
function rustRawStrings(text: string): { name: string; value: string }[] {
  const found: { name: string; value: string }[] = [];
  const re = /(?:let\s+(?:mut\s+)?([a-z_0-9]+)\s*(?::[^=]+)?=\s*)?b?r(#+)"/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text))) {
    const end = text.indexOf(`"${match[2]}`, re.lastIndex);
    if (end < 0) break;
    found.push({ name: match[1] ?? '', value: text.slice(re.lastIndex, end) });
    re.lastIndex = end + match[2]!.length + 1;
  }
  return found;
}

function twitchApi(dir: string): Output {
  const repo = 'twitch-rs/twitch_api';
  const out: Output = { source: 'twitch_api', repo, commit: headOf(dir), cases: [], excluded: [] };
  const makeId = idMaker();
  for (const path of list(dir, 'src/helix/endpoints').filter((p) => p.endsWith('.rs') && !p.endsWith('mod.rs'))) {
    const base = path.split('/').pop()!.replace(/\.rs$/, '');
    const target = RUST_OPERATIONS[base] ?? base.replaceAll('_', '-');
    for (const test of rustTests(show(dir, path))) {
      for (const raw of rustRawStrings(test.text)) {
        // A response body is what the test hands to `http::Response::builder()…body(name)`.
        if (!raw.name || !new RegExp(`\\.body\\(\\s*${raw.name}\\b`).test(test.text)) continue;
        const body = parseLoose(raw.value);
        if (body === undefined || !isObject(body)) continue;
        const status = /\.status\((\d{3})\)/.exec(test.text)?.[1] ?? '200';
        const from: Origin = { repo, commit: out.commit, path, at: `${test.name} (line ${test.line})` };
        helixCase(out, makeId(`twitch_api:${target}:${test.name}`), target, `response ${status}`, from, body, { why: RUST_ERRATA[`${path} ${test.name}`] });
      }
    }
  }
  for (const path of list(dir, 'src/eventsub').filter((p) => p.endsWith('.rs'))) {
    for (const test of rustTests(show(dir, path))) {
      for (const raw of rustRawStrings(test.text)) {
        const body = parseLoose(raw.value);
        if (!isObject(body) || !(isObject(body.subscription) || isObject(body.metadata))) continue;
        const from: Origin = { repo, commit: out.commit, path, at: `${test.name} (line ${test.line})` };
        const label = isObject(body.subscription) ? String(body.subscription.type) : String((body.metadata as JsonObject).message_type);
        eventSubCase(out, makeId(`twitch_api:${label}:${test.name}`), from, body, undefined, RUST_ERRATA[`${path} ${test.name}`]);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Source: twitch4j/twitch4j. Its tests hold JSON in Java string literals joined with `+`.

const OLD_SHAPE = 'written in 2021 against an older event shape (no *_login fields) and abridged by the test author';
const BETA_CHAT =
  'captured in the open beta on 2023-11-05, before Twitch added badges; twitch4j added them five days later (#883), and every later example has them';
/**
 * Outdated, not wrong when captured: the ad schedule's names moved during its open beta (Twitch's
 * own answers said lengths_seconds until late October 2023, TwitchLib.Api#374) and settled on
 * duration and preroll_free_time before it left beta. Accepting the beta names today would make
 * every user of the type handle a spelling no evidence shows after 2023, so the reference's stand.
 */
const AD_BETA =
  'captured in the open beta (Oct-Nov 2023) under names Twitch replaced: length_seconds and preroll_free_time_seconds became duration and preroll_free_time (twitch_api moved its fields and fixtures to them on 2023-11-17, 5118acdf; a live answer in twitchdev/issues#879, 2023-12; twitch4j added them when the API left beta, #906, 2024-01), as the reference says; no source shows the old names after November 2023';

/**
 * What each JSON-holding twitch4j test deserializes, when the JSON itself does not say it (EventSub
 * messages name their type in `subscription`). Keyed `TestClass.method`.
 */
const TWITCH4J_TARGETS: Record<string, { target: string; kind: 'helix' | 'eventsub' | 'none'; wrap?: 'data[0]'; why?: string }> = {
  'AdScheduleTest.deserializePartner': { kind: 'helix', target: 'get-ad-schedule', wrap: 'data[0]', why: AD_BETA }, // "actual example from a partner"
  'AdScheduleTest.deserializeActual': { kind: 'helix', target: 'get-ad-schedule', wrap: 'data[0]', why: AD_BETA }, // "actual example … for a non-affiliate"
  'AdScheduleTest.deserializeSpec': { kind: 'helix', target: 'get-ad-schedule', wrap: 'data[0]', why: 'hypothetical: what the test author thinks the spec implies, not a response' },
  'AdScheduleTest.deserializeSample': { kind: 'helix', target: 'get-ad-schedule', wrap: 'data[0]', why: "the docs example with its keys renamed by the test author (the docs' own example is in twitch-docs-helix)" },
  'AdScheduleTest.deserializeSampleSpec': { kind: 'helix', target: 'get-ad-schedule', wrap: 'data[0]', why: 'hypothetical: the docs example rewritten to the spec by the test author' },
  'ChannelBitsUseEventTest.deserializeCheer': { kind: 'eventsub', target: 'channel.bits.use@1' },
  'ChannelBitsUseEventTest.deserializeCelebration': { kind: 'eventsub', target: 'channel.bits.use@1' },
  'ChannelBitsUseEventTest.deserializeGigantify': { kind: 'eventsub', target: 'channel.bits.use@1' },
  'ChannelBitsUseEventTest.deserializeEffect': { kind: 'eventsub', target: 'channel.bits.use@1' },
  'ChannelInformationTest.deserializeLabels': { kind: 'helix', target: 'get-channel-information', wrap: 'data[0]', why: 'abridged: two fields of a channel, not a whole item' },
  'ChannelInformationTest.serializeLabels': { kind: 'none', target: '', why: 'a request body' },
  'ChannelInformationTest.serializeWithoutMature': { kind: 'none', target: '', why: 'a request body' },
  // channel.moderate events carry no version; v2 is v1 plus the warn actions, so v2's schema applies to both.
  ...Object.fromEntries(
    ['Mod', 'Timeout', 'EmoteOnly', 'Followers', 'Slow', 'Delete', 'TermAdd', 'TermRemove', 'UnbanRequest', 'SharedTimeout'].map((name) => [
      `ChannelModerateEventTest.deserialize${name}`,
      { kind: 'eventsub' as const, target: 'channel.moderate@2' },
    ]),
  ),
  'EventSubEventTest.deserializeAdBreakEvent': { kind: 'eventsub', target: 'channel.ad_break.begin@1', why: "copied from the beta-era docs example: length_seconds for duration_seconds, a quoted boolean" },
  'EventSubEventTest.deserializeAutomaticRewardRedemption': { kind: 'eventsub', target: 'channel.channel_points_automatic_reward_redemption.add@2' },
  'EventSubEventTest.deserializeAutomodHeld': { kind: 'eventsub', target: 'automod.message.hold@1' },
  'EventSubEventTest.deserializeAutomodUpdate': { kind: 'eventsub', target: 'automod.message.update@1' },
  'EventSubEventTest.deserializeAutomodTermHeld': { kind: 'eventsub', target: 'automod.message.hold@2' },
  'EventSubEventTest.deserializeAutomodTermUpdate': { kind: 'eventsub', target: 'automod.message.update@2' },
  'EventSubEventTest.deserializeChatAnnouncement': { kind: 'eventsub', target: 'channel.chat.notification@1', why: BETA_CHAT },
  'EventSubEventTest.deserializeChatPrimeResub': { kind: 'eventsub', target: 'channel.chat.notification@1', why: BETA_CHAT },
  'EventSubEventTest.deserializeComplexChannelEvent': { kind: 'eventsub', target: 'channel.update@2', why: OLD_SHAPE },
  'EventSubEventTest.deserializeComplexHypeTrainEvent': { kind: 'eventsub', target: 'channel.hype_train.progress@2' },
  'EventSubEventTest.deserializeComplexStreamEvent': { kind: 'eventsub', target: 'stream.online@1', why: OLD_SHAPE },
  'EventSubEventTest.deserializeComplexUserChannelEvent': { kind: 'eventsub', target: 'channel.cheer@1', why: OLD_SHAPE },
  'EventSubEventTest.deserializeComplexUserChannelEvent2': { kind: 'eventsub', target: 'channel.subscribe@1', why: OLD_SHAPE },
  'EventSubEventTest.deserializeComplexUserEvent': { kind: 'eventsub', target: 'user.update@1', why: OLD_SHAPE },
  'EventSubEventTest.deserializeModerationEvent': { kind: 'eventsub', target: 'channel.ban@1' },
  'EventSubEventTest.deserializeModerationEvent2': { kind: 'eventsub', target: 'channel.ban@1', why: OLD_SHAPE },
  'EventSubEventTest.deserializeModeratorEvent': { kind: 'eventsub', target: 'channel.shield_mode.begin@1' },
  'EventSubEventTest.deserializePollBeginEvent': { kind: 'eventsub', target: 'channel.poll.begin@1' },
  'EventSubEventTest.deserializePollProgressEvent': { kind: 'eventsub', target: 'channel.poll.progress@1' },
  'EventSubEventTest.deserializePollEndEvent': { kind: 'eventsub', target: 'channel.poll.end@1' },
  'EventSubEventTest.deserializePredictionBeginEvent': { kind: 'eventsub', target: 'channel.prediction.begin@1' },
  'EventSubEventTest.deserializePredictionProgressEvent': { kind: 'eventsub', target: 'channel.prediction.progress@1', why: 'copied from the docs example that gives predictor user_ids as numbers (a docs bug, twitchdev/issues#390)' },
  'EventSubEventTest.deserializePredictionEndEvent': { kind: 'eventsub', target: 'channel.prediction.end@1', why: 'copied from the docs example that gives predictor user_ids as numbers (a docs bug, twitchdev/issues#390)' },
  'EventSubEventTest.deserializeSharedChatEvent': { kind: 'eventsub', target: 'channel.shared_chat.update@1' },
  'EventSubEventTest.deserializeSimpleChannelEvent': { kind: 'eventsub', target: 'stream.offline@1', why: OLD_SHAPE },
  'EventSubEventTest.deserializeSimpleRedemptionEvent': { kind: 'eventsub', target: 'channel.channel_points_custom_reward_redemption.update@1', why: OLD_SHAPE },
  'EventSubEventTest.deserializeSimpleRewardEvent': { kind: 'eventsub', target: 'channel.channel_points_custom_reward.add@1', why: OLD_SHAPE },
  'EventSubEventTest.deserializeSimpleUserChannelEvent': { kind: 'eventsub', target: 'channel.follow@2', why: OLD_SHAPE },
  'EventSubVerifierTest.validateSignature': { kind: 'none', target: '', why: 'a signature test body, not a Twitch payload' },
  'HypeTrainTest.deserialize': { kind: 'helix', target: 'get-hype-train-status', wrap: 'data[0]' },
  'PollsServiceTest.deserializePollsList': { kind: 'helix', target: 'get-polls' }, // "slightly modified from the sample in the official docs"
  'PollsServiceTest.serializeCreatePoll': { kind: 'none', target: '', why: 'a request body' },
  'PollsServiceTest.serializeEndPoll': { kind: 'none', target: '', why: 'a request body' },
  'PredictionsServiceTest.deserializePredictionsList': { kind: 'helix', target: 'get-predictions' },
  'PredictionsServiceTest.serializeCreatePrediction': { kind: 'none', target: '', why: 'a request body' },
  'PredictionsServiceTest.serializeEndPrediction': { kind: 'none', target: '', why: 'a request body' },
  'SentChatMessageTest.deserializeSent': { kind: 'helix', target: 'send-chat-message', wrap: 'data[0]' },
  'SentChatMessageTest.deserializeDropped': { kind: 'helix', target: 'send-chat-message', wrap: 'data[0]' },
  'SharedChatEventTest.deserializeBegin': { kind: 'eventsub', target: 'channel.shared_chat.begin@1' },
  'SharedChatEventTest.deserializeUpdate': { kind: 'eventsub', target: 'channel.shared_chat.update@1' },
  'SharedChatEventTest.deserializeEnd': { kind: 'eventsub', target: 'channel.shared_chat.end@1' },
  'SharedChatEventTest.deserializeMessage': { kind: 'eventsub', target: 'channel.chat.message@1' },
  'SharedChatEventTest.deserializeReply': { kind: 'eventsub', target: 'channel.chat.message@1' },
  'SharedChatEventTest.deserializeRaid': { kind: 'eventsub', target: 'channel.chat.notification@1' },
  'StreamTest.deserializeLive': { kind: 'helix', target: 'get-streams', wrap: 'data[0]' },
  'SuspiciousUserMessageEventTest.deserializeManualMonitor': { kind: 'eventsub', target: 'channel.suspicious_user.message@1' },
};

/** Java string literals joined by `+` into one value, for each such run in `text`. */
function javaStrings(text: string): { value: string; line: number }[] {
  const out: { value: string; line: number }[] = [];
  const literal = /"((?:[^"\\\n]|\\.)*)"/y;
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('"""', i)) {
      const end = text.indexOf('"""', i + 3);
      if (end < 0) break;
      const body = text.slice(text.indexOf('\n', i) + 1, end);
      const indent = Math.min(...body.split('\n').filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
      out.push({ value: body.split('\n').map((l) => l.slice(indent)).join('\n').replace(/\\"/g, '"'), line: text.slice(0, i).split('\n').length });
      i = end + 3;
      continue;
    }
    if (text[i] !== '"') {
      i++;
      continue;
    }
    const start = i;
    let value = '';
    for (;;) {
      literal.lastIndex = i;
      const match = literal.exec(text);
      if (!match) break;
      value += JSON.parse(`"${match[1]!.replace(/\\'/g, "'")}"`) as string;
      i = literal.lastIndex;
      const joiner = /^\s*\+\s*(?=")/.exec(text.slice(i, i + 200));
      if (!joiner) break;
      i += joiner[0].length;
    }
    if (i === start) i++;
    out.push({ value, line: text.slice(0, start).split('\n').length });
  }
  return out;
}

function twitch4j(dir: string): Output {
  const repo = 'twitch4j/twitch4j';
  const out: Output = { source: 'twitch4j', repo, commit: headOf(dir), cases: [], excluded: [] };
  const makeId = idMaker();
  const files = list(dir, '.').filter((p) => /\/src\/test\/.*\.java$/.test(p) && !p.includes('/pubsub/'));
  for (const path of files) {
    const text = show(dir, path);
    const className = path.split('/').pop()!.replace(/\.java$/, '');
    const methods = [...text.matchAll(/(?:public\s+)?void\s+([a-zA-Z0-9_]+)\s*\(/g)].map((m) => ({ name: m[1]!, at: m.index! }));
    for (const { value, line } of javaStrings(text)) {
      const trimmed = value.trim();
      if (!trimmed.startsWith('{')) continue;
      const body = parseLoose(trimmed);
      if (!isObject(body)) continue;
      const offset = text.split('\n').slice(0, line - 1).join('\n').length;
      const method = methods.filter((m) => m.at < offset).pop()?.name ?? 'unknown';
      const from: Origin = { repo, commit: out.commit, path, at: `${className}.${method} (line ${line})` };
      const mapped = TWITCH4J_TARGETS[`${className}.${method}`];
      if (mapped?.kind === 'none' || path.includes('TwitchEnumTest')) continue; // not a Twitch payload
      if (isObject(body.subscription) || isObject(body.metadata)) {
        const label = isObject(body.subscription) ? String(body.subscription.type) : String((body.metadata as JsonObject).message_type);
        eventSubCase(out, makeId(`twitch4j:${label}:${method}`), from, body, undefined, mapped?.why);
      } else if (mapped?.kind === 'eventsub') {
        eventSubCase(out, makeId(`twitch4j:${mapped.target}:${method}`), from, body, mapped.target, mapped.why);
      } else if (mapped?.kind === 'helix') {
        helixCase(out, makeId(`twitch4j:${mapped.target}:${method}`), mapped.target, mapped.wrap ? 'response 200 (one data item)' : 'response 200', from, body, { why: mapped.why, wrap: mapped.wrap });
      } else {
        console.warn(`twitch4j: no target for ${className}.${method} (line ${line}): keys ${Object.keys(body).join(',')}`);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Source: nicklaw5/helix (Go). Its tests hold response bodies in Go raw strings (backticks) inside
// each test's table of cases; the test function names the endpoint.

/** Test function → operation id (functions not listed test auth, the client or removed APIs). */
const GO_OPERATIONS: Record<string, string> = {
  TestClient_StartCommercial: 'start-commercial',
  TestGetExtensionAnalytics: 'get-extension-analytics',
  TestGetGameAnalytics: 'get-game-analytics',
  TestClient_GetBitsLeaderboard: 'get-bits-leaderboard',
  TestClient_GetCheermotes: 'get-cheermotes',
  TestSearchCategories: 'search-categories',
  TestGetChannelEditors: 'get-channel-editors',
  TestCreateCustomReward: 'create-custom-rewards',
  TestGetCustomRewardsRedemptions: 'get-custom-reward-redemption',
  TestUpdateCustomReward: 'update-custom-reward',
  TestGetCustomRewards: 'get-custom-reward',
  TestUpdateCustomRewardRedemptionStatus: 'update-redemption-status',
  TestSearchChannels: 'search-channels',
  TestGetChannelInformation: 'get-channel-information',
  TestChannelFollows: 'get-channel-followers',
  TestFollowedChannels: 'get-followed-channels',
  TestGetChannelVips: 'get-vips',
  TestGetCharityCampaigns: 'get-charity-campaign',
  TestGetCharityDonations: 'get-charity-campaign-donations',
  TestGetChannelChatChatterss: 'get-chatters',
  TestGetChannelChatBadges: 'get-channel-chat-badges',
  TestGetGlobalChatBadges: 'get-global-chat-badges',
  TestGetChannelEmotes: 'get-channel-emotes',
  TestGetGlobalEmotes: 'get-global-emotes',
  TestGetEmoteSets: 'get-emote-sets',
  TestGetChatSettings: 'get-chat-settings',
  TestUpdateChatSettings: 'update-chat-settings',
  TestGetUserChatColor: 'get-user-chat-color',
  TestSendChatMessage: 'send-chat-message',
  TestGetClips: 'get-clips',
  TestCreateClip: 'create-clip',
  TestGetDropsEntitlements: 'get-drops-entitlements',
  TestUpdateDropsEntitlements: 'update-drops-entitlements',
  TestGetEventSubSubscriptions: 'get-eventsub-subscriptions',
  TestCreateEventSubSubscriptions: 'create-eventsub-subscription',
  TestGetExtensionConfigurationSegmentS: 'get-extension-configuration-segment',
  TestGetExtensionTransactions: 'get-extension-transactions',
  TestGetExtensionLiveChannels: 'get-extension-live-channels',
  TestGetGames: 'get-games',
  TestGetTopGames: 'get-top-games',
  TestGetCreatorGoals: 'get-creator-goals',
  TestGetHypeTrainEvents: 'get-hype-train-events',
  TestGetBannedUsers: 'get-banned-users',
  TestBanUser: 'ban-user',
  TestGetBlockedTerms: 'get-blocked-terms',
  TestAddBlockedTerm: 'add-blocked-term',
  TestGetModerators: 'get-moderators',
  TestGetModeratedChannels: 'get-moderated-channels',
  TestSendModeratorWarnMessage: 'warn-chat-user',
  TestGetPolls: 'get-polls',
  TestCreatePoll: 'create-poll',
  TestEndPoll: 'end-poll',
  TestGetPredictions: 'get-predictions',
  TestCreatePrediction: 'create-prediction',
  TestEndPrediction: 'end-prediction',
  TestStartRaid: 'start-a-raid',
  TestGetSchedule: 'get-channel-stream-schedule',
  TestCreateScheduleSegment: 'create-channel-stream-schedule-segment',
  TestUpdateScheduleSegment: 'update-channel-stream-schedule-segment',
  TestGetStreamMarkers: 'get-stream-markers',
  TestCreateStreamMarker: 'create-stream-marker',
  TestGetStreams: 'get-streams',
  TestGetFollowedStreams: 'get-followed-streams',
  TestGetStreamKeys: 'get-stream-key',
  TestGetSubscriptions: 'get-broadcaster-subscriptions',
  TestChechUserSubscription: 'check-user-subscription',
  TestGetUserExtensions: 'get-user-extensions',
  TestGetUserActiveExtensions: 'get-user-active-extensions',
  TestUpdateUserExtensions: 'update-user-extensions',
  TestGetUsers: 'get-users',
  TestUpdateUser: 'update-user',
  TestGetUsersFollows: 'get-users-follows',
  TestGetUsersBlocked: 'get-user-block-list',
  TestGetVideos: 'get-videos',
  TestDeleteVideos: 'delete-videos',
  TestModerateHeldMessage: 'manage-held-automod-messages',
  TestClient_GetEntitlementCodeStatus: 'get-code-status',
  TestClient_RedeemEntitlementCode: 'redeem-code',
  TestCreateEntitlementsUploadURL: 'create-entitlement-grants-upload-url',
  TestGetWebhookSubscriptions: 'get-webhook-subscriptions',
};

/** nicklaw5/helix payloads that are wrong as a source, keyed `TestName` or `TestName#n`. */
const GO_OUTDATED = 'hand-written (2018–2023) before fields Twitch added since (login fields, tags, igdb_id, emote formats, badge links, content labels…); not a capture';
const GO_ABRIDGED = 'abridged by the test author to the fields the test reads';
const GO_ERRATA: Record<string, string> = {
  'TestGetExtensionAnalytics': GO_OUTDATED,
  'TestGetGameAnalytics': GO_OUTDATED,
  'TestClient_GetBitsLeaderboard': GO_OUTDATED,
  'TestClient_GetBitsLeaderboard#2': GO_OUTDATED,
  'TestSearchChannels': GO_OUTDATED,
  'TestGetChannelInformation': GO_OUTDATED,
  'TestGetChannelInformation#2': GO_OUTDATED,
  'TestGetChannelChatBadges': GO_OUTDATED,
  'TestGetGlobalChatBadges': GO_OUTDATED,
  'TestGetChannelEmotes': GO_OUTDATED,
  'TestGetGlobalEmotes': GO_OUTDATED,
  'TestGetEmoteSets': GO_OUTDATED,
  'TestGetClips#4': GO_OUTDATED,
  'TestGetDropsEntitlements': GO_OUTDATED,
  'TestGetGames': GO_OUTDATED,
  'TestGetGames#2': GO_OUTDATED,
  'TestGetTopGames': GO_OUTDATED,
  'TestGetBannedUsers': GO_OUTDATED,
  'TestGetStreamMarkers': GO_OUTDATED,
  'TestGetStreams': GO_OUTDATED,
  'TestGetFollowedStreams': GO_OUTDATED,
  'TestGetVideos': GO_OUTDATED,
  'TestGetCharityDonations': GO_ABRIDGED,
  'TestGetChannelChatChatterss': GO_ABRIDGED,
  'TestGetExtensionTransactions': GO_ABRIDGED,
  'TestGetExtensionTransactions#2': GO_ABRIDGED,
};

function helixGo(dir: string): Output {
  const repo = 'nicklaw5/helix';
  const out: Output = { source: 'nicklaw5-helix', repo, commit: headOf(dir), cases: [], excluded: [] };
  const makeId = idMaker();
  for (const path of list(dir, '.').filter((p) => p.endsWith('_test.go'))) {
    const text = show(dir, path);
    const marks = [...text.matchAll(/^func (Test[A-Za-z0-9_]+)/gm)];
    marks.forEach((mark, i) => {
      const target = GO_OPERATIONS[mark[1]!];
      if (!target) return;
      const body = text.slice(mark.index, marks[i + 1]?.index ?? text.length);
      for (const raw of body.matchAll(/`([^`]*)`/g)) {
        const json = parseLoose(raw[1]!);
        if (!isObject(json) || !('data' in json)) continue;
        const line = text.slice(0, mark.index! + raw.index!).split('\n').length;
        const id = makeId(`nicklaw5-helix:${target}:${mark[1]}`);
        const from: Origin = { repo, commit: out.commit, path, at: `${mark[1]} (line ${line})` };
        helixCase(out, id, target, 'response 200', from, json, { why: GO_ERRATA[id.split(':').pop()!] });
      }
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** Each source starts from fresh counters, so one source's files do not change when another's do. */
function run(make: () => Output): void {
  seen.clear();
  counter = 0;
  write(make());
}

function write(output: Output): void {
  writeFileSync(join(outDir, `${output.source}.json`), JSON.stringify(output, null, 1) + '\n');
  console.log(`${output.source}: ${output.cases.length} cases, ${output.excluded.length} excluded`);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
run(eventsubDocs);
if (args.has('swagger')) run(() => swagger(args.get('swagger')!));
if (args.has('twitch-api')) run(() => twitchApi(args.get('twitch-api')!));
if (args.has('twitch4j')) run(() => twitch4j(args.get('twitch4j')!));
if (args.has('helix-go')) run(() => helixGo(args.get('helix-go')!));
