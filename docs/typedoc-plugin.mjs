// @ts-check
// What the API reference needs beyond typedoc's defaults, kept out of src/ so the code stays plain:
// module names as users import them, guides titled by their heading, a Helix function's real
// return type, no page of its own for a type shown inline where it is used, and the re-exports
// of helixkit/auth listed apart in helixkit.
import { Comment, CommentTag, Converter, IndexEvent, ReferenceReflection, ReflectionKind } from 'typedoc';

/** Entry module (typedoc's name for it) → the import path users write, and what it is for. */
const MODULES = {
  index: ['helixkit', 'The client, every Helix endpoint as a function of its own, the errors, and (re-exported) everything of `helixkit/auth`.'],
  auth: ['helixkit/auth', 'OAuth: login in pages, device code flow, server-side flows, OIDC, and the token manager with its stores.'],
  eventsub: ['helixkit/eventsub', 'EventSub over WebSocket (`EventSubSocket`), message parsing, the typed subscription registry and the conduit endpoints.'],
  'eventsub/schemas': ['helixkit/eventsub/schemas', 'One valibot descriptor per EventSub (type, version), to check events when you opt in.'],
  webhooks: ['helixkit/webhooks', 'EventSub webhooks as one `Request → Response` handler, signature checks and `subscribeWebhook`.'],
  chat: ['helixkit/chat', 'Twitch chat over IRC on a WebSocket (`ChatClient`) and the IRC parser.'],
  extensions: ['helixkit/extensions', 'Twitch Extension backends: verify the JWT a front end sends, sign one for Helix.'],
  node: ['helixkit/node', 'Node only: serve a `Request → Response` handler from `node:http` or Express.'],
  testing: ['helixkit/testing', 'The fake Twitch for tests: msw handlers, an EventSub WebSocket, IRC chat, and the controls to play a stream.'],
  'testing/server': ['helixkit/testing/server', 'Node only: the fake Twitch on a loopback server, for browsers, other runtimes and `helixkit mock`.'],
};

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (_context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const known = MODULES[/** @type {keyof typeof MODULES} */ (reflection.name)];
    if (!known) throw new Error(`docs/typedoc-plugin.mjs: name the entry module "${reflection.name}" in MODULES`);
    reflection.name = known[0];
    reflection.comment ??= new Comment([{ kind: 'text', text: known[1] }]);
  });

  // A guide's title is its first heading; an example's README is "Example: <folder>" (typedoc
  // would name every document after its file: every example's is a "README"). Guides and examples
  // are two groups of the navigation.
  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context, document) => {
    const path = document.project.files.getReflectionPath(document) ?? '';
    const example = /\/examples\/([^/]+)\/README\.md$/.exec(path);
    const heading = /^# (.+)$/m.exec(document.content.map((part) => part.text).join(''));
    if (example) document.name = `Example: ${example[1]}`;
    else if (heading) document.name = heading[1].trim();
    document.frontmatter.group ??= example ? 'Examples' : path.includes('/docs/guides/') ? 'Guides' : 'Contributing';
  });

  // The README is the index page, under a title typedoc already prints: drop its own first heading.
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const first = context.project.readme?.[0];
    if (first?.kind === 'text') first.text = first.text.replace(/^# [^\n]*\n+/, '');
  });

  // An endpoint function's signature comes from the generic `Endpoint` type of src/endpoint.ts;
  // typedoc reads its return type from that declaration (`Result`) and loses the type arguments
  // (`Promise` instead of `Promise<{ data: User[] }>`). The checker's instantiated type has them.
  app.converter.on(Converter.EVENT_CREATE_SIGNATURE, (context, signature, declaration, tsSignature) => {
    if (!tsSignature || !declaration?.getSourceFile().fileName.endsWith('/src/endpoint.ts')) return;
    signature.type = context.converter.convertType(context.withScope(signature), tsSignature.getReturnType());
  });

  // A type marked `@inline` is shown where it is used (a Helix function's input and response), so
  // a page of its own would only repeat it. (typedoc strips the tag from the
  // reflection's comment, so ask it the way it decides to inline.)
  /** @type {Set<import('typedoc').Reflection>} */
  const inlined = new Set();
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Interface | ReflectionKind.TypeAlias)) return;
    const symbol = context.getSymbolFromReflection(reflection);
    if (symbol && context.shouldInline(symbol, reflection.name)) inlined.add(reflection);
  });
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const reflection of inlined) context.project.removeReflection(reflection);
    inlined.clear();
    // `helixkit` re-exports all of `helixkit/auth`: list those links apart from its own exports.
    for (const reflection of context.project.getReflectionsByKind(ReflectionKind.Reference)) {
      if (!(reflection instanceof ReferenceReflection) || reflection.parent?.name !== 'helixkit') continue;
      const home = reflection.tryGetTargetReflectionDeep()?.parent?.name;
      if (home && home !== 'helixkit') {
        const category = new CommentTag('@category', [{ kind: 'text', text: `Re-exported from ${home}` }]);
        reflection.comment = new Comment([], [category]);
      }
    }
  });

  // typedoc indexes the anonymous type of a constructor-typed option (`WebSocket?: new (url) => …`)
  // as "__type", at an anchor its page never renders: a search hit that leads nowhere.
  app.renderer.on(IndexEvent.PREPARE_INDEX, (event) => {
    event.searchResults = event.searchResults.filter((reflection) => reflection.name !== '__type');
  });
}
