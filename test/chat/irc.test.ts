import { describe, expect, it } from 'vitest';
import { IrcParseError, messageParts, parseBadges, parseEmotes, parseIrcMessage } from '../../src/chat/index.js';
import { TwitchError } from '../../src/errors.js';
import { corpus } from './corpus.js';

describe('parseIrcMessage on Twitch lines', () => {
  it('reads a PRIVMSG with tags, prefix, channel and text', () => {
    const m = parseIrcMessage(`${corpus.privmsg}\r\n`);
    expect(m.command).toBe('PRIVMSG');
    expect(m.params).toEqual(['#lakeside', 'hello Kappa there']);
    expect(m.prefix).toEqual({ nick: 'pixelheron', user: 'pixelheron', host: 'pixelheron.tmi.twitch.tv' });
    expect(m.tags['display-name']).toBe('PixelHeron');
    expect(m.tags['user-type']).toBe('');
    expect(m.tags.flags).toBe('');
    expect(m.tags['tmi-sent-ts']).toBe('1700000000123');
    expect(m.raw.endsWith('hello Kappa there')).toBe(true);
  });

  it('unescapes the system-msg of a resub', () => {
    const m = parseIrcMessage(corpus.resub);
    expect(m.command).toBe('USERNOTICE');
    expect(m.prefix).toEqual({ host: 'tmi.twitch.tv' });
    expect(m.tags['system-msg']).toBe('LoyalLynx subscribed at Tier 1. They have subscribed for 9 months!\\o/');
    expect(m.tags['msg-param-sub-plan-name']).toBe('Lakeside Club; Tier 1');
    expect(m.tags['msg-param-cumulative-months']).toBe('9');
    expect(m.params).toEqual(['#lakeside', 'nine months already']);
  });

  it('applies every IRCv3 escape and drops a trailing lone backslash', () => {
    const m = parseIrcMessage('@a=x\\sy;b=semi\\:colon;c=back\\\\slash;d=cr\\rlf\\n;e=keep\\q;f=end\\;g;h= :srv CMD');
    expect(m.tags).toEqual({ a: 'x y', b: 'semi;colon', c: 'back\\slash', d: 'cr\rlf\n', e: 'keepq', f: 'end', g: '', h: '' });
  });

  it('reads a ban, a timeout and a full clear (CLEARCHAT)', () => {
    const timeout = parseIrcMessage(corpus.timeout);
    expect(timeout.tags['ban-duration']).toBe('600');
    expect(timeout.params).toEqual(['#lakeside', 'rowdyrat']);
    const ban = parseIrcMessage(corpus.ban);
    expect(ban.tags['ban-duration']).toBeUndefined();
    expect(ban.params).toEqual(['#lakeside', 'spambot42']);
    expect(parseIrcMessage(corpus.clearAll).params).toEqual(['#lakeside']);
  });

  it('reads CLEARMSG, NOTICE, ROOMSTATE, USERSTATE and GLOBALUSERSTATE', () => {
    expect(parseIrcMessage(corpus.clearmsg).tags['target-msg-id']).toBe('4f0c2d8e-1111-4aaa-9bbb-00000000000a');
    expect(parseIrcMessage(corpus.clearmsg).tags['room-id']).toBe('');
    const notice = parseIrcMessage(corpus.notice);
    expect([notice.command, notice.tags['msg-id'], notice.params[1]]).toEqual([
      'NOTICE',
      'emote_only_on',
      'This room is now in emote-only mode.',
    ]);
    expect(parseIrcMessage(corpus.loginFailed).params).toEqual(['*', 'Login authentication failed']);
    expect(parseIrcMessage(corpus.roomstate).tags['followers-only']).toBe('-1');
    expect(parseIrcMessage(corpus.userstate).tags['emote-sets']).toBe('0,300374282');
    const global = parseIrcMessage(corpus.globaluserstate);
    expect([global.command, global.params]).toEqual(['GLOBALUSERSTATE', []]);
  });

  it('reads numerics, CAP, JOIN, PART, PING and RECONNECT', () => {
    expect(parseIrcMessage(corpus.welcome)).toMatchObject({ command: '001', params: ['justinfan12345', 'Welcome, GLHF!'] });
    expect(parseIrcMessage(corpus.names)).toMatchObject({
      command: '353',
      params: ['justinfan12345', '=', '#lakeside', 'justinfan12345'],
    });
    expect(parseIrcMessage(corpus.endOfNames).params).toEqual(['justinfan12345', '#lakeside', 'End of /NAMES list']);
    expect(parseIrcMessage(corpus.capAck).params).toEqual(['*', 'ACK', 'twitch.tv/tags twitch.tv/commands']);
    expect(parseIrcMessage(corpus.join)).toMatchObject({ command: 'JOIN', params: ['#lakeside'], prefix: { nick: 'justinfan12345' } });
    expect(parseIrcMessage(corpus.part).command).toBe('PART');
    expect(parseIrcMessage(corpus.ping)).toMatchObject({ command: 'PING', prefix: null, params: ['tmi.twitch.tv'] });
    expect(parseIrcMessage(corpus.reconnect)).toMatchObject({ command: 'RECONNECT', params: [] });
  });

  it('keeps a trailing parameter with colons and spaces intact', () => {
    expect(parseIrcMessage(':a!b@c PRIVMSG #x ::) see  you: soon ').params).toEqual(['#x', ':) see  you: soon ']);
    expect(parseIrcMessage(':a!b@c PRIVMSG #x :').params).toEqual(['#x', '']);
  });

  it('refuses malformed lines with IrcParseError, a TwitchError', () => {
    for (const line of ['', '\r\n', '   ', '@a=b', '@a=b ', ':prefix', ':prefix ', 'PRIV!MSG x', '12 x', '1234 x', '@=x :a CMD', 'A\nB', 'PING\0']) {
      let caught: unknown;
      try {
        parseIrcMessage(line);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(line)).toBeInstanceOf(IrcParseError);
      expect(caught).toBeInstanceOf(TwitchError);
    }
    expect(() => parseIrcMessage(42 as unknown as string)).toThrow(IrcParseError);
  });

  it('refuses a line over 65,536 characters unread, whatever it holds, keeping only its start', () => {
    const huge = [
      'x'.repeat(1_000_000),
      `${'\n'.repeat(1_000_000)}PING`, // a run of line breaks: a backtracking trim would take minutes
      `@${'a=b;'.repeat(250_000)} :tmi.twitch.tv PRIVMSG #lakeside :hi`,
      `:a!a@a PRIVMSG #lakeside :${'Kappa '.repeat(200_000)}`,
    ];
    for (const line of huge) {
      let caught: IrcParseError | undefined;
      try {
        parseIrcMessage(line);
      } catch (error) {
        caught = error as IrcParseError;
      }
      expect(caught).toBeInstanceOf(IrcParseError);
      expect(caught!.reason).toBe('longer than 65536 characters');
      expect(caught!.line.length).toBeLessThanOrEqual(512);
    }
  });

  it('reads lines just under the cap that are shaped against its pattern, each at once', () => {
    // Each would take minutes in a pattern that backtracks; the parser reads or refuses each in one pass.
    const N = 65_536;
    const shaped = [
      `@${'a'.repeat(N - 1)}`, // tags and no space after them
      `:${'a!'.repeat(N / 2 - 1)}`, // a prefix that never ends
      `:${'@'.repeat(N - 1)}`,
      `@a${' '.repeat(N - 3)}:`, // a run of spaces where the prefix would start
      `:${' :'.repeat(N / 2 - 1)}`,
      `PING${' '.repeat(N - 4)}`, // a run of spaces where the parameters would be
      `PING${' :'.repeat(N / 2 - 2)}`,
      `@${';'.repeat(N - 7)} PING`,
      `@a=${'\\'.repeat(N - 9)} PING`,
      `PING \u2028`.repeat(N / 7),
    ];
    for (const line of shaped) {
      expect(line.length).toBeLessThanOrEqual(N);
      try {
        expect(typeof parseIrcMessage(line).command).toBe('string');
      } catch (error) {
        expect(error).toBeInstanceOf(IrcParseError);
      }
    }
  });

  it('reads a long but real-sized line: a text of emoji and 250 emotes, and a long reply body', () => {
    const text = Array.from({ length: 250 }, () => '\u{1F98A}Kappa').join('');
    const ranges = Array.from({ length: 250 }, (_, i) => `${i * 6 + 1}-${i * 6 + 5}`).join(',');
    const line = `@emotes=25:${ranges};reply-parent-msg-body=${'a\\s'.repeat(500)} :a!a@a.tmi.twitch.tv PRIVMSG #lakeside :${text}`;
    const m = parseIrcMessage(line);
    expect(parseEmotes(m.tags.emotes, m.params[1]!)).toHaveLength(250);
    expect(m.tags['reply-parent-msg-body']).toBe('a\\s'.repeat(500).replaceAll('\\s', ' '));
  });

  it('accepts one trailing line ending, CRLF or LF, and nothing more', () => {
    expect(parseIrcMessage('PING :x\r\n').params).toEqual(['x']);
    expect(parseIrcMessage('PING :x\n').params).toEqual(['x']);
    expect(() => parseIrcMessage('PING :x\r\n\r\n')).toThrow(IrcParseError);
  });

  it('masks an oauth token in the line kept on the error', () => {
    let caught: IrcParseError | undefined;
    try {
      parseIrcMessage('PASS oauth:abcdefsecret\nNICK x');
    } catch (error) {
      caught = error as IrcParseError;
    }
    expect(caught?.line).toContain('oauth:***');
    expect(JSON.stringify(caught) + String(caught) + caught?.stack).not.toContain('abcdefsecret');
  });
});

