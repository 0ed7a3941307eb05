// The parser and ChatClient on lines shaped as Twitch really sends them (see evidence.ts for the
// source of each shape).
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient, messageParts, parseBadges, parseEmotes, parseIrcMessage } from '../../src/chat/index.js';
import { evidence as e, welcomeBurst } from './evidence.js';
import { startIrcServer, until, type FakeIrcServer } from './irc-server.js';
import { record } from './record.js';

const text = (line: string) => parseIrcMessage(line).params.at(-1) ?? '';
const tags = (line: string) => parseIrcMessage(line).tags;

describe('parseIrcMessage on evidence of what Twitch sends', () => {
  it('parses every line', () => {
    for (const [name, line] of Object.entries(e)) expect(() => parseIrcMessage(line), name).not.toThrow();
  });

  it('keeps empty values, repeated and vendor tags, and tags in any order', () => {
    expect(tags(e.emptyValues)).toMatchObject({ 'badge-info': '', badges: '', emotes: '', flags: '', 'user-type': '', color: '#2E8B57' });
    expect(tags(e.historical)).toMatchObject({ historical: '1', 'rm-received-ts': '1700000101999', color: '' });
    expect(tags(e.vendorTags)).toEqual({ 'lake.example/mood': 'calm', plain: '', r9k: '' });
    expect(tags(e.viewerMilestoneReward)).toMatchObject({ 'msg-id': 'viewermilestone', 'msg-param-copoReward': '450', id: '9d9d0000-3333-4ccc-8ddd-00000000000f' });
    expect(tags(e.flags).flags).toBe('0-6:S.7,10-14:A.6/I.6');
  });

  it('unescapes \\s \\: \\\\ and \\n, drops an unknown escape\'s backslash and a dangling one', () => {
    expect(tags(e.displayNameTrailingSpace)['display-name']).toBe('QuietQuail ');
    expect(tags(e.displayNameSpaced)['display-name']).toBe('Lake Side Games');
    expect(tags(e.displayNameHangul)['display-name']).toBe('호수의새');
    expect(tags(e.replyEscapes)['reply-parent-msg-body']).toBe('2+2=5 so there !;');
    expect(tags(e.subgiftAnonymous)['msg-param-origin-id']).toBe('3f 09 a1 7c 22 5d 8e 41 0b 6a 93 d4 1e 77 c0 58 2b f6 04 9a');
    expect(tags(e.subgiftAnonymous)['system-msg']).toBe('An anonymous user gifted a Tier 1 sub to LakeFan! ');
    expect(tags(e.raid)['system-msg']).toBe('430 raiders from Voyager have joined\n!');
    expect(tags(e.raid)['msg-param-profileImageURL']).toBe('https://static-cdn.jtvnw.net/jtv_user_pictures/voyager-profile_image-70x70.png');
    const upgrade = tags(e.giftpaidupgradeEscapes);
    expect(upgrade['msg-param-promo-name']).toBe('Lake Week');
    expect(upgrade['system-msg']).toBe('Crawdad is continuing the Gift Sub they got from GiftGoose! blabla');
    expect(tags(e.announcement)['system-msg']).toBe('');
    expect(tags(e.ritual)['system-msg']).toBe('@NewNewt is new here. Say hello!');
  });

  it('reads prefixes, lines without one, and commands without parameters', () => {
    expect(parseIrcMessage(e.badgesOdd).prefix).toEqual({ nick: 'lakeside', user: '~lakeside', host: 'lakeside.tmi.twitch.tv' });
    expect(parseIrcMessage(e.clientReply)).toMatchObject({ prefix: null, command: 'PRIVMSG', params: ['#lakeside', 'Good idea!'] });
    expect(parseIrcMessage(e.pingBare)).toMatchObject({ prefix: null, command: 'PING', params: [] });
    expect(parseIrcMessage(e.pingPrefixed)).toMatchObject({ prefix: { host: 'tmi.twitch.tv' }, params: [] });
    expect(parseIrcMessage(e.pong).params).toEqual(['tmi.twitch.tv', 'helixkit']);
    expect(parseIrcMessage(e.clearchatNoChannel)).toMatchObject({ command: 'CLEARCHAT', params: [] });
    expect(parseIrcMessage(e.capNak).params).toEqual(['*', 'NAK', 'twitch.tv/foo']);
    expect(parseIrcMessage(e.hosttarget).params).toEqual(['#lakeside', '- 0']);
    expect(parseIrcMessage(e.vendorTags)).toMatchObject({ prefix: { host: 'irc.example.com' }, command: 'NOTE', params: ['one', 'two', 'three four'] });
  });

  it('reads badges whose versions are words, or free text holding a slash', () => {
    expect(parseBadges(tags(e.badgeInfoPrediction)['badge-info'])).toEqual({ predictions: 'Will it rain 1/2?', subscriber: '8' });
    expect(parseBadges(tags(e.badgeInfoPrediction).badges)).toEqual({ predictions: 'blue-1', subscriber: '6', 'glhf-pledge': '1' });
    expect(parseBadges(tags(e.badgesOdd).badges)).toEqual({ broadcaster: '1', warcraft: 'horde', 'twitchcon-2024---san-diego': '1', founder: '0' });
    expect(parseBadges(tags(e.displayNameHangul).badges)).toEqual({ moderator: '1', subscriber: '3024' });
  });

  it('places emotes by code point across astral-plane characters, ids with `_` or `/`, and skips ranges past the end', () => {
    expect(parseEmotes(tags(e.emotesAfterEmoji).emotes, text(e.emotesAfterEmoji)).map((m) => [m.start, m.end, m.name])).toEqual([
      [2, 3, '<3'], [7, 8, '<3'], [12, 13, '<3'],
    ]);
    const slash = text(e.emoteIdWithSlash);
    expect(parseEmotes(tags(e.emoteIdWithSlash).emotes, slash)).toEqual([{ id: '90210_/2', name: 'lakeW_/2', start: 7, end: 14 }]);
    expect(messageParts(slash, parseEmotes(tags(e.emoteIdWithSlash).emotes, slash))).toEqual([
      { type: 'text', text: '\u{E0000}-ping ' },
      { type: 'emote', text: 'lakeW_/2', id: '90210_/2' },
      { type: 'text', text: '.0' },
    ]);
    expect(parseEmotes(tags(e.emoteModifiedId).emotes, text(e.emoteModifiedId))).toEqual([{ id: '301234567_TK', name: 'lakeH_TK', start: 0, end: 7 }]);
    expect(parseEmotes(tags(e.emotesOutOfOrder).emotes, text(e.emotesOutOfOrder)).map((m) => `${m.id}:${m.name}@${m.start}`)).toEqual([
      '25:Kappa@0', '1902:Keepo@6', '25:Kappa@12', '1902:Keepo@29', '499::)@45',
    ]);
    expect(parseEmotes(tags(e.emoteRangePastEnd).emotes, text(e.emoteRangePastEnd))).toEqual([]);
    // Twitch's ranges on a `/me` resub fit neither text; they are read against the text as sent.
    expect(parseEmotes(tags(e.resubSneakyAction).emotes, text(e.resubSneakyAction)).map((m) => m.name)).toEqual([' Kapp', ' Kapp', ' :']);
  });

  it('reads the viewermilestone and modiversary USERNOTICEs Twitch added on 2026-06-18', () => {
    expect(parseIrcMessage(e.viewerMilestone)).toMatchObject({
      command: 'USERNOTICE',
      params: ['#lakeside'],
      tags: {
        'msg-id': 'viewermilestone',
        'msg-param-category': 'watch-streak',
        'msg-param-id': '4b6e8a10-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
        'msg-param-value': '3',
        'system-msg': 'StreakStork watched 3 consecutive streams this month and sparked a watch streak!',
      },
    });
    expect(tags(e.viewerMilestone)['msg-param-copoReward']).toBeUndefined();
    expect(parseIrcMessage(e.modiversary)).toMatchObject({
      params: ['#lakeside', "I'm celebrating 9 years as mod!"],
      tags: { 'msg-id': 'modiversary', 'msg-param-months': '108', 'system-msg': 'has been a moderator for 24 months!' },
    });
  });
});

