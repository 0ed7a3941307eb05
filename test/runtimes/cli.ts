// Entry for the runtimes that run a file: Node, Deno and Bun. Prints the result as one JSON line.
import { smoke } from './smoke.ts';

declare const Deno: { args: string[] } | undefined;
const args: string[] = typeof Deno !== 'undefined' ? Deno.args : (globalThis as any).process.argv.slice(2);
console.log(JSON.stringify(await smoke(args[0]!)));
