import { ChannelType, Client, ClientUser, Collection, Events, GatewayIntentBits, Partials, type ClientOptions, type Guild, type Message, type PartialMessage } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
	CacheKeeper,
	cacheNeedsProblems,
	cachePolicyOf,
	describeCachePolicy,
	KeptCollection,
	MESSAGE_AUTHOR_LIFETIME_SECONDS,
	type CacheKeeperOptions,
	type CachePolicy
} from '../../src/lib/caches.js';
import { parseBotConfig } from '../../src/lib/config.js';
import { definePlugin } from '../../src/lib/plugins/definePlugin.js';
import { PluginRegistry } from '../../src/lib/plugins/registry.js';
import { plugins } from '../../src/plugins/index.js';

const BOT = '100000000000000001';
const GUILD = '200000000000000001';
const OTHER_GUILD = '200000000000000002';
const TEXT = '300000000000000001';
const VOICE = '300000000000000002';

const user = (id: string, bot = false) => ({ id, username: `u${id.slice(-3)}`, discriminator: '0', global_name: null, avatar: null, bot });
const member = (id: string) => ({ user: user(id, id === BOT), roles: [], joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 });
const voiceState = (userId: string, channelId: string | null) => ({
	user_id: userId,
	channel_id: channelId,
	session_id: `s${userId}`,
	deaf: false,
	mute: false,
	self_deaf: false,
	self_mute: false,
	self_video: false,
	suppress: false,
	request_to_speak_timestamp: null
});

