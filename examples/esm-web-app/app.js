// A web app with no server: log in with a popup (implicit flow), read the user, and show their
// channel's chat from EventSub. Register `callback.html`'s address as a redirect URL of your
// Twitch app and put its client id below (or in ?client_id=…).
import { createClient, getUsers, loginWithPopup } from 'helixkit';
import { EventSubSocket } from 'helixkit/eventsub';

const query = new URLSearchParams(location.search);
const CLIENT_ID = query.get('client_id') ?? 'your-client-id';
// Only for trying the app against a fake Twitch (npm start, tests): where its services live.
const fake = { authBaseUrl: query.get('auth'), baseUrl: query.get('helix'), url: query.get('eventsub') };
const only = (object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value));

const button = document.getElementById('login');
button.addEventListener('click', async () => {
  button.disabled = true;
  try {
    // Called straight from the click, so the browser lets the popup open.
    const login = await loginWithPopup({
      clientId: CLIENT_ID,
      redirectUri: new URL('callback.html', location.href).href,
      scopes: ['user:read:chat'],
      ...only({ authBaseUrl: fake.authBaseUrl }),
    });
    await start(login.access_token);
    button.hidden = true;
  } catch (error) {
    document.getElementById('who').textContent = `Login failed: ${error.message}`;
    button.disabled = false;
  }
});

async function start(token) {
  const client = createClient({ clientId: CLIENT_ID, auth: token, ...only({ baseUrl: fake.baseUrl }) });
  const { data: [me] } = await getUsers(client);
  document.getElementById('who').textContent = `Signed in as ${me.display_name}.`;

  const socket = new EventSubSocket({ client, ...only({ url: fake.url }) });
  socket.on('channel.chat.message', (event) => {
    const item = document.createElement('li');
    item.textContent = `${event.chatter_user_name}: ${event.message.text}`;
    document.getElementById('chat').append(item);
  });
  await socket.subscribe('channel.chat.message', { broadcaster_user_id: me.id, user_id: me.id });
  document.body.dataset.listening = 'true';
}
