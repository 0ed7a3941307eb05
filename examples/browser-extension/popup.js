// The popup: sign in with a device code, then list live followed channels.
import { AUTH_URL, CLIENT_ID, HELIX_URL } from './config.js';
import { liveFollows } from './live.js';
import { currentSession, signIn, signOut } from './login.js';

const storage = chrome.storage.local;
const $ = (id) => document.getElementById(id);

async function render() {
  const session = await currentSession(storage);
  $('signed-out').hidden = Boolean(session);
  $('signed-in').hidden = !session;
  if (!session) return;
  $('login').textContent = session.login;
  const streams = await liveFollows({ clientId: CLIENT_ID, session, baseUrl: HELIX_URL });
  $('live').replaceChildren(
    ...streams.map((stream) => {
      const item = document.createElement('li');
      item.textContent = `${stream.user_name} — ${stream.game_name} (${stream.viewer_count})`;
      return item;
    }),
  );
}

$('sign-in').addEventListener('click', async () => {
  $('sign-in').disabled = true;
  $('error').hidden = true;
  try {
    await signIn({
      clientId: CLIENT_ID,
      authBaseUrl: AUTH_URL,
      storage,
      onCode: ({ user_code, verification_uri }) => {
        $('code').textContent = user_code;
        $('link').href = verification_uri;
        $('prompt').hidden = false;
      },
    });
  } catch (error) {
    $('error').textContent = `Sign-in failed: ${error.message}`; // e.g. the user declined
    $('error').hidden = false;
  }
  $('prompt').hidden = true;
  $('sign-in').disabled = false;
  await render();
});
$('sign-out').addEventListener('click', async () => {
  await signOut({ clientId: CLIENT_ID, storage, authBaseUrl: AUTH_URL });
  await render();
});
render();
