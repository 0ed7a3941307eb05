// Which followed channels are live right now, for the popup and the badge.
import { createClient, getFollowedStreams } from 'helixkit';

export async function liveFollows({ clientId, session, baseUrl }) {
  const client = createClient({ clientId, auth: session.access_token, ...(baseUrl ? { baseUrl } : {}) });
  return getFollowedStreams(client, { user_id: session.user_id }).all({ limit: 100 });
}