describe('parseEmotes', () => {
  it('cuts by code point so an emoji before an emote does not shift it', () => {
    const m = parseIrcMessage(corpus.emojiEmote);
    const text = m.params[1]!;
    const emotes = parseEmotes(m.tags.emotes, text);
    expect(emotes).toEqual([
      { id: '25', name: 'Kappa', start: 5, end: 9 },
      { id: '1902', name: 'Keepo', start: 11, end: 15 },
    ]);
    expect(messageParts(text, emotes)).toEqual([
      { type: 'text', text: '\u{1F98A} hi ' },
      { type: 'emote', text: 'Kappa', id: '25' },
      { type: 'text', text: ' ' },
      { type: 'emote', text: 'Keepo', id: '1902' },
    ]);
  });

  it('orders repeated emotes by position and skips ranges outside the text', () => {
    expect(parseEmotes('25:6-10,0-4/emotesv2_abc:12-13', 'Kappa Kappa xD')).toEqual([
      { id: '25', name: 'Kappa', start: 0, end: 4 },
      { id: '25', name: 'Kappa', start: 6, end: 10 },
      { id: 'emotesv2_abc', name: 'xD', start: 12, end: 13 },
    ]);
    expect(parseEmotes('25:0-40,9-3,x-y/:0-1/nocolon', 'short')).toEqual([]);
    expect(parseEmotes('', 'Kappa')).toEqual([]);
    expect(parseEmotes(undefined, 'Kappa')).toEqual([]);
  });

  it('skips ranges that overlap an earlier one, so emote names never add up to more than the text', () => {
    const text = 'Kappa '.repeat(2_000);
    const tag = `25:${Array.from({ length: 2_000 }, () => `0-${text.length - 1}`).join(',')}/1902:0-4,3-8,6-10`;
    const emotes = parseEmotes(tag, text);
    expect(emotes.map(({ id, start, end }) => [id, start, end])).toEqual([['25', 0, text.length - 1]]);
    expect(emotes.reduce((sum, emote) => sum + emote.name.length, 0)).toBeLessThanOrEqual(text.length);
    expect(parseEmotes('25:0-4,3-8,6-10', 'Kappa Kappa')).toEqual([
      { id: '25', name: 'Kappa', start: 0, end: 4 },
      { id: '25', name: 'Kappa', start: 6, end: 10 },
    ]);
  });
});

describe('parseBadges', () => {
  it('reads badges and badge-info into records', () => {
    expect(parseBadges('subscriber/12,premium/1')).toEqual({ subscriber: '12', premium: '1' });
    expect(parseBadges('subscriber/14')).toEqual({ subscriber: '14' });
    expect(parseBadges('predictions/blue-1,odd,/x')).toEqual({ predictions: 'blue-1', odd: '' });
    expect(parseBadges('')).toEqual({});
    expect(parseBadges(undefined)).toEqual({});
  });

  it('cannot be tricked into changing a prototype', () => {
    const badges = parseBadges('__proto__/1,constructor/2');
    expect(badges.constructor).toBe('2');
    expect(Object.getPrototypeOf(badges)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
