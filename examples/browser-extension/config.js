// Your Twitch application's client id (a public client: no secret in an extension).
export const CLIENT_ID = 'your-client-id';
