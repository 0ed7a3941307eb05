// Tree-shaking is a promise to users: one endpoint must not drag in the rest of the API.
import { describe, expect, test } from 'vitest';
import { weigh } from '../bench/bundle.ts';
import { uses } from '../bench/size.ts';

describe('bundle size', () => {
  for (const use of uses) {
    test(`${use.name} stays within ${use.budget} B gzip`, async () => {
      const { gzip } = await weigh(use.ours);
      expect(gzip).toBeLessThanOrEqual(use.budget);
    });
  }

  test('a getUsers bundle holds no code of other Helix areas', async () => {
    const { code } = await weigh(uses.find((use) => use.name === 'getUsers')!.ours);
    expect(code).toContain('users');
    // Paths of endpoints in other areas: none may be present.
    for (const marker of ['channel_points/custom_rewards', 'moderation/bans', 'eventsub/subscriptions', 'schedule/icalendar', 'clips']) {
      expect(code, marker).not.toContain(marker);
    }
  });
});
