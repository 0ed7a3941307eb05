// Our schemas over payloads nobody here wrote: Twitch's documented examples and other SDKs'
// captured fixtures, reduced to their shape by scripts/gen-corpus.ts (test/corpus/cases/).
// Helix bodies go through their endpoint's response schema; EventSub messages through
// parseEventSubMessage and their (type, version) schemas. Where the evidence and a schema
// disagree, KNOWN_MISMATCHES names the exact paths, so a new refusal fails here and so does a
// fixed one that is still listed: remove entries as errata land (scripts/corpus-report.ts
// rewrites the table and MISMATCHES.md).
import { describe, expect, it } from 'vitest';
import * as helix from '../../src/helix/index.ts';
import { parseEventSubMessage } from '../../src/eventsub/messages.ts';
import { subscriptionTypes } from '../../src/eventsub/schemas.ts';
import { check, endpointsById, loadCorpus, type Library } from './check.ts';
import { KNOWN_MISMATCHES } from './known-mismatches.ts';

const library: Library = { helix, eventTypes: subscriptionTypes, parseEventSubMessage };
const endpoints = endpointsById(library.helix);
const corpus = loadCorpus();
const cases = corpus.flatMap((file) => file.cases);

describe('the evidence corpus', () => {
  it('has unique case ids, each naming where it came from', () => {
    const ids = cases.map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const item of cases) expect(item.from.repo && item.from.path, item.id).toBeTruthy();
    for (const file of corpus) for (const entry of file.excluded) expect(entry.why, entry.id).toBeTruthy();
  });

  it('carries no URL of the sources: every URL points at example.com', () => {
    const hosts = new Set<string>();
    JSON.stringify(cases, (_key, value: unknown) => {
      if (typeof value === 'string' && /^(https?|wss?):\/\//.test(value)) hosts.add(new URL(value).host);
      return value;
    });
    for (const item of cases) hosts.delete(item.from.docs ? new URL(item.from.docs).host : '');
    expect([...hosts]).toEqual(['example.com']);
  });

  it('lists no mismatch for a case it does not hold', () => {
    const ids = new Set(cases.map((item) => item.id));
    expect(Object.keys(KNOWN_MISMATCHES).filter((id) => !ids.has(id))).toEqual([]);
  });
});

describe.each(corpus.map((file) => [file.source, file] as const))('%s', (_source, file) => {
  it.each(file.cases.map((item) => [item.id, item] as const))('%s', (_id, item) => {
    const paths = check(library, item, endpoints).map((finding) => finding.path);
    expect(paths).toEqual(KNOWN_MISMATCHES[item.id] ?? []);
  });
});
