// Our schemas over payloads nobody here wrote: Twitch's documented examples and other SDKs'
// captured fixtures, reduced to their shape by scripts/gen-corpus.ts (test/corpus/cases/).
// Helix bodies go through their endpoint's response schema; EventSub messages through
// parseEventSubMessage and their (type, version) schemas, both as strict validation applies them.
// Every case passes. A payload that is wrong at its source is excluded there, with the reason;
// where Twitch really sends something the reference does not say, an erratum of the generators
// loosens the schema, and the errata tests below hold each erratum to the case that shows it.
import { describe, expect, it } from 'vitest';
import * as helix from '../../src/helix/index.ts';
import { parseEventSubMessage } from '../../src/eventsub/messages.ts';
import { subscriptionTypes } from '../../src/eventsub/schemas.ts';
import { check, endpointsById, loadCorpus, loadErrata, shows, type Library } from './check.ts';

const library: Library = { helix, eventTypes: subscriptionTypes, parseEventSubMessage };
const endpoints = endpointsById(library.helix);
const corpus = loadCorpus();
const cases = corpus.flatMap((file) => file.cases);
const excluded = corpus.flatMap((file) => file.excluded);
const byId = new Map(cases.map((item) => [item.id, item]));

describe('the evidence corpus', () => {
  it('has unique ids, each naming where it came from, and every exclusion says why', () => {
    const ids = [...cases, ...excluded].map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const item of [...cases, ...excluded]) expect(item.from.repo && item.from.path, item.id).toBeTruthy();
    for (const item of excluded) expect(item.why, item.id).toMatch(/\w{3,}/);
  });

  it('carries no URL of the sources: every URL points at example.com', () => {
    const hosts = new Set<string>();
    JSON.stringify([...cases, ...excluded], (_key, value: unknown) => {
      if (typeof value === 'string' && /^(https?|wss?):\/\//.test(value)) hosts.add(new URL(value).host);
      return value;
    });
    for (const item of [...cases, ...excluded]) hosts.delete(item.from.docs ? new URL(item.from.docs).host : '');
    expect([...hosts]).toEqual(['example.com']);
  });
});

describe('every corpus case passes in strict mode', () => {
  it.each(cases.map((item) => [item.id, item] as const))('%s', (_id, item) => {
    expect(check(library, item, endpoints)).toEqual([]);
  });
});

describe.each([['helix'], ['eventsub']] as const)('%s errata', (kind) => {
  const errata = loadErrata(kind);

  it('are recorded', () => {
    expect(errata.length).toBeGreaterThan(0);
  });

  it.each(errata.map((erratum) => [erratum.at, erratum] as const))('%s: the cited cases show it, and the schemas accept them', (_at, erratum) => {
    expect(erratum.evidence).toMatch(/\w{3,}/);
    expect(Object.keys(erratum.cases).length).toBeGreaterThan(0);
    for (const [id, paths] of Object.entries(erratum.cases)) {
      const item = byId.get(id);
      expect(item, `${id} is a case of the corpus`).toBeDefined();
      expect(paths.length, id).toBeGreaterThan(0);
      for (const path of paths) expect(shows(item!, path, erratum.change), `${id} at ${path}`).toBe(true);
      // The loosened schema takes the case at those paths (and below them).
      const refused = check(library, item!, endpoints).map((finding) => finding.path);
      expect(refused.filter((path) => paths.some((at) => path === at || path.startsWith(`${at}.`))), id).toEqual([]);
    }
  });
});