/** GUILD_CREATE data as Discord sends it without GUILD_PRESENCES: the bot and the members in voice (plus one more here). */
function guildCreate(id: string, options: { members: string[]; inVoice: string[] }) {
	return {
		id,
		name: `Guild ${id.slice(-1)}`,
		icon: null,
		owner_id: BOT,
		unavailable: false,
		roles: [{ id, name: '@everyone', permissions: '0', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
		emojis: [{ id: `${id.slice(0, -1)}9`, name: 'wave', roles: [], require_colons: true, managed: false, animated: false, available: true }],
		stickers: [],
		channels: [
			{ id: id === GUILD ? TEXT : `${id.slice(0, -2)}11`, type: ChannelType.GuildText, name: 'general', position: 0, permission_overwrites: [] },
			{ id: id === GUILD ? VOICE : `${id.slice(0, -2)}12`, type: ChannelType.GuildVoice, name: 'General', position: 1, permission_overwrites: [], bitrate: 64_000, user_limit: 0 }
		],
		threads: [],
		members: options.members.map(member),
		voice_states: options.inVoice.map((userId) => voiceState(userId, id === GUILD ? VOICE : `${id.slice(0, -2)}12`)),
		presences: [],
		member_count: options.members.length
	};
}

function messagePayload(id: string, authorId: string, content: string, editedAt: string | null = null) {
	return {
		id,
		channel_id: TEXT,
		guild_id: GUILD,
		author: user(authorId),
		member: { roles: [], joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
		content,
		timestamp: '2026-01-01T00:00:00.000Z',
		edited_timestamp: editedAt,
		tts: false,
		mention_everyone: false,
		mentions: [],
		mention_roles: [],
		attachments: [],
		embeds: [],
		pinned: false,
		type: 0
	};
}

let client: Client | null = null;

/** A discord.js client (never logged in) built with the keeper's options, holding the bot's own user. */
function clientWith(policy: CachePolicy, options: CacheKeeperOptions = {}): { client: Client; keeper: CacheKeeper } {
	const keeper = new CacheKeeper(policy, options);
	// The bot's @sapphire/plugin-scheduled-tasks augments ClientOptions with a required `tasks`; a bare client has none.
	client = new Client({ intents: [GatewayIntentBits.Guilds], ...keeper.clientOptions() } as unknown as ClientOptions);
	keeper.attach(client);
	// What discord.js does on READY.
	client.user = new (ClientUser as unknown as new (client: Client, data: unknown) => ClientUser)(client, user(BOT, true));
	client.users.cache.set(BOT, client.user);
	return { client, keeper };
}

/** A packet as discord.js receives it: its `raw` event, then the handling, in the same tick. */
function receive<T>(target: Client, t: string, d: Record<string, unknown>, handle: () => T): T {
	target.emit(Events.Raw as never, { op: 0, t, d, s: 1 } as never);
	return handle();
}

function loadGuild(target: Client, id: string, members: string[], inVoice: string[]): Guild {
	const data = guildCreate(id, { members, inVoice });
	return receive(target, 'GUILD_CREATE', data, () => (target.guilds as unknown as { _add(data: unknown): Guild })._add(data));
}

function actions(target: Client) {
	return (target as unknown as { actions: Record<string, { handle(data: unknown): { message?: Message; old?: PartialMessage | Message; updated?: Message } }> }).actions;
}

/** Runs the client's member sweep as its interval would. */
function sweepMembers(target: Client): number {
	const options = target.sweepers.options.guildMembers;
	if (!options || !('filter' in options) || !options.filter) throw new Error('no member sweeper');
	return target.sweepers.sweepGuildMembers(options.filter()!);
}

afterEach(async () => {
	await client?.destroy();
	client = null;
});

describe('cache needs of the plugins', () => {
	it('unites the declared needs, naming the plugins behind each', () => {
		const policy = cachePolicyOf([
			{ name: 'a', caches: { members: ['voice', 'voice'] } },
			{ name: 'b', caches: { members: ['messageAuthors'], messages: 20, partialMessages: true } },
			{ name: 'c', caches: { messages: 50 } },
			{ name: 'd' }
		]);
		expect(policy).toEqual({
			members: { voice: ['a'], messageAuthors: ['b'], all: [] },
			messages: { perChannel: 50, plugins: ['b', 'c'] },
			partialMessages: ['b']
		});
		expect(describeCachePolicy(policy)).toBe(
			`Caches: members: the bot, in voice (a), message authors for ${MESSAGE_AUTHOR_LIFETIME_SECONDS} s (b); messages: 50 per channel (b, c); edits and deletions of uncached messages reported (b)`
		);
	});

	it('caches nothing beyond the bot when no plugin declares anything', () => {
		const policy = cachePolicyOf([{ name: 'a' }, { name: 'b', caches: {} }]);
		expect(policy).toEqual({ members: { voice: [], messageAuthors: [], all: [] }, messages: { perChannel: 0, plugins: [] }, partialMessages: [] });
		expect(describeCachePolicy(policy)).toBe('Caches: members: the bot; messages: none');
	});

	it('is, for the bot’s own plugins: members in voice and message authors, no messages, partial messages for automod', () => {
		const policy = new PluginRegistry(plugins, parseBotConfig({})).cachePolicy();
		expect(policy.members).toEqual({ voice: ['voice-xp'], messageAuthors: ['automod', 'tickets'], all: [] });
		expect(policy.messages.perChannel).toBe(0);
		expect(policy.partialMessages).toEqual(['automod']);
		for (const plugin of plugins) expect(plugin.caches, `${plugin.name} declares what it caches`).toBeDefined();
	});

	it('refuses unknown member needs and message counts out of range, in definePlugin too', () => {
		expect(cacheNeedsProblems({ members: ['voice', 'everyone' as never], messages: 1.5 })).toEqual([
			'caches.members: "everyone" is not one of voice, messageAuthors, all',
			'caches.messages must be a whole number from 0 to 1000, got 1.5'
		]);
		expect(cacheNeedsProblems({ messages: 1_001 })).toHaveLength(1);
		expect(cacheNeedsProblems({ messages: 0, members: ['all'] })).toEqual([]);
		expect(() =>
			definePlugin({
				name: 'bad-caches',
				configSchema: z.object({}),
				entities: [],
				enabledByDefault: false,
				directory: '/plugins/bad-caches',
				intents: [],
				permissions: [],
				caches: { messages: -1 }
			})
		).toThrow(/bad-caches.*caches\.messages/);
	});
});

describe('KeptCollection', () => {
	it('stores a new entry only when kept, updates one it holds whatever the rule says, and derives plain Collections', () => {
		const kept = new KeptCollection<string, { id: string; keep: boolean }>((value) => value.keep);
		kept.set('a', { id: 'a', keep: false });
		kept.set('b', { id: 'b', keep: true });
		expect([...kept.keys()]).toEqual(['b']);
		kept.set('b', { id: 'b', keep: false }); // an update of what it holds (the sweep removes it later)
		expect(kept.get('b')?.keep).toBe(false);
		const derived = kept.filter(() => true);
		expect(derived).toBeInstanceOf(Collection);
		expect(derived).not.toBeInstanceOf(KeptCollection);
		derived.set('c', { id: 'c', keep: false });
		expect(derived.has('c')).toBe(true);
	});
});

describe('discord.js client options from the cache policy', () => {
	const voiceAndAuthors = cachePolicyOf([
		{ name: 'voice-like', caches: { members: ['voice'] } },
		{ name: 'chat-like', caches: { members: ['messageAuthors'], partialMessages: true } }
	]);

	it('keeps, of a GUILD_CREATE, the bot and the members in voice with their voice states; no user but the bot, no emoji', () => {
		const { client } = clientWith(voiceAndAuthors);
		const guild = loadGuild(client, GUILD, [BOT, '11', '12', '13'], ['11', '12']);
		expect([...guild.members.cache.keys()].sort()).toEqual(['11', '12', BOT].sort());
		expect(guild.members.me?.id).toBe(BOT);
		expect([...guild.voiceStates.cache.keys()].sort()).toEqual(['11', '12']);
		expect(guild.voiceStates.cache.get('11')?.member?.user.bot).toBe(false); // voice-xp tells bots apart this way
		expect([...client.users.cache.keys()]).toEqual([BOT]);
		expect(guild.emojis.cache.size).toBe(0);
		expect(guild.channels.cache.size).toBe(2);
		expect(guild.roles.cache.size).toBe(1);
		// Managers that never cache share one collection instead of one per guild.
		const other = loadGuild(client, OTHER_GUILD, [BOT], []);
		expect(other.emojis.cache).toBe(guild.emojis.cache);
		expect(other.presences.cache).toBe(guild.presences.cache);
		expect(other.members.cache).not.toBe(guild.members.cache);
	});

	it('follows voice: a member joining is kept; one who left is swept with their voice state', () => {
		const { client } = clientWith(voiceAndAuthors);
		const guild = loadGuild(client, GUILD, [BOT], []);
		const join = { ...voiceState('21', VOICE), guild_id: GUILD, member: member('21') };
		receive(client, 'VOICE_STATE_UPDATE', join, () => actions(client).VoiceStateUpdate!.handle(join));
		expect(guild.members.cache.has('21')).toBe(true);
		expect(guild.voiceStates.cache.get('21')?.channelId).toBe(VOICE);

		const leave = { ...voiceState('21', null), guild_id: GUILD, member: member('21') };
		receive(client, 'VOICE_STATE_UPDATE', leave, () => actions(client).VoiceStateUpdate!.handle(leave));
		expect(sweepMembers(client)).toBe(1);
		expect(guild.members.cache.has('21')).toBe(false);
		const states = client.sweepers.options.voiceStates;
		if (!states || !('filter' in states) || !states.filter) throw new Error('no voice state sweeper');
		expect(client.sweepers.sweepVoiceStates(states.filter()!)).toBe(1);
		expect(guild.members.cache.has(BOT)).toBe(true);
	});

	it('keeps a message author for a while, only where a plugin reading authors may be on; no message is cached', () => {
		let now = 1_000_000;
		const enabled = new Map<string, boolean | undefined>([[GUILD, undefined]]);
		const { client } = clientWith(voiceAndAuthors, { now: () => now, pluginOn: (guildId) => enabled.get(guildId) });
		const guild = loadGuild(client, GUILD, [BOT], []);
		const first = messagePayload('400000000000000001', '31', 'hello');
		const { message } = receive(client, 'MESSAGE_CREATE', first, () => actions(client).MessageCreate!.handle(first));
		expect(message?.member?.id).toBe('31');
		expect(guild.members.cache.has('31')).toBe(true);
		expect(guild.channels.cache.get(TEXT)!.isTextBased() && (guild.channels.cache.get(TEXT) as { messages: { cache: Map<string, unknown> } }).messages.cache.size).toBe(0);
		// Fetched members (a command's target) and members of other events are not kept.
		(guild.members as unknown as { _add(data: unknown): unknown })._add(member('32'));
		expect(guild.members.cache.has('32')).toBe(false);

		now += (MESSAGE_AUTHOR_LIFETIME_SECONDS - 1) * 1_000;
		expect(sweepMembers(client)).toBe(0);
		now += 2_000;
		expect(sweepMembers(client)).toBe(1);
		expect(guild.members.cache.has('31')).toBe(false);

		enabled.set(GUILD, false); // every plugin that reads authors is off in the guild
		const second = messagePayload('400000000000000002', '33', 'hi');
		const created = receive(client, 'MESSAGE_CREATE', second, () => actions(client).MessageCreate!.handle(second));
		expect(created.message?.member).toBeNull();
		expect(guild.members.cache.has('33')).toBe(false);
	});

	it('reports the edit of an uncached message as a partial before and the full message after (Partials.Message)', () => {
		const { client } = clientWith(voiceAndAuthors);
		expect(client.options.partials).toEqual([Partials.Message]);
		loadGuild(client, GUILD, [BOT], []);
		const edited = messagePayload('400000000000000003', '41', 'edited', '2026-01-01T00:01:00.000Z');
		const { old, updated } = receive(client, 'MESSAGE_UPDATE', edited, () => actions(client).MessageUpdate!.handle(edited));
		expect(old?.partial).toBe(true);
		expect(updated?.partial).toBe(false);
		expect(updated?.content).toBe('edited');
		expect(updated?.editedTimestamp).toBe(Date.parse('2026-01-01T00:01:00.000Z'));
		expect(updated?.member?.id).toBe('41');
	});

	it('caches no voice state without a voice need, no partials without a partial need, and everything with `all`', () => {
		const { client: none } = clientWith(cachePolicyOf([{ name: 'a', caches: { members: ['messageAuthors'] } }]));
		expect(none.options.partials).toEqual([]);
		const guild = loadGuild(none, GUILD, [BOT, '51'], ['51']);
		expect([...guild.members.cache.keys()]).toEqual([BOT]);
		expect(guild.voiceStates.cache.size).toBe(0);
		void none.destroy();

		const { client: all } = clientWith(cachePolicyOf([{ name: 'a', caches: { members: ['all'], messages: 10 } }]));
		const full = loadGuild(all, GUILD, [BOT, '61', '62'], []);
		expect(full.members.cache.size).toBe(3);
		expect(all.users.cache.size).toBe(3);
		const message = messagePayload('400000000000000004', '63', 'kept');
		receive(all, 'MESSAGE_CREATE', message, () => actions(all).MessageCreate!.handle(message));
		expect((full.channels.cache.get(TEXT) as unknown as { messages: { cache: Map<string, unknown> } }).messages.cache.size).toBe(1);
		expect(all.sweepers.options.guildMembers).toBeUndefined();
	});
});