describe('ChatClient on evidence of what Twitch sends', () => {
  let server: FakeIrcServer;
  let client: ChatClient;
  afterEach(async () => {
    client?.close();
    await server?.close();
  });

  async function deliver(lines: readonly string[]) {
    server = await startIrcServer();
    client = new ChatClient({ url: server.url });
    const seen = record(client);
    await client.connect();
    const before = seen.irc!.length;
    server.frame(lines.join('\r\n'));
    await until(() => seen.irc!.length - before == lines.length, 'every line');
    return seen;
  }

  it('emits viewermilestone and modiversary as typed events, and as usernotice', async () => {
    const seen = await deliver([e.viewerMilestone, e.viewerMilestoneReward, e.modiversary, e.raid]);
    expect(seen.usernotice!.map((n) => n.msgId)).toEqual(['viewermilestone', 'viewermilestone', 'modiversary', 'raid']);
    expect(seen.viewermilestone).toHaveLength(2);
    expect(seen.viewermilestone![0]).toMatchObject({
      channel: 'lakeside',
      channelId: '100200300',
      login: 'streakstork',
      displayName: 'StreakStork',
      category: 'watch-streak',
      milestoneId: '4b6e8a10-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
      value: 3,
      reward: undefined,
      text: '',
      systemMsg: 'StreakStork watched 3 consecutive streams this month and sparked a watch streak!',
      timestamp: 1700000212000,
    });
    expect(seen.viewermilestone![1]).toMatchObject({
      login: 'kingfisher',
      value: 7,
      reward: 450,
      text: 'seven in a row',
      subscriber: true,
      badgeInfo: { subscriber: '3' },
      params: { category: 'watch-streak', copoReward: '450', value: '7', id: '5c7f9b21-3d4e-4f60-9bac-1d2e3f4a5b6c' },
    });
    expect(seen.modiversary).toEqual([expect.objectContaining({ login: 'oldowl', mod: true, months: 108, text: "I'm celebrating 9 years as mod!" })]);
    expect(seen.error).toBeUndefined();
  });

  it('turns every PRIVMSG shape into a message with the right user, text and emotes', async () => {
    const lines = [
      e.privmsgNoTags, e.emptyValues, e.historical, e.displayNameTrailingSpace, e.displayNameHangul, e.actionEmpty,
      e.actionWithEmotes, e.badgesOdd, e.replyEscapes, e.sharedChatReply, e.customReward, e.clientReply,
    ];
    const seen = await deliver(lines);
    const m = seen.message!;
    expect(m).toHaveLength(lines.length);
    expect(m[0]).toMatchObject({ login: 'lakebird', displayName: 'lakebird', userId: '', color: '', timestamp: 0, text: 'Hello, chat!' });
    expect(m[1]).toMatchObject({ displayName: 'LakeBird', badges: {}, badgeInfo: {}, emotes: [] });
    expect(m[2]).toMatchObject({ text: 'NaM', timestamp: 1700000101888, color: '' });
    expect(m[3]!.displayName).toBe('QuietQuail ');
    expect(m[4]).toMatchObject({ displayName: '호수의새', login: 'lakebird_kr', mod: true, subscriber: true });
    expect(m[5]).toMatchObject({ action: true, text: '' });
    expect(m[6]).toMatchObject({ action: true, text: '-ping Kappa 123 Keepo', broadcaster: true });
    expect(m[6]!.emotes.map((emote) => emote.name)).toEqual(['Kappa', 'Keepo']);
    expect(m[7]).toMatchObject({ broadcaster: true, badges: { warcraft: 'horde' } });
    expect(m[8]!.reply).toEqual({
      msgId: '7a1e0c55-0010-4b2a-9c3d-5e6f7a8b9c10',
      userId: '555100016',
      login: 'stone',
      displayName: 'Stone',
      text: '2+2=5 so there !;',
      threadMsgId: '7a1e0c55-0010-4b2a-9c3d-5e6f7a8b9c10',
    });
    expect(m[9]!.reply).toMatchObject({ msgId: '7a1e0c55-0012-4b2a-9c3d-5e6f7a8b9c12', threadMsgId: '7a1e0c55-0013-4b2a-9c3d-5e6f7a8b9c13', text: '@Crane oh you are right' });
    expect(m[9]!.tags['source-room-id']).toBe('100200399');
    expect(m[10]).toMatchObject({ vip: true, tags: expect.objectContaining({ 'custom-reward-id': '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5' }) });
    expect(m[11]).toMatchObject({ login: '', text: 'Good idea!' });
    expect(seen.error).toBeUndefined();
  });

  it('turns the other commands into their events, tags missing or not', async () => {
    const lines = [
      e.usernoticeNoTags, e.subPrime, e.subgiftAnonymous, e.submysterygiftNoCount, e.giftpaidupgradeEscapes, e.announcement,
      e.sharedChatNotice, e.resubSneakyAction, e.rewardgift, e.clearchatNoChannel, e.clearmsgFewTags, e.clearmsgAction,
      e.roomstateNoRoomId, e.roomstateOldTags, e.userstateUuidSet, e.globaluserstateNoSets, e.whisperAction, e.whisperFewTags,
      e.noticeBadAuth, e.capNak, e.pingPrefixed, e.pong, e.namesMany, e.hosttarget, welcomeBurst,
    ];
    const seen = await deliver(lines.flatMap((line) => line.split('\r\n')));
    expect(seen.usernotice!.map((n) => n.msgId)).toEqual([
      '', 'sub', 'subgift', 'submysterygift', 'giftpaidupgrade', 'announcement', 'sharedchatnotice', 'resub', 'rewardgift',
    ]);
    const [bare, sub, gift, mystery] = seen.usernotice!;
    expect(bare).toMatchObject({ login: '', userId: '', text: 'Great stream -- keep it up!', params: {}, timestamp: 0 });
    expect(sub!.params).toEqual({
      'cumulative-months': '1', months: '0', 'should-share-streak': '0', 'sub-plan-name': 'Channel Subscription (lakeside)', 'sub-plan': 'Prime',
    });
    expect(gift).toMatchObject({ login: 'ananonymousgifter', params: { 'recipient-user-name': 'lakefan', 'gift-months': '1' } });
    expect(mystery!.params['sender-count']).toBeUndefined();
    expect(seen.usernotice![7]).toMatchObject({ text: '\u0001ACTION Kappa TEST TEST Kappa :)\u0001', emotes: [{ name: ' Kapp' }, { name: ' Kapp' }, { name: ' :' }] });
    expect(seen.clearchat).toEqual([expect.objectContaining({ channel: '', channelId: '', login: undefined, timestamp: 0 })]);
    expect(seen.clearmsg).toMatchObject([
      { login: 'rowdyrat', messageId: '4f0c2d8e-1111-4aaa-9bbb-00000000000b', text: 'HeyGuys', timestamp: 0 },
      { login: 'modmole', text: '\u0001ACTION test\u0001' },
    ]);
    expect(seen.roomstate).toMatchObject([
      { channelId: '', emoteOnly: false, followersOnly: 0, uniqueChat: false, slow: 0, subsOnly: false },
      { channelId: '100200300', emoteOnly: true, followersOnly: 10, uniqueChat: true, slow: 5, subsOnly: true },
    ]);
    expect(seen.userstate![0]!.emoteSets).toEqual(['0', '6a1f2e3d-4c5b-4a69-8877-665544332211']);
    expect(seen.globaluserstate!.map((state) => state.emoteSets)).toEqual([[], ['0', '300374282']]);
    expect(seen.whisper).toMatchObject([
      { login: 'quietquail', text: '/me tests whisper action', id: '50' },
      { login: 'quietquail', userId: '', id: '', threadId: '', text: 'Hello! ;-)' },
    ]);
    // After login, a NOTICE to `*` is just a notice (before it, it means the login was refused).
    expect(seen.notice).toEqual([expect.objectContaining({ channel: '', text: 'Improperly formatted auth' })]);
    expect(seen.connected).toHaveLength(1); // the second welcome in the burst changes nothing
    expect(seen.error).toBeUndefined();
  });
});
