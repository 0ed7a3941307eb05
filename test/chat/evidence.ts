// IRC lines in the shapes Twitch really sends, written for these tests. Each reproduces a shape
// (which tags, in which order, with which oddities) shown by Twitch's IRC docs or by another chat
// library's tests, named above it; ids, names and texts are our own, nothing is copied.
//
// Evidence (commit = the version read):
//   DOCS  https://dev.twitch.tv/docs/chat/irc/ (IRC concepts, command and tag reference; a stored copy
//         from 2026 that already lists viewermilestone and modiversary)
//   RS    robotty/twitch-irc-rs@3a6a9c882f99dbfe5dec04ee68f78b25a68b3f70
//   GO    gempir/go-twitch-irc@419fb617f28b7f80c49f7512f1bb3ce95790ea94
//   TMI   tmijs/tmi.js@3904ae743a12b984aa1a175740e8b5bae08a03e4
//   T4J   twitch4j/twitch4j@3ea102457324357be1959bd5fd4e5e41eb3b4dd3
//   TW    twurple/twurple@39d2a908cd4f59a1cce3d7dc7109bc5d83cda6eb (adds viewermilestone)
//   CHAT  Chatterino/chatterino2@0a1cccd67305df369fbc6cfde85df7f1a8ef2867

export const evidence = {
  // --- PRIVMSG ---

  // DOCS #privmsg-command: a line with no tags at all (tags capability not requested).
  privmsgNoTags: ':lakebird!lakebird@lakebird.tmi.twitch.tv PRIVMSG #lakeside :Hello, chat!',
  // RS src/message/commands/privmsg.rs test_basic_example; DOCS #irc-tag-reference: empty values
  // (`badge-info=`, `badges=`, `emotes=`, `flags=`, `user-type=`) next to set ones.
  emptyValues:
    '@badge-info=;badges=;color=#2E8B57;display-name=LakeBird;emotes=;flags=;id=7a1e0c55-0001-4b2a-9c3d-5e6f7a8b9c01;' +
    'mod=0;room-id=100200300;subscriber=0;tmi-sent-ts=1700000100000;turbo=0;user-id=555100001;user-type= ' +
    ':lakebird!lakebird@lakebird.tmi.twitch.tv PRIVMSG #lakeside :dank cam',
  // RS privmsg.rs test_greyname_no_color: recent-messages tags (`rm-received-ts`, `historical`)
  // first, out of alphabetical order, and `client-nonce`.
  historical:
    '@rm-received-ts=1700000101999;historical=1;badge-info=;badges=;client-nonce=0f1e2d3c4b5a69788796a5b4c3d2e1f0;' +
    'color=;display-name=GreyHeron;emotes=;flags=;id=7a1e0c55-0002-4b2a-9c3d-5e6f7a8b9c02;mod=0;room-id=100200300;' +
    'subscriber=0;tmi-sent-ts=1700000101888;turbo=0;user-id=555100002;user-type= ' +
    ':greyheron!greyheron@greyheron.tmi.twitch.tv PRIVMSG #lakeside :NaM',
  // RS privmsg.rs test_display_name_with_trailing_space: an escaped space at the end of a value.
  displayNameTrailingSpace:
    String.raw`@badges=;color=;display-name=QuietQuail\s;emotes=;id=7a1e0c55-0003-4b2a-9c3d-5e6f7a8b9c03;mod=0;` +
    'room-id=100200300;subscriber=0;tmi-sent-ts=1700000102000;user-id=555100003;user-type= ' +
    ':quietquail!quietquail@quietquail.tmi.twitch.tv PRIVMSG #lakeside :hi',
  // RS privmsg.rs test_display_name_with_middle_space and test_korean_display_name; CHAT
  // tests/src/TwitchIrc.cpp (a Japanese display name): display names that are not the login.
  displayNameSpaced:
    String.raw`@badges=;color=;display-name=Lake\sSide\sGames;emotes=;id=7a1e0c55-0004-4b2a-9c3d-5e6f7a8b9c04;mod=1;` +
    'room-id=100200300;subscriber=0;tmi-sent-ts=1700000103000;user-id=555100004;user-type= ' +
    ':lakesidegames!lakesidegames@lakesidegames.tmi.twitch.tv PRIVMSG #lakeside :test message',
  displayNameHangul:
    '@badge-info=subscriber/35;badges=moderator/1,subscriber/3024;color=#FF0000;display-name=호수의새;emotes=;flags=;' +
    'id=7a1e0c55-0005-4b2a-9c3d-5e6f7a8b9c05;mod=1;room-id=100200300;subscriber=1;tmi-sent-ts=1700000104000;turbo=0;' +
    'user-id=555100005;user-type=mod :lakebird_kr!lakebird_kr@lakebird_kr.tmi.twitch.tv PRIVMSG #lakeside :@asd',
  // RS privmsg.rs test_emote_after_emoji: ranges count code points across astral-plane emoji.
  emotesAfterEmoji:
    '@badges=;color=#19E6E6;display-name=FishFan;emotes=483:2-3,7-8,12-13;flags=;id=7a1e0c55-0006-4b2a-9c3d-5e6f7a8b9c06;' +
    'mod=0;room-id=100200300;subscriber=0;tmi-sent-ts=1700000105000;user-id=555100006;user-type= ' +
    ':fishfan!fishfan@fishfan.tmi.twitch.tv PRIVMSG #lakeside :\u{1F3A3} <3 \u{1F3A3} <3 \u{1F3A3} <3',
  // GO message_test.go TestPRIVMSGMalformedEmotesDontCrash: the text starts with U+E0000 (a
  // plane-14 tag character chat clients add to dodge duplicate checks) and the emote id holds a `/`.
  emoteIdWithSlash:
    '@badge-info=;badges=moderator/1;color=#2E8B57;display-name=LakeBot;emotes=90210_/2:7-14;flags=;' +
    'id=7a1e0c55-0007-4b2a-9c3d-5e6f7a8b9c07;mod=1;room-id=100200300;subscriber=0;tmi-sent-ts=1700000106000;' +
    'user-id=555100007;user-type=mod :lakebot!lakebot@lakebot.tmi.twitch.tv PRIVMSG #lakeside :\u{E0000}-ping lakeW_/2.0',
  // RS privmsg.rs test_emote_non_numeric_id: a modified emote's id (`_TK`) with `emote-only=1`.
  emoteModifiedId:
    '@badge-info=;badges=;client-nonce=1a2b3c4d5e6f70819203a4b5c6d7e8f9;color=#FF144A;display-name=PaintPike;emote-only=1;' +
    'emotes=301234567_TK:0-7;flags=;id=7a1e0c55-0008-4b2a-9c3d-5e6f7a8b9c08;mod=0;room-id=100200300;subscriber=0;' +
    'tmi-sent-ts=1700000107000;turbo=0;user-id=555100008;user-type= :paintpike!paintpike@paintpike.tmi.twitch.tv PRIVMSG #lakeside :lakeH_TK',
  // RS privmsg.rs test_emotes_1: several ids, several ranges each, not in text order.
  emotesOutOfOrder:
    '@badge-info=subscriber/22;badges=moderator/1,subscriber/12;color=#19E6E6;display-name=ModMole;' +
    'emotes=1902:6-10,29-33/499:45-46/25:0-4,12-16;flags=;id=7a1e0c55-0009-4b2a-9c3d-5e6f7a8b9c09;mod=1;room-id=100200300;' +
    'subscriber=1;tmi-sent-ts=1700000108000;turbo=0;user-id=555000555;user-type=mod ' +
    ':modmole!modmole@modmole.tmi.twitch.tv PRIVMSG #lakeside :Kappa Keepo Kappa then again Keepo and a nod :)',
  // RS privmsg.rs test_incorrect_emote_index / test_emote_index_beyond_out_of_range; GO
  // message_test.go (emote 25:41-45 on a shorter text); CHAT TwitchIrc.cpp ParseTwitchEmotes:
  // Twitch sometimes sends a range past the end of non-ASCII text.
  emoteRangePastEnd:
    '@badge-info=subscriber/3;badges=subscriber/3;color=#0000FF;display-name=Sjoluffare;emotes=25:16-20;flags=17-26:S.6;' +
    'id=7a1e0c55-000a-4b2a-9c3d-5e6f7a8b9c0a;mod=0;room-id=100200300;subscriber=1;tmi-sent-ts=1700000109000;turbo=0;' +
    'user-id=555100010;user-type= :sjoluffare!sjoluffare@sjoluffare.tmi.twitch.tv PRIVMSG #lakeside :Vi ses i kväll Kappa',
  // GO message_test.go (first test): `/me` with nothing after it.
  actionEmpty:
    '@badges=;color=;display-name=Otter;emotes=;mod=0;room-id=100200300;subscriber=0;tmi-sent-ts=1700000110000;turbo=0;' +
    'user-id=555100011;user-type= :otter!otter@otter.tmi.twitch.tv PRIVMSG #lakeside :\u0001ACTION\u0001',
  // GO message_test.go TestPRIVMSGEmotesParsedProperly "Action PRIVMSG"; DOCS #privmsg-tags note:
  // in a `/me` message emote positions start after "\u0001ACTION ".
  actionWithEmotes:
    '@badge-info=subscriber/52;badges=broadcaster/1,subscriber/48,partner/1;color=#CC44FF;display-name=Lakeside;' +
    'emotes=25:6-10/1902:16-20;flags=;id=7a1e0c55-000c-4b2a-9c3d-5e6f7a8b9c0c;mod=0;room-id=100200300;subscriber=1;' +
    'tmi-sent-ts=1700000111000;turbo=0;user-id=100200300;user-type= ' +
    ':lakeside!lakeside@lakeside.tmi.twitch.tv PRIVMSG #lakeside :\u0001ACTION -ping Kappa 123 Keepo\u0001',
  // CHAT TwitchIrc.cpp BadgeInfoParsing: prediction badge-info is free text, escaped, with `/` in it.
  badgeInfoPrediction:
    String.raw`@badge-info=predictions/Will\sit\srain\s1/2?,subscriber/8;badges=predictions/blue-1,subscriber/6,glhf-pledge/1;` +
    'client-nonce=aa11bb22cc33dd44ee55ff6677889900;color=#1E90FF;display-name=Forecaster;emotes=;first-msg=0;flags=;' +
    'id=7a1e0c55-000d-4b2a-9c3d-5e6f7a8b9c0d;mod=0;room-id=100200300;subscriber=1;tmi-sent-ts=1700000112000;turbo=0;' +
    'user-id=555100013;user-type= :forecaster!forecaster@forecaster.tmi.twitch.tv PRIVMSG #lakeside :-tags',
  // TMI test/events.js: a badge whose version is a word (`warcraft/horde`), and a `~` in the prefix user.
  // DOCS shared chat example: `twitchcon-2024---san-diego/1`; GO: `founder/0`.
  badgesOdd:
    '@badge-info=founder/1;badges=broadcaster/1,warcraft/horde,twitchcon-2024---san-diego/1,founder/0;color=#0D4200;' +
    'display-name=Lakeside;emotes=25:0-4;subscriber=0;turbo=1;user-type=global_mod ' +
    ':lakeside!~lakeside@lakeside.tmi.twitch.tv PRIVMSG #lakeside :Kappa there',
  // DOCS #irc-tag-reference example (`flags=0-6:S.7`); GO message_test.go (`flags=28-35:A.6/I.6`):
  // the AutoMod flags tag holds `:`, `.` and `/`.
  flags:
    '@badge-info=;badges=broadcaster/1;client-nonce=997dcf443c31e258c1d32a8da47b6936;color=#0000FF;display-name=Lakeside;' +
    'emotes=;first-msg=0;flags=0-6:S.7,10-14:A.6/I.6;id=7a1e0c55-000e-4b2a-9c3d-5e6f7a8b9c0e;mod=0;room-id=100200300;' +
    'subscriber=0;tmi-sent-ts=1700000113000;turbo=0;user-id=100200300;user-type= ' +
    ':lakeside!lakeside@lakeside.tmi.twitch.tv PRIVMSG #lakeside :HeyGuys and more',
  // GO message_test.go (reply-parent-msg-body ends `\s!\:`); the `=` signs in the body are ours.
  replyEscapes:
    String.raw`@badges=premium/1;color=#DAA520;display-name=Pebble;emotes=;flags=;id=7a1e0c55-000f-4b2a-9c3d-5e6f7a8b9c0f;mod=0;` +
    'reply-parent-msg-id=7a1e0c55-0010-4b2a-9c3d-5e6f7a8b9c10;reply-parent-user-id=555100016;' +
    String.raw`reply-parent-user-login=stone;reply-parent-display-name=Stone;reply-parent-msg-body=2+2=5\sso\sthere\s!\:;` +
    'room-id=100200300;subscriber=0;tmi-sent-ts=1700000114000;turbo=0;user-id=555100015;user-type= ' +
    ':pebble!pebble@pebble.tmi.twitch.tv PRIVMSG #lakeside :@Stone no it is not',
  // T4J IRCMessageEventTest parseSharedChatMessage; DOCS #shared-chat: a reply in shared chat,
  // with `reply-thread-parent-*` and `source-*` tags.
  sharedChatReply:
    '@badge-info=;badges=glitchcon2020/1;color=#00FF7F;display-name=Heron;emotes=;flags=;id=7a1e0c55-0011-4b2a-9c3d-5e6f7a8b9c11;' +
    String.raw`mod=0;reply-parent-display-name=Heron;reply-parent-msg-body=@Crane\soh\syou\sare\sright;` +
    'reply-parent-msg-id=7a1e0c55-0012-4b2a-9c3d-5e6f7a8b9c12;reply-parent-user-id=555100017;reply-parent-user-login=heron;' +
    'reply-thread-parent-display-name=Crane;reply-thread-parent-msg-id=7a1e0c55-0013-4b2a-9c3d-5e6f7a8b9c13;' +
    'reply-thread-parent-user-id=555100018;reply-thread-parent-user-login=crane;room-id=100200300;source-badge-info=;' +
    'source-badges=glitchcon2020/1;source-id=7a1e0c55-0014-4b2a-9c3d-5e6f7a8b9c14;source-only=0;source-room-id=100200399;' +
    'subscriber=0;tmi-sent-ts=1700000115000;turbo=0;user-id=555100017;user-type= ' +
    ':heron!heron@heron.tmi.twitch.tv PRIVMSG #lakeside :@Heron test3',
  // GO message_test.go and TMI test/events.js: a channel-points reward (`custom-reward-id`), and
  // TMI: `msg-id=highlighted-message` on a PRIVMSG.
  customReward:
    '@badge-info=;badges=vip/1,bits/100;color=#FF69B4;custom-reward-id=0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5;display-name=Boing;' +
    'emotes=;first-msg=0;flags=0-2:S.5;id=7a1e0c55-0015-4b2a-9c3d-5e6f7a8b9c15;mod=0;returning-chatter=0;room-id=100200300;' +
    'subscriber=0;tmi-sent-ts=1700000116000;turbo=0;user-id=555100019;user-type=;vip=1 :boing!boing@boing.tmi.twitch.tv PRIVMSG #lakeside :boing',
  highlighted:
    '@badge-info=;color=#0FC7D1;display-name=Shiny;emotes=;flags=;id=7a1e0c55-0016-4b2a-9c3d-5e6f7a8b9c16;mod=1;' +
    'msg-id=highlighted-message;room-id=100200300;subscriber=0;tmi-sent-ts=1700000117000;turbo=0;user-id=555100020;' +
    'user-type=mod :shiny!shiny@shiny.tmi.twitch.tv PRIVMSG #lakeside :look at me',
  // DOCS #replying-to-a-chat-message: what a client sends, a line with tags and no prefix.
  clientReply: '@reply-parent-msg-id=7a1e0c55-0001-4b2a-9c3d-5e6f7a8b9c01 PRIVMSG #lakeside :Good idea!',

  // --- USERNOTICE ---

  // DOCS #usernotice-command: a USERNOTICE with no tags.
  usernoticeNoTags: ':tmi.twitch.tv USERNOTICE #lakeside :Great stream -- keep it up!',
  // RS usernotice.rs test_sub: Prime, `msg-param-months=0`, a plan name with `\s` and parentheses.
  subPrime:
    '@badge-info=subscriber/0;badges=subscriber/0,premium/1;color=;display-name=FallenLeaf;emotes=;flags=;' +
    'id=9d9d0000-3333-4ccc-8ddd-000000000001;login=fallenleaf;mod=0;msg-id=sub;msg-param-cumulative-months=1;' +
    String.raw`msg-param-months=0;msg-param-should-share-streak=0;msg-param-sub-plan-name=Channel\sSubscription\s(lakeside);` +
    String.raw`msg-param-sub-plan=Prime;room-id=100200300;subscriber=1;system-msg=FallenLeaf\ssubscribed\swith\sPrime.;` +
    'tmi-sent-ts=1700000200000;user-id=555200001;user-type= :tmi.twitch.tv USERNOTICE #lakeside',
  // RS usernotice.rs test_subgift_ananonymousgifter; GO message_test.go (anonsubgift): hex origin
  // id split by `\s`, `msg-param-fun-string`, and a system-msg ending in an escaped space.
  subgiftAnonymous:
    '@badge-info=;badges=;color=;display-name=AnAnonymousGifter;emotes=;flags=;id=9d9d0000-3333-4ccc-8ddd-000000000002;' +
    'login=ananonymousgifter;mod=0;msg-id=subgift;msg-param-fun-string=FunStringTwo;msg-param-gift-months=1;msg-param-months=4;' +
    String.raw`msg-param-origin-id=3f\s09\sa1\s7c\s22\s5d\s8e\s41\s0b\s6a\s93\sd4\s1e\s77\sc0\s58\s2b\sf6\s04\s9a;` +
    'msg-param-recipient-display-name=LakeFan;msg-param-recipient-id=555200002;msg-param-recipient-user-name=lakefan;' +
    String.raw`msg-param-sender-count=0;msg-param-sub-plan-name=Channel\sSubscription\s(lakeside);msg-param-sub-plan=1000;` +
    String.raw`room-id=100200300;subscriber=0;system-msg=An\sanonymous\suser\sgifted\sa\sTier\s1\ssub\sto\sLakeFan!\s;` +
    'tmi-sent-ts=1700000201000;user-id=274598607;user-type= :tmi.twitch.tv USERNOTICE #lakeside',
  // RS usernotice.rs test_submysterygift_twitch_missing_count: no `msg-param-sender-count`.
  submysterygiftNoCount:
    '@badge-info=;badges=sub-gifter/50;color=;display-name=GiftGoose;emotes=;flags=;id=9d9d0000-3333-4ccc-8ddd-000000000003;' +
    'login=giftgoose;mod=0;msg-id=submysterygift;msg-param-mass-gift-count=20;' +
    String.raw`msg-param-origin-id=1f\sbe\s0a\s4a\s81\s9a\s65\sd1\s4b\s77\sf5\s23\s16\s4a\sd3\s13\s09\se7\sbe\s55;` +
    String.raw`msg-param-sub-plan=1000;room-id=100200300;subscriber=0;system-msg=GiftGoose\sis\sgifting\s20\sTier\s1\sSubs\sto\sLakeside's\scommunity!;` +
    'tmi-sent-ts=1700000202000;user-id=555200003;user-type= :tmi.twitch.tv USERNOTICE #lakeside',
  // DOCS #usernotice-tags raid example (`\n` inside system-msg); RS usernotice.rs test_raid and TMI
  // test/events.js (`msg-param-profileImageURL`, a URL with `:` and `/`).
  raid:
    '@badge-info=;badges=glhf-pledge/1;color=#FF69B4;display-name=Voyager;emotes=;flags=;id=9d9d0000-3333-4ccc-8ddd-000000000004;' +
    'login=voyager;mod=0;msg-id=raid;msg-param-displayName=Voyager;msg-param-login=voyager;' +
    'msg-param-profileImageURL=https://static-cdn.jtvnw.net/jtv_user_pictures/voyager-profile_image-70x70.png;' +
    String.raw`msg-param-viewerCount=430;room-id=100200300;subscriber=0;system-msg=430\sraiders\sfrom\sVoyager\shave\sjoined\n!;` +
    'tmi-sent-ts=1700000203000;user-id=555000777;user-type= :tmi.twitch.tv USERNOTICE #lakeside',
  // GO message_test.go: unraid, and a ritual whose system-msg starts with `@`; RS usernotice.rs
  // test_bitsbadgetier, test_ritual, test_unknown (an msg-id no library types: rewardgift).
  unraid:
    String.raw`@badges=broadcaster/1;color=#8A2BE2;display-name=Lakeside;emotes=;flags=;id=9d9d0000-3333-4ccc-8ddd-000000000005;login=lakeside;mod=0;msg-id=unraid;room-id=100200300;subscriber=0;system-msg=The\sraid\shas\sbeen\scancelled.;tmi-sent-ts=1700000204000;turbo=0;user-id=100200300;user-type= :tmi.twitch.tv USERNOTICE #lakeside`,
  bitsbadgetier:
    String.raw`@badge-info=subscriber/2;badges=subscriber/2,bits/1000;color=#FF4500;display-name=CheerBird;emotes=;flags=;id=9d9d0000-3333-4ccc-8ddd-000000000006;login=cheerbird;mod=0;msg-id=bitsbadgetier;msg-param-threshold=1000;room-id=100200300;subscriber=1;system-msg=bits\sbadge\stier\snotification;tmi-sent-ts=1700000205000;user-id=555000444;user-type= :tmi.twitch.tv USERNOTICE #lakeside`,
  ritual:
    String.raw`@badge-info=;badges=;color=;display-name=NewNewt;emotes=30259:0-6;id=9d9d0000-3333-4ccc-8ddd-000000000007;login=newnewt;mod=0;msg-id=ritual;msg-param-ritual-name=new_chatter;room-id=100200300;subscriber=0;system-msg=@NewNewt\sis\snew\shere.\sSay\shello!;tmi-sent-ts=1700000206000;turbo=0;user-id=555200007;user-type= :tmi.twitch.tv USERNOTICE #lakeside :HeyGuys`,
  rewardgift:
    String.raw`@badge-info=;badges=sub-gifter/50;color=;display-name=GiftGoose;emotes=;flags=;id=9d9d0000-3333-4ccc-8ddd-000000000008;login=giftgoose;mod=0;msg-id=rewardgift;msg-param-domain=pride_megacommerce_2020;msg-param-selected-count=100;msg-param-total-reward-count=100;msg-param-trigger-amount=20;msg-param-trigger-type=SUBGIFT;room-id=100200300;subscriber=0;system-msg=GiftGoose's\sGift\sshared\srewards\sto\s100\sothers\sin\sChat!;tmi-sent-ts=1700000207000;user-id=555200003;user-type= :tmi.twitch.tv USERNOTICE #lakeside`,
  // RS usernotice.rs test_giftpaidupgrade_with_promo: an unknown escape (`\b` reads as `b`);
  // RS src/message/tags.rs test_decode_unescape_dangling_backslash_at_end: a lone `\` at the end.
  giftpaidupgradeEscapes:
    String.raw`@badge-info=subscriber/2;badges=subscriber/2;color=#00FFF5;display-name=Crawdad;emotes=;flags=;id=9d9d0000-3333-4ccc-8ddd-000000000009;login=crawdad;mod=0;msg-id=giftpaidupgrade;msg-param-sender-login=giftgoose;msg-param-sender-name=GiftGoose;msg-param-promo-name=Lake\sWeek\;msg-param-promo-gift-total=4003;room-id=100200300;subscriber=1;system-msg=Crawdad\sis\scontinuing\sthe\sGift\sSub\sthey\sgot\sfrom\sGiftGoose!\sbla\bla;tmi-sent-ts=1700000208000;user-id=555200009;user-type= :tmi.twitch.tv USERNOTICE #lakeside`,
  // RS usernotice.rs test_announcement: `msg-param-color` and an empty system-msg.
  announcement:
    '@badge-info=subscriber/88;badges=moderator/1,subscriber/72;color=#19E6E6;display-name=ModMole;emotes=25:18-22/1902:24-28;' +
    'flags=;id=9d9d0000-3333-4ccc-8ddd-00000000000a;login=modmole;mod=1;msg-id=announcement;msg-param-color=PRIMARY;' +
    'room-id=100200300;subscriber=1;system-msg=;tmi-sent-ts=1700000209000;user-id=555000555;user-type=mod;vip=0 ' +
    ':tmi.twitch.tv USERNOTICE #lakeside :hello lake people Kappa Keepo',
  // T4J IRCMessageEventTest parseSharedChatNotification: an announcement mirrored from another
  // channel (`msg-id=sharedchatnotice`, `source-msg-id=announcement`).
  sharedChatNotice:
    '@badge-info=;badges=staff/1,raging-wolf-helm/1;color=#DAA520;display-name=Announcer;emotes=;flags=;' +
    'id=9d9d0000-3333-4ccc-8ddd-00000000000b;login=announcer;mod=0;msg-id=sharedchatnotice;msg-param-color=PRIMARY;' +
    'room-id=100200300;source-badge-info=;source-badges=staff/1,moderator/1,bits-leader/1;' +
    'source-id=9d9d0000-3333-4ccc-8ddd-00000000000c;source-msg-id=announcement;source-room-id=100200399;subscriber=0;' +
    'system-msg=;tmi-sent-ts=1700000210000;user-id=555200011;user-type=staff;vip=0 :tmi.twitch.tv USERNOTICE #lakeside :hi from the other lake',
  // RS usernotice.rs test_sneaky_action_invalid_emote_tag (twitchdev/issues#175): a resub whose
  // text is a `/me`; Twitch's emote ranges then fit neither the raw nor the unwrapped text.
  resubSneakyAction:
    String.raw`@badge-info=subscriber/23;badges=moderator/1,subscriber/12;color=#19E6E6;display-name=ModMole;emotes=25:7-11,23-27/499:29-30;flags=;id=9d9d0000-3333-4ccc-8ddd-00000000000d;login=modmole;mod=1;msg-id=resub;msg-param-cumulative-months=23;msg-param-months=0;msg-param-should-share-streak=1;msg-param-streak-months=23;msg-param-sub-plan-name=look\sat\sthose\semotes,\s$5;msg-param-sub-plan=1000;room-id=100200300;subscriber=1;system-msg=ModMole\ssubscribed\sat\sTier\s1.;tmi-sent-ts=1700000211000;user-id=555000555;user-type=mod :tmi.twitch.tv USERNOTICE #lakeside :` +
    '\u0001ACTION Kappa TEST TEST Kappa :)\u0001',
  // DOCS #usernotice-tags watch-streak example: viewermilestone with category, id and value, and
  // no `msg-param-copoReward`.
  viewerMilestone:
    '@badge-info=;badges=;color=#1E90FF;display-name=StreakStork;emotes=;flags=;id=9d9d0000-3333-4ccc-8ddd-00000000000e;' +
    'login=streakstork;mod=0;msg-id=viewermilestone;msg-param-category=watch-streak;' +
    'msg-param-id=4b6e8a10-2c3d-4e5f-8a9b-0c1d2e3f4a5b;msg-param-value=3;room-id=100200300;subscriber=0;' +
    String.raw`system-msg=StreakStork\swatched\s3\sconsecutive\sstreams\sthis\smonth\sand\ssparked\sa\swatch\sstreak!;` +
    'tmi-sent-ts=1700000212000;user-id=555200014;user-type= :tmi.twitch.tv USERNOTICE #lakeside',
  // T4J IRCMessageEventTest parseMilestone (tags in no particular order, `rm-received-ts`,
  // `msg-param-copoReward` in camel case, a message); TW packages/chat/src/ChatClient.ts reads
  // category, value and copoReward.
  viewerMilestoneReward:
    '@msg-param-id=5c7f9b21-3d4e-4f60-9bac-1d2e3f4a5b6c;rm-received-ts=1700000213111;room-id=100200300;badge-info=subscriber/3;' +
    'msg-param-category=watch-streak;badges=subscriber/3;msg-param-value=7;subscriber=1;vip=0;user-type=;user-id=555200015;' +
    'flags=;msg-id=viewermilestone;display-name=Kingfisher;login=kingfisher;msg-param-copoReward=450;emotes=;color=#DAA520;' +
    String.raw`tmi-sent-ts=1700000213000;mod=0;system-msg=Kingfisher\swatched\s7\sconsecutive\sstreams\sthis\smonth\sand\ssparked\sa\swatch\sstreak!;` +
    'id=9d9d0000-3333-4ccc-8ddd-00000000000f :tmi.twitch.tv USERNOTICE #lakeside :seven in a row',
  // DOCS #usernotice-tags modiversary example: `msg-param-months`, a system-msg without the
  // user's name (and, there, a month count that disagrees with the tag).
  modiversary:
    '@badge-info=;badges=staff/1,moderator/1;color=#007EFE;display-name=OldOwl;emotes=;flags=;id=9d9d0000-3333-4ccc-8ddd-000000000010;' +
    String.raw`login=oldowl;mod=1;msg-id=modiversary;msg-param-months=108;room-id=100200300;subscriber=0;system-msg=has\sbeen\sa\smoderator\sfor\s24\smonths!;` +
    "tmi-sent-ts=1700000214000;user-id=555200016;user-type=mod;vip=0 :tmi.twitch.tv USERNOTICE #lakeside :I'm celebrating 9 years as mod!",

  // --- Moderation, state and server lines ---

  // TMI test/commands.js: a CLEARCHAT with no channel at all.
  clearchatNoChannel: ':tmi.twitch.tv CLEARCHAT',
  // GO message_test.go (CLEARMSG without room-id or tmi-sent-ts); RS clearmsg.rs test_action (the
  // deleted text was a `/me`).
  clearmsgFewTags: '@login=rowdyrat;target-msg-id=4f0c2d8e-1111-4aaa-9bbb-00000000000b :tmi.twitch.tv CLEARMSG #lakeside :HeyGuys',
  clearmsgAction:
    '@login=modmole;room-id=;target-msg-id=4f0c2d8e-1111-4aaa-9bbb-00000000000c;tmi-sent-ts=1700000300000 ' +
    ':tmi.twitch.tv CLEARMSG #lakeside :\u0001ACTION test\u0001',
  // DOCS #roomstate-tags example without room-id; RS roomstate.rs (`rituals=0`); GO message_test.go
  // (`broadcaster-lang`) and TMI test/events.js (`broadcaster-lang=`, empty).
  roomstateNoRoomId: '@emote-only=0;followers-only=0;r9k=0;slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #lakeside',
  roomstateOldTags:
    '@broadcaster-lang=;emote-only=1;followers-only=10;r9k=1;rituals=0;room-id=100200300;slow=5;subs-only=1 :tmi.twitch.tv ROOMSTATE #lakeside',
  // RS userstate.rs test_uuid_emote_set_id: an emote set id that is a UUID.
  userstateUuidSet:
    '@badge-info=;badges=moderator/1;color=#8A2BE2;display-name=HelperBot;emote-sets=0,6a1f2e3d-4c5b-4a69-8877-665544332211;mod=1;' +
    'subscriber=0;user-type=mod :tmi.twitch.tv USERSTATE #lakeside',
  // RS globaluserstate.rs test_badges_no_color: `emote-sets=` empty.
  globaluserstateNoSets:
    '@badge-info=;badges=premium/1;color=;display-name=HelperBot;emote-sets=;user-id=777000111;user-type= :tmi.twitch.tv GLOBALUSERSTATE',
  // GO message_test.go: a whisper sent with `/me`; TMI test/events.js: a whisper with few tags.
  whisperAction:
    '@badges=;color=#1E90FF;display-name=QuietQuail;emotes=;message-id=50;thread-id=555000123_777000111;turbo=0;' +
    'user-id=555000123;user-type= :quietquail!quietquail@quietquail.tmi.twitch.tv WHISPER helperbot :/me tests whisper action',
  whisperFewTags:
    '@color=#FFFFFF;display-name=QuietQuail;emotes=;turbo=1;user-type= :quietquail!quietquail@quietquail.tmi.twitch.tv WHISPER helperbot :Hello! ;-)',
  // DOCS #authenticating: a refused login before the welcome; NOTICE target `*`.
  noticeBadAuth: ':tmi.twitch.tv NOTICE * :Improperly formatted auth',
  // DOCS #requesting-twitch-capabilities: a refused capability.
  capNak: ':tmi.twitch.tv CAP * NAK :twitch.tv/foo',
  // GO message_test.go: PING with no parameter, and a server-prefixed PING; RS mod.rs test_ping_2.
  pingBare: 'PING',
  pingPrefixed: ':tmi.twitch.tv PING',
  // GO message_test.go: a PONG with a middle and a trailing parameter.
  pong: ':tmi.twitch.tv PONG tmi.twitch.tv :helixkit',
  // T4J IRCMessageEventTest: a NAMES reply listing several users.
  namesMany: ':justinfan12345.tmi.twitch.tv 353 justinfan12345 = #lakeside :lakebird quietquail modmole otter heron',
  // TMI test/events.js: HOSTTARGET (hosting ended; Twitch retired hosting, old servers sent it).
  hosttarget: ':tmi.twitch.tv HOSTTARGET #lakeside :- 0',
  // RS src/message/mod.rs test_vendor_tags and src/message/tags.rs test_override_1: a vendor tag
  // name with `/`, a tag without `=`, and a repeated tag (the last one wins).
  vendorTags: '@lake.example/mood=calm;plain;r9k=1;r9k= :irc.example.com NOTE one two :three four',
} as const;

/**
 * Twitch's welcome burst in one WebSocket message, CRLF between lines (DOCS #authenticating).
 */
export const welcomeBurst = [
  ':tmi.twitch.tv 001 helperbot :Welcome, GLHF!',
  ':tmi.twitch.tv 002 helperbot :Your host is tmi.twitch.tv',
  ':tmi.twitch.tv 003 helperbot :This server is rather new',
  ':tmi.twitch.tv 004 helperbot :-',
  ':tmi.twitch.tv 375 helperbot :-',
  ':tmi.twitch.tv 372 helperbot :You are in a maze of twisty passages, all alike.',
  ':tmi.twitch.tv 376 helperbot :>',
  '@badge-info=;badges=;color=;display-name=helperbot;emote-sets=0,300374282;user-id=777000111;user-type= :tmi.twitch.tv GLOBALUSERSTATE',
].join('\r\n');
