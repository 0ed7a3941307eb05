// Your Twitch application's client id (a public client: no secret in an extension).
export const CLIENT_ID = 'your-client-id';
// Where Twitch's OAuth and Helix live; undefined means Twitch itself. Only a test points these
// at a fake Twitch.
export const AUTH_URL = undefined;
export const HELIX_URL = undefined;
