/** A fetch stand-in that records every request and answers from a queue of responders. */
export type Responder = (request: Request) => Response | Promise<Response>;

export interface FetchStub {
  fetch: typeof fetch;
  /** Every request sent, in order. */
  requests: Request[];
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });
}

/** Answers each request with the next responder; the last one repeats. */
export function fetchStub(...responders: Responder[]): FetchStub {
  const requests: Request[] = [];
  const stub = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request.clone());
    const responder = responders[Math.min(requests.length - 1, responders.length - 1)];
    if (!responder) throw new Error('fetchStub has no responder');
    return responder(request);
  };
  return { fetch: stub as typeof fetch, requests };
}

/**
 * A JSON response whose body never ends: chunks of `chunkBytes` spaces, pulled one at a time.
 * `pulls()` tells how many chunks were read, so a test can show a reader stopped at its cap.
 */
export function endlessResponse(chunkBytes: number): { response: () => Response; pulls: () => number } {
  let pulled = 0;
  const response = () =>
    new Response(
      new ReadableStream({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(chunkBytes).fill(32));
        },
      }),
      { headers: { 'content-type': 'application/json' } },
    );
  return { response, pulls: () => pulled };
}
