import { expect, it } from 'vitest';
import { IrcParseError, parseBadges, parseEmotes, parseIrcMessage } from '../../src/chat/index.js';
import { corpus } from './corpus.js';
import { evidence } from './evidence.js';

/** mulberry32: a small seeded PRNG, so a failure replays exactly. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 0x7e11c4;
const LINES = 100_000;
const ALPHABET = ['@', ':', ';', '=', ' ', '\\', '!', '#', '/', ',', '-', '\r', '\n', '\0', 'a', 'Z', '0', '9', '\u{1F98A}', '\uD83E', 'é', 's', 'n'];

it(`${LINES} random lines give a message or IrcParseError, nothing else`, () => {
  const random = prng(SEED);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (n: number) => Math.floor(random() * n);
  const samples = [...Object.values(corpus), ...Object.values(evidence)] as string[];
  const randomChars = (n: number) => Array.from({ length: n }, () => (random() < 0.5 ? pick(ALPHABET) : String.fromCharCode(int(0x10000)))).join('');
  const randomBytes = (n: number) => new TextDecoder().decode(Uint8Array.from({ length: n }, () => int(256)));
  const randomTags = () =>
    '@' +
    Array.from({ length: 1 + int(6) }, () => `${randomChars(int(4))}=${randomChars(int(8))}`).join(';') +
    ` :${randomChars(int(10))} ${pick(['PRIVMSG', 'USERNOTICE', '001', 'X', ''])} #${randomChars(int(6))} :${randomChars(int(20))}`;
  const mutate = (line: string) => {
    const chars = Array.from(line);
    for (let i = 1 + int(8); i > 0; i--) {
      const at = int(chars.length + 1);
      const op = int(3);
      if (op == 0) chars.splice(at, 1);
      else if (op == 1) chars.splice(at, 0, pick(ALPHABET));
      else chars[at] = randomChars(1);
    }
    return chars.join('');
  };

  const counts = { parsed: 0, refused: 0 };
  for (let i = 0; i < LINES; i++) {
    const kind = i % 5;
    const base = pick(samples);
    const line =
      kind == 0 ? randomBytes(int(200))
      : kind == 1 ? mutate(base)
      : kind == 2 ? base.slice(0, int(base.length + 1))
      : kind == 3 ? randomTags()
      : base.slice(int(base.length)) + mutate(pick(samples).slice(0, int(80)));
    try {
      const m = parseIrcMessage(line);
      // A result must have the documented shape.
      if (typeof m.command != 'string' || !m.command || !Array.isArray(m.params) || typeof m.tags != 'object') {
        throw new Error(`bad shape for ${JSON.stringify(line)}`);
      }
      parseEmotes(m.tags.emotes, m.params.at(-1) ?? '');
      parseBadges(m.tags.badges);
      counts.parsed++;
    } catch (error) {
      if (!(error instanceof IrcParseError)) {
        throw new Error(`line ${i} (${JSON.stringify(line)}) threw ${String(error)}`);
      }
      counts.refused++;
    }
  }
  // Both outcomes occur, so the generator reaches the parser's accepting and refusing paths.
  expect(counts.parsed + counts.refused).toBe(LINES);
  expect(counts.parsed).toBeGreaterThan(LINES / 10);
  expect(counts.refused).toBeGreaterThan(LINES / 100);
}, 60_000);

it('random emote tags never throw and never name text outside the message', () => {
  const random = prng(SEED + 1);
  const int = (n: number) => Math.floor(random() * n);
  for (let i = 0; i < 20_000; i++) {
    const text = Array.from({ length: int(12) }, () => (random() < 0.3 ? '\u{1F98A}' : 'Kappa ')).join('');
    const tag = Array.from({ length: int(4) }, () => `${int(3) ? int(99) : ''}:${int(40)}-${int(40)}${random() < 0.3 ? `,${int(9)}-${int(90)}` : ''}`).join('/');
    for (const emote of parseEmotes(tag, text)) {
      expect(Array.from(text).slice(emote.start, emote.end + 1).join('')).toBe(emote.name);
    }
  }
});
