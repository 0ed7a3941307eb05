// The service worker: every five minutes, the number of live followed channels on the badge.
import { CLIENT_ID, HELIX_URL } from './config.js';
import { liveFollows } from './live.js';
import { currentSession } from './login.js';

async function refreshBadge() {
  const session = await currentSession(chrome.storage.local);
  const live = session ? await liveFollows({ clientId: CLIENT_ID, session, baseUrl: HELIX_URL }).catch(() => []) : [];
  await chrome.action.setBadgeText({ text: live.length ? String(live.length) : '' });
}

chrome.alarms.create('live', { periodInMinutes: 5 });
chrome.alarms.onAlarm.addListener(refreshBadge);
chrome.storage.onChanged.addListener(refreshBadge);
refreshBadge();
