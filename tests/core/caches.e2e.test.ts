/**
 * What the bot keeps in discord.js's caches with its own plugins (issue 12, "Memory at scale"; src/lib/caches.ts), the
 * real bot on the Discord emulator: after the guilds load only the bot's own member and the members in voice (with
 * their voice states), no user but the bot, no message; a member who leaves voice is swept; a message's author is not
 * kept where no plugin that reads authors is on. Features that act on members nobody cached still work by fetching
 * them (moderation's /timeout, voice XP's /xp add), and automod still checks the edit of a message it never cached.
 */
import { DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { Events, type Guild, type TextChannel, type VoiceState } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { AutomodService } from '../../src/plugins/automod/service/AutomodService.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';
import { CheckedMessages, firedOf, onlyFilters, replaceConfig } from '../plugins/automod/e2eHelpers.js';
import { HOUR, MOD_PERMISSIONS, slashCommand, START } from '../plugins/moderation/e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let guild: GuildHandle;
let quiet: GuildHandle;
let general: string;
let lounge: string;
let admin: MemberView;
let idle: MemberView[];
let talkers: MemberView[];
let musicBot: MemberView;

/** The bot's copy of a guild. */
const botGuild = (where: GuildHandle): Guild => bot.handle.client.guilds.cache.get(where.id)!;
/** Ids of the members the bot holds in its cache for a guild, sorted. */
const cachedMembers = (where: GuildHandle) => [...botGuild(where).members.cache.keys()].sort();
const sorted = (...ids: string[]) => [...ids].sort();
const botId = () => bot.handle.client.user!.id;

/** Resolves with the next event `event` of the bot's client that `accept` takes (the bot handled the packet). */
function nextEvent<A extends unknown[]>(event: string, accept: (...args: A) => boolean): Promise<A> {
	return new Promise((resolve) => {
		const listener = (...args: A) => {
			if (!accept(...args)) return;
			bot.handle.client.off(event, listener as never);
			resolve(args);
		};
		bot.handle.client.on(event, listener as never);
	});
}

/** Runs the bot's member sweep now, as its interval would. @returns the members swept. */
function sweepMembers(): number {
	const options = bot.handle.client.sweepers.options.guildMembers;
	if (!options || !('filter' in options) || !options.filter) throw new Error('the bot has no member sweep');
	return bot.handle.client.sweepers.sweepGuildMembers(options.filter()!);
}

beforeAll(async () => {
	const clock = new ManualClock(START);
	emu = await DiscordEmulator.start({ clock });
	guild = emu.world.createGuild({ name: 'Busy' });
	general = guild.channels.find((channel) => channel.name === 'general')!.id;
	lounge = guild.createChannel({ name: 'Lounge', type: ChannelType.GuildVoice }).id;
	const staff = guild.createRole({ name: 'Staff', permissions: MOD_PERMISSIONS | PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ManageMessages }).id;
	admin = guild.addMember({ username: 'admin', roles: [staff] });
	idle = Array.from({ length: 6 }, (_, index) => guild.addMember({ username: `idle${index + 1}` }));
	talkers = Array.from({ length: 3 }, (_, index) => guild.addMember({ username: `talker${index + 1}` }));
	musicBot = guild.addMember({ username: 'music', bot: true });
	for (const member of [...talkers, musicBot]) emu.voice.join(guild.id, member.id, lounge);
	quiet = emu.world.createGuild({ name: 'Quiet' });
	quiet.addMember({ username: 'alone' });
	// The bot's own plugin list (src/plugins/index.ts), as it ships.
	bot = await startTestBot({ emulator: emu, clock });
	for (const plugin of ['moderation', 'automod']) await bot.handle.settings.setPluginEnabled(guild.id, plugin, true);
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('after the guilds load', () => {
	it('caches only the bot and the members in voice with their voice states; no other user, no message', () => {
		expect(bot.logs.find('Caches: members: the bot, in voice (voice-xp), message authors for 60 s (automod, tickets); messages: none')).toHaveLength(1);
		expect(cachedMembers(guild)).toEqual(sorted(botId(), ...talkers.map((member) => member.id), musicBot.id));
		expect(cachedMembers(quiet)).toEqual([botId()]);
		expect([...botGuild(guild).voiceStates.cache.keys()].sort()).toEqual(sorted(...talkers.map((member) => member.id), musicBot.id));
		expect(botGuild(guild).voiceStates.cache.get(musicBot.id)?.member?.user.bot).toBe(true);
		expect([...bot.handle.client.users.cache.keys()]).toEqual([botId()]);
		expect(bot.handle.pluginHost.service('voice-xp').sessions.tracker.counts()).toMatchObject({ members: 4 });
	});
});

describe('as members come and go', () => {
	it('keeps a member who joins voice, and sweeps one who left', async () => {
		const joined = nextEvent<[VoiceState, VoiceState]>(Events.VoiceStateUpdate, (_, state) => state.id === idle[0]!.id);
		emu.voice.join(guild.id, idle[0]!.id, lounge);
		await joined;
		expect(cachedMembers(guild)).toContain(idle[0]!.id);

		const left = nextEvent<[VoiceState, VoiceState]>(Events.VoiceStateUpdate, (_, state) => state.id === talkers[2]!.id);
		emu.voice.leave(guild.id, talkers[2]!.id);
		await left;
		expect(cachedMembers(guild)).toContain(talkers[2]!.id); // until the sweep (every minute; run now)
		sweepMembers();
		expect(cachedMembers(guild)).not.toContain(talkers[2]!.id);
		expect(cachedMembers(guild)).toContain(idle[0]!.id);
	});

	it('caches no message, and no author where no plugin that reads authors is on', async () => {
		await bot.handle.settings.get(quiet.id); // the guild's settings in memory: automod and tickets are off there
		const quietGeneral = quiet.channels.find((channel) => channel.name === 'general')!.id;
		const author = quiet.addMember({ username: 'chatty' });
		const received = nextEvent(Events.MessageCreate, (message: { channelId: string }) => message.channelId === quietGeneral);
		emu.messages.send({ channelId: quietGeneral, userId: author.id, content: 'hello there' });
		await received;
		expect((botGuild(quiet).channels.cache.get(quietGeneral) as TextChannel).messages.cache.size).toBe(0);
		expect(cachedMembers(quiet)).toEqual([botId()]);
	});
});

describe('features acting on members nobody cached', () => {
	it('moderation: /timeout of a member not in voice fetches them and times them out', async () => {
		const target = idle[1]!;
		expect(cachedMembers(guild)).not.toContain(target.id);
		const answer = await slashCommand(emu, guild, admin, 'timeout', { member: target.id, duration: '1h' });
		expect(answer.content).toMatch(new RegExp(`^Case #\\d+: <@${target.id}> is timed out for 1 hour`));
		expect(Date.parse(guild.requireMember(target.id).communicationDisabledUntil!)).toBe(START + HOUR);
		expect(cachedMembers(guild)).not.toContain(target.id); // fetched for the action, not kept
	});

	it('voice XP: /xp add on a member not in voice', async () => {
		const target = idle[2]!;
		const answer = await slashCommand(emu, guild, admin, 'xp', { user: target.id, amount: 600 }, { subcommand: 'add' });
		expect(answer.content).toContain(`<@${target.id}>`);
		expect(answer.content).toMatch(/\+600/);
		expect(cachedMembers(guild)).not.toContain(target.id);
	});

	it('automod: the edit of a message it never cached is checked, with the author’s roles (an exempt moderator passes)', async () => {
		const service: AutomodService = bot.handle.pluginHost.service('automod');
		const checked = new CheckedMessages(service);
		await replaceConfig(service, guild.id, { words: ['badword'], filters: onlyFilters({ words: { actions: { delete: true, notify: 'none' } } }) });
		const author = idle[3]!;
		const sent = emu.messages.send({ channelId: general, userId: author.id, content: 'perfectly fine' });
		expect(firedOf(await checked.of(sent.id))).toEqual([]);
		expect((botGuild(guild).channels.cache.get(general) as TextChannel).messages.cache.size).toBe(0);

		checked.forget(sent.id);
		emu.messages.edit({ channelId: general, messageId: sent.id, content: 'now a badword' });
		const edit = await checked.of(sent.id);
		expect(edit.kind).toBe('edit');
		expect(firedOf(edit)).toEqual(['words']);
		await vi.waitFor(() => expect(emu.messages.in(general).some((message) => message.id === sent.id)).toBe(false));

		// The moderator holds Manage Messages (automod's default exemption): read from the author as the message came.
		const byMod = emu.messages.send({ channelId: general, userId: admin.id, content: 'fine too' });
		await checked.of(byMod.id);
		checked.forget(byMod.id);
		emu.messages.edit({ channelId: general, messageId: byMod.id, content: 'quoting a badword' });
		expect((await checked.of(byMod.id)).decision).toBeNull();
		expect(emu.messages.in(general).some((message) => message.id === byMod.id)).toBe(true);
	});
});
