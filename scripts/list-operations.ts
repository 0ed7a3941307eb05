/**
 * Writes test/helix/operations.json: what each Helix operation is, read straight from Twitch's
 * reference with no interpretation. test/helix/coverage.test.ts holds the generated endpoint
 * functions against it, so this file must stay independent of scripts/gen-helix.ts.
 *
 *   npx node scripts/list-operations.ts [path/to/helix-openapi.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? join(root, '../shared/twitch/helix-openapi.json');
const target = join(root, 'test/helix/operations.json');

type Json = Record<string, any>; // the reference is read loosely; every field used is checked below

const reference = JSON.parse(readFileSync(source, 'utf8')) as Json;
const follow = (schema: Json | undefined): Json | undefined =>
  schema?.$ref ? follow(reference.components.schemas[schema.$ref.split('/').pop()]) : schema;

const operations = [];
for (const [path, methods] of Object.entries(reference.paths as Json)) {
  for (const [method, op] of Object.entries(methods as Json)) {
    const description: string = op.description ?? '';
    const authorization = description.includes('__Authorization:__')
      ? description.split('__Authorization:__')[1]!.split(/__[A-Z][A-Za-z ]+:__/)[0]!
      : '';
    const unescaped = authorization.replaceAll('\\_', '_');
    const tokens = [];
    if (/app access token/i.test(unescaped)) tokens.push('app');
    if (/user[- ]access token/i.test(unescaped)) tokens.push('user');

    const scopes = new Set<string>();
    for (const entry of op.security ?? []) for (const scope of entry.twitch_auth ?? []) scopes.add(scope);
    for (const match of unescaped.matchAll(/(?:\*\*|`)([a-z]+(?::[a-z_]+)+)(?:\*\*|`)/g)) scopes.add(match[1]!);

    const success = Object.entries(op.responses as Json).find(([status]) => status.startsWith('2'))![1];
    const responseBody = follow(success.content?.['application/json']?.schema);
    const requestBody = follow(op.requestBody && (Object.values(op.requestBody.content)[0] as Json).schema);

    operations.push({
      operationId: op.operationId,
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p: Json) => p.in === 'query').map((p: Json) => p.name),
      body: Object.keys(requestBody?.properties ?? {}),
      tokens,
      scopes: scopes.size ? [[...scopes]] : [],
      paginated: Boolean(responseBody?.properties?.pagination),
      deprecated: op.deprecated === true,
    });
  }
}

writeFileSync(target, `${JSON.stringify(operations, null, 2)}\n`);
console.log(`wrote ${operations.length} operations to ${target}`);
