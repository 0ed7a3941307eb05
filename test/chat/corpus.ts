// Lines in Twitch's IRC format, written for these tests (ids, names and texts are made up).
// Shared by the parser test, the fuzz test and the loopback server test.
//
// Where the shapes come from (checked 2026-12): each follows an example in Twitch's IRC docs,
// https://dev.twitch.tv/docs/chat/irc/ (the anchor is named per line), with tags added or left out
// as noted. The corpus is the everyday case; evidence.ts holds the odd shapes Twitch really sends,
// each tied to its source.

export const corpus = {
  // #privmsg-tags and the #shared-chat example (client-nonce, first-msg, returning-chatter).
  privmsg:
    '@badge-info=subscriber/14;badges=subscriber/12,premium/1;client-nonce=0a1b2c;color=#1E90FF;' +
    'display-name=PixelHeron;emotes=25:6-10;first-msg=0;flags=;id=4f0c2d8e-1111-4aaa-9bbb-000000000001;' +
    'mod=0;returning-chatter=0;room-id=100200300;subscriber=1;tmi-sent-ts=1700000000123;turbo=0;' +
    'user-id=555000111;user-type= :pixelheron!pixelheron@pixelheron.tmi.twitch.tv PRIVMSG #lakeside :hello Kappa there',
  // #privmsg-tags VIP example (`vip=1`, `badges=vip/1`); the \u0001ACTION wrapping as in #irc-commands.
  action:
    '@badge-info=;badges=vip/1;color=;display-name=slow_otter;emotes=;id=4f0c2d8e-1111-4aaa-9bbb-000000000002;' +
    'mod=0;room-id=100200300;subscriber=0;tmi-sent-ts=1700000000456;user-id=555000222;vip=1 ' +
    ':slow_otter!slow_otter@slow_otter.tmi.twitch.tv PRIVMSG #lakeside :\u0001ACTION waves at everyone\u0001',
  // Shape of robotty/twitch-irc-rs privmsg.rs test_emote_after_emoji.
  // "🦊 hi Kappa": the fox is one code point but two UTF-16 units; Kappa sits at code points 5-9.
  emojiEmote:
    '@badges=;color=#00FF7F;display-name=FoxFan;emotes=25:5-9/1902:11-15;id=4f0c2d8e-1111-4aaa-9bbb-000000000003;' +
    'room-id=100200300;tmi-sent-ts=1700000000789;user-id=555000333 ' +
    ':foxfan!foxfan@foxfan.tmi.twitch.tv PRIVMSG #lakeside :\u{1F98A} hi Kappa Keepo',
  // #privmsg-tags bits example.
  bits:
    '@badge-info=;badges=bits/1000;bits=250;color=#FF4500;display-name=CheerBird;emotes=;first-msg=1;' +
    'id=4f0c2d8e-1111-4aaa-9bbb-000000000004;mod=0;room-id=100200300;subscriber=0;tmi-sent-ts=1700000001000;' +
    'user-id=555000444 :cheerbird!cheerbird@cheerbird.tmi.twitch.tv PRIVMSG #lakeside :Cheer250 great run!',
  // #privmsg-tags reply-parent-* and reply-thread-parent-* tags.
  reply:
    '@badges=moderator/1;color=;display-name=ModMole;emotes=;id=4f0c2d8e-1111-4aaa-9bbb-000000000005;mod=1;' +
    'reply-parent-display-name=PixelHeron;reply-parent-msg-body=hello\\sKappa\\sthere;' +
    'reply-parent-msg-id=4f0c2d8e-1111-4aaa-9bbb-000000000001;reply-parent-user-id=555000111;' +
    'reply-parent-user-login=pixelheron;reply-thread-parent-msg-id=4f0c2d8e-1111-4aaa-9bbb-000000000001;' +
    'reply-thread-parent-user-login=pixelheron;room-id=100200300;tmi-sent-ts=1700000002000;user-id=555000555 ' +
    ':modmole!modmole@modmole.tmi.twitch.tv PRIVMSG #lakeside :@pixelheron welcome!',
  // #usernotice-tags resub example; `\:` in the plan name is ours (an escaped `;`).
  resub:
    '@badge-info=subscriber/9;badges=subscriber/6;color=#8A2BE2;display-name=LoyalLynx;emotes=;' +
    'id=9d9d0000-2222-4ccc-8ddd-000000000001;login=loyallynx;mod=0;msg-id=resub;msg-param-cumulative-months=9;' +
    'msg-param-months=0;msg-param-should-share-streak=1;msg-param-streak-months=3;msg-param-sub-plan=1000;' +
    'msg-param-sub-plan-name=Lakeside\\sClub\\:\\sTier\\s1;room-id=100200300;subscriber=1;' +
    'system-msg=LoyalLynx\\ssubscribed\\sat\\sTier\\s1.\\sThey\\shave\\ssubscribed\\sfor\\s9\\smonths!\\\\o/;' +
    'tmi-sent-ts=1700000003000;user-id=555000666;user-type= :tmi.twitch.tv USERNOTICE #lakeside :nine months already',
  // #usernotice-tags raid example, without msg-param-profileImageURL (evidence.ts has it).
  raid:
    '@badges=;color=;display-name=Voyager;emotes=;id=9d9d0000-2222-4ccc-8ddd-000000000002;login=voyager;mod=0;' +
    'msg-id=raid;msg-param-displayName=Voyager;msg-param-login=voyager;msg-param-viewerCount=42;room-id=100200300;' +
    'subscriber=0;system-msg=42\\sraiders\\sfrom\\sVoyager\\shave\\sjoined!;tmi-sent-ts=1700000004000;user-id=555000777 ' +
    ':tmi.twitch.tv USERNOTICE #lakeside',
  // #clearchat-tags examples: timeout, permanent ban, full clear.
  timeout:
    '@ban-duration=600;room-id=100200300;target-user-id=555000888;tmi-sent-ts=1700000005000 ' +
    ':tmi.twitch.tv CLEARCHAT #lakeside :rowdyrat',
  ban: '@room-id=100200300;target-user-id=555000999;tmi-sent-ts=1700000006000 :tmi.twitch.tv CLEARCHAT #lakeside :spambot42',
  clearAll: '@room-id=100200300;tmi-sent-ts=1700000007000 :tmi.twitch.tv CLEARCHAT #lakeside',
  // #clearmsg-tags example (`room-id=` empty, as there).
  clearmsg:
    '@login=rowdyrat;room-id=;target-msg-id=4f0c2d8e-1111-4aaa-9bbb-00000000000a;tmi-sent-ts=1700000008000 ' +
    ':tmi.twitch.tv CLEARMSG #lakeside :buy followers here',
  // #notice-reference msg-ids; #authenticating for the login failure.
  notice: '@msg-id=emote_only_on :tmi.twitch.tv NOTICE #lakeside :This room is now in emote-only mode.',
  loginFailed: ':tmi.twitch.tv NOTICE * :Login authentication failed',
  // #roomstate-tags examples: full state on join, one changed setting after.
  roomstate:
    '@emote-only=0;followers-only=-1;r9k=0;room-id=100200300;slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #lakeside',
  roomstateSlow: '@room-id=100200300;slow=30 :tmi.twitch.tv ROOMSTATE #lakeside',
  // #userstate-tags and #globaluserstate-tags examples.
  userstate:
    '@badge-info=;badges=moderator/1;color=#0000FF;display-name=HelperBot;emote-sets=0,300374282;mod=1;subscriber=0;' +
    'user-type=mod :tmi.twitch.tv USERSTATE #lakeside',
  globaluserstate:
    '@badge-info=;badges=;color=#0000FF;display-name=HelperBot;emote-sets=0,300374282;user-id=777000111;user-type= ' +
    ':tmi.twitch.tv GLOBALUSERSTATE',
  // No WHISPER example in the docs any more; shape of twitch-irc-rs whisper.rs and go-twitch-irc message_test.go.
  whisper:
    '@badges=;color=;display-name=QuietQuail;emotes=;message-id=3;thread-id=555000123_777000111;turbo=0;' +
    'user-id=555000123;user-type= :quietquail!quietquail@quietquail.tmi.twitch.tv WHISPER helperbot :psst, hello',
  // #authenticating, #joining-and-leaving-chatrooms, #keepalive-messages, #reconnect-command.
  welcome: ':tmi.twitch.tv 001 justinfan12345 :Welcome, GLHF!',
  names: ':justinfan12345.tmi.twitch.tv 353 justinfan12345 = #lakeside :justinfan12345',
  endOfNames: ':justinfan12345.tmi.twitch.tv 366 justinfan12345 #lakeside :End of /NAMES list',
  capAck: ':tmi.twitch.tv CAP * ACK :twitch.tv/tags twitch.tv/commands',
  join: ':justinfan12345!justinfan12345@justinfan12345.tmi.twitch.tv JOIN #lakeside',
  part: ':justinfan12345!justinfan12345@justinfan12345.tmi.twitch.tv PART #lakeside',
  ping: 'PING :tmi.twitch.tv',
  reconnect: ':tmi.twitch.tv RECONNECT',
} as const;
