// The few Deno APIs main.ts uses, so the repository's TypeScript check (which has no Deno types)
// understands it. Deno itself ignores this file and brings its own complete types.
declare namespace Deno {
  const env: { get(name: string): string | undefined };
  function serve(
    options: { hostname?: string; port?: number; onListen?: (address: { hostname: string; port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
}
