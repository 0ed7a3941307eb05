// Entry for workerd: the Worker runs the smoke when asked and answers with its result.
import { smoke } from './smoke.ts';

export default {
  async fetch(request: Request): Promise<Response> {
    const origin = new URL(request.url).searchParams.get('origin')!;
    try {
      return Response.json(await smoke(origin));
    } catch (error) {
      return new Response(String(error), { status: 500 });
    }
  },
};
