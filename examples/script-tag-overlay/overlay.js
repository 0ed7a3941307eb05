// A stream overlay: shows follows, chat messages and cheers as they arrive over EventSub.
// Settings come from the page's #fragment, which never reaches a server:
//   index.html#client_id=…&token=…            (a user token of the channel, from any login flow)
// plus, for a fake Twitch, helix=… and eventsub=… base URLs (npm start fills them in).
const { createClient, getUsers, EventSubSocket } = window.helixkit;

const settings = new URLSearchParams(location.hash.slice(1));
const list = document.getElementById('events');
const MAX_SHOWN = 8;

function show(kind, ...parts) {
  const item = document.createElement('li');
  item.className = `event ${kind}`;
  // Build with text nodes only: names and messages come from viewers.
  for (const part of parts) {
    if (typeof part === 'string') item.append(part);
    else {
      const node = document.createElement(part.tag);
      if (part.className) node.className = part.className;
      node.textContent = part.text;
      item.append(node);
    }
  }
  list.prepend(item);
  while (list.children.length > MAX_SHOWN) list.lastElementChild.remove();
}

function status(state, text) {
  document.body.dataset.state = state;
  document.getElementById('status').textContent = text;
}

async function start() {
  const clientId = settings.get('client_id');
  const token = settings.get('token');
  if (!clientId || !token) throw new Error('add #client_id=…&token=… to the address');
  const client = createClient({ clientId, auth: token, ...(settings.has('helix') ? { baseUrl: settings.get('helix') } : {}) });

  // Whose overlay is this? The token's own user.
  const { data: [me] } = await getUsers(client);
  document.getElementById('channel').textContent = me.display_name;

  const socket = new EventSubSocket({ client, ...(settings.has('eventsub') ? { url: settings.get('eventsub') } : {}) });
  socket.on('channel.follow', (e) => show('follow', { tag: 'b', text: e.user_name }, ' followed!'));
  socket.on('channel.chat.message', (e) => show('chat', { tag: 'b', text: e.chatter_user_name }, `: ${e.message.text}`));
  socket.on('channel.cheer', (e) =>
    show('cheer', { tag: 'b', text: e.is_anonymous ? 'Anonymous' : e.user_name }, ' cheered ', { tag: 'span', className: 'bits', text: `${e.bits} bits` }, e.message ? ` “${e.message}”` : ''),
  );
  socket.on('reconnect', ({ reason }) => status('reconnecting', reason === 'session_reconnect' ? 'handing over…' : 'reconnecting…'));
  socket.on('session', ({ resumed }) => {
    status('connected', 'live');
    if (resumed) show('system', 'Twitch moved this overlay to a new connection; nothing was lost.');
  });
  socket.on('error', (error) => console.warn('EventSub:', error.message));

  const channel = { broadcaster_user_id: me.id };
  await Promise.all([
    socket.subscribe('channel.follow', { ...channel, moderator_user_id: me.id }),
    socket.subscribe('channel.chat.message', { ...channel, user_id: me.id }),
    socket.subscribe('channel.cheer', channel),
  ]);
  status('connected', 'live');
  document.body.dataset.ready = 'true';
}

start().catch((error) => {
  status('error', error.message);
  console.error(error);
});
