import {
	Collection,
	Events,
	LimitedCollection,
	Options,
	Partials,
	type CacheFactory,
	type Client,
	type ClientOptions,
	type GuildMember,
	type SweeperOptions,
	type ThreadMember,
	type User,
	type VoiceState
} from 'discord.js';
import type { EventEmitter } from 'node:events';

/**
 * What the bot keeps in discord.js's caches (issue 12, "Memory at scale"). discord.js keeps by default every member
 * and user it ever sees, their presences and voice states, and the last 200 messages of every channel; a bot in 5,000
 * guilds pays for all of it whether a feature reads it or not. Here each plugin declares what it reads from the caches
 * (`caches` in its manifest, src/lib/plugins/definePlugin.ts), and the client is built with the union of those needs:
 *
 * - always: guilds, channels, threads, roles, permission overwrites (discord.js cannot run without them), the bot's own
 *   member in each guild (`guild.members.me`) and its own user;
 * - `members: ['voice']` (voice-xp): the members in a voice channel and their voice states, from GUILD_CREATE and
 *   VOICE_STATE_UPDATE on; a member who leaves voice is dropped by the next sweep;
 * - `members: ['messageAuthors']` (automod, tickets): the author of a message the bot receives (`message.member`),
 *   for {@link MESSAGE_AUTHOR_LIFETIME_SECONDS} after it came, and only in guilds where such a plugin is not known to be
 *   off; enough for the listeners that read it as the message arrives;
 * - `members: ['all']`: every member seen, as discord.js does by default (no plugin of the bot asks for it);
 * - `messages: N`: the last N messages per channel (the largest N asked for; none by default);
 * - `partialMessages: true` (automod): MESSAGE_UPDATE and MESSAGE_DELETE of messages not in the cache are emitted as
 *   partial messages (discord.js `Partials.Message`) instead of being dropped. A listener of those events must check
 *   `.partial`.
 * - never: presences, emojis, stickers, invites, bans, scheduled events, stage instances, soundboard sounds, thread
 *   members other than the bot (no feature reads them; fetch them through REST when one does).
 *
 * A member that is not cached is fetched where a feature needs it (`guild.members.fetch(id)`: one REST call; the
 * fetched member is not kept unless a rule above keeps it). Interactions carry their member and resolved options, so
 * commands, buttons and modals need no member cache.
 *
 * discord.js adds a GUILD_CREATE's members before its voice states, and a message's author before any listener runs,
 * so the keep rules also look at the raw gateway packet being handled (discord.js emits `raw` just before it handles a
 * packet, synchronously): {@link CacheKeeper.observe}.
 */

/** Which guild members a plugin reads from the cache (see the module comment). */
export type MemberCacheNeed = 'voice' | 'messageAuthors' | 'all';

/** The member needs a plugin may declare, for validation and documentation. */
export const MEMBER_CACHE_NEEDS: readonly MemberCacheNeed[] = ['voice', 'messageAuthors', 'all'];

/**
 * What one plugin reads from discord.js's caches: the `caches` field of its manifest. Omitted fields (or an omitted
 * `caches`) mean "nothing beyond what the core keeps" (guilds, channels, roles, the bot's own member).
 */
export interface PluginCacheNeeds {
	/**
	 * Guild members the plugin reads from the cache (`guild.members.cache`, `voiceState.member`, `message.member`).
	 * A member read any other way (a command's target, a task's member) is fetched, not cached.
	 */
	members?: readonly MemberCacheNeed[];
	/** Messages per channel the plugin reads from `channel.messages.cache` (0 to 1,000; default 0: no message cache). */
	messages?: number;
	/**
	 * Whether the plugin listens to MESSAGE_UPDATE/MESSAGE_DELETE for any message, cached or not (discord.js
	 * `Partials.Message`); its listeners then get partial messages and must check `.partial`.
	 */
	partialMessages?: boolean;
}

/** A plugin as the cache policy sees it: its name and its declared needs. */
export interface CacheNeedsSource {
	name: string;
	caches?: PluginCacheNeeds;
}

/** The union of the installed plugins' needs, with the plugins behind each. */
export interface CachePolicy {
	members: {
		/** Plugins that read members in voice (and voice states). */
		voice: string[];
		/** Plugins that read a message's author as it arrives. */
		messageAuthors: string[];
		/** Plugins that read every member (discord.js's default member and user caches). */
		all: string[];
	};
	/** Messages kept per channel (the largest asked for), and who asked. */
	messages: { perChannel: number; plugins: string[] };
	/** Plugins that want MESSAGE_UPDATE/MESSAGE_DELETE of uncached messages (Partials.Message). */
	partialMessages: string[];
}

/** Largest `messages` a plugin may ask for (per channel; discord.js's default is 200). */
export const MAX_MESSAGES_PER_CHANNEL = 1_000;

/** How often cached members and voice states that no rule keeps any more are swept, in seconds. */
export const MEMBER_SWEEP_INTERVAL_SECONDS = 60;

/**
 * How long a message's author stays cached after the message came, in seconds. The listeners that read
 * `message.member` (automod's checks, tickets' staff detection) read it within milliseconds; a member swept earlier
 * than a listener reads it is fetched (automod) or read as "no roles" for that message (tickets).
 */
export const MESSAGE_AUTHOR_LIFETIME_SECONDS = 60;

/** How often cached messages older than their lifetime are swept, and that lifetime, when a plugin keeps messages (seconds). */
export const MESSAGE_SWEEP = { interval: 3_600, lifetime: 3_600 } as const;

/**
 * discord.js managers whose cache the bot never fills: no feature reads them. They share one collection that
 * never stores anything (a LimitedCollection of size 0), instead of one empty collection per guild or channel.
 */
export const NEVER_CACHED_MANAGERS: readonly string[] = [
	'PresenceManager',
	'GuildEmojiManager',
	'GuildStickerManager',
	'GuildInviteManager',
	'GuildBanManager',
	'GuildScheduledEventManager',
	'StageInstanceManager',
	'GuildSoundboardSoundManager'
];

/**
 * Checks one plugin's declared needs.
 * @returns one readable problem per bad field (empty when valid).
 */
export function cacheNeedsProblems(needs: PluginCacheNeeds | undefined): string[] {
	if (needs === undefined) return [];
	const problems: string[] = [];
	for (const need of needs.members ?? []) {
		if (!MEMBER_CACHE_NEEDS.includes(need)) problems.push(`caches.members: "${String(need)}" is not one of ${MEMBER_CACHE_NEEDS.join(', ')}`);
	}
	const messages = needs.messages;
	if (messages !== undefined && (!Number.isInteger(messages) || messages < 0 || messages > MAX_MESSAGES_PER_CHANNEL)) {
		problems.push(`caches.messages must be a whole number from 0 to ${MAX_MESSAGES_PER_CHANNEL}, got ${String(messages)}`);
	}
	return problems;
}

/**
 * The union of the plugins' cache needs. Nothing declared anywhere: members (the bot's own only), no messages, no
 * partial messages.
 */
export function cachePolicyOf(plugins: readonly CacheNeedsSource[]): CachePolicy {
	const policy: CachePolicy = { members: { voice: [], messageAuthors: [], all: [] }, messages: { perChannel: 0, plugins: [] }, partialMessages: [] };
	for (const { name, caches } of plugins) {
		for (const need of new Set(caches?.members ?? [])) policy.members[need].push(name);
		const messages = caches?.messages ?? 0;
		if (messages > 0) {
			policy.messages.perChannel = Math.max(policy.messages.perChannel, messages);
			policy.messages.plugins.push(name);
		}
		if (caches?.partialMessages) policy.partialMessages.push(name);
	}
	return policy;
}

/** One line for the start-up log: what is cached and for which plugins. */
export function describeCachePolicy(policy: CachePolicy): string {
	const by = (plugins: string[]) => ` (${plugins.join(', ')})`;
	const members = policy.members.all.length
		? `every member seen${by(policy.members.all)}`
		: [
				'the bot',
				...(policy.members.voice.length ? [`in voice${by(policy.members.voice)}`] : []),
				...(policy.members.messageAuthors.length ? [`message authors for ${MESSAGE_AUTHOR_LIFETIME_SECONDS} s${by(policy.members.messageAuthors)}`] : [])
			].join(', ');
	const messages = policy.messages.perChannel ? `${policy.messages.perChannel} per channel${by(policy.messages.plugins)}` : 'none';
	const partial = policy.partialMessages.length ? `; edits and deletions of uncached messages reported${by(policy.partialMessages)}` : '';
	return `Caches: members: ${members}; messages: ${messages}${partial}`;
}

/**
 * A collection that stores only what `keep` accepts when it is first set; an entry already in it is updated whatever
 * `keep` says (the sweepers remove what no rule keeps any more). Unlike discord.js's LimitedCollection of size 0 with
 * `keepOverLimit`, storing costs no scan of the entries (which would make a guild's GUILD_CREATE quadratic in its
 * members in voice). Derived collections (`filter`, `map`, ...) are plain Collections.
 */
export class KeptCollection<K, V> extends Collection<K, V> {
	readonly #keep: (value: V) => boolean;

	public constructor(keep: (value: V) => boolean) {
		super();
		this.#keep = keep;
	}

	public override set(key: K, value: V): this {
		return this.has(key) || this.#keep(value) ? super.set(key, value) : this;
	}

	public static override get [Symbol.species](): typeof Collection {
		return Collection;
	}
}

/** What {@link CacheKeeper} needs besides the policy. */
export interface CacheKeeperOptions {
	/**
	 * Whether a plugin is on in a guild, from memory (`GuildSettingsService.peekPluginEnabled`): undefined when not
	 * known. Message authors are kept only in guilds where a plugin that reads them is on or not known to be off.
	 * Default: always on.
	 */
	pluginOn?(guildId: string, plugin: string): boolean | undefined;
	/** Milliseconds since the epoch (default `Date.now`; the sweeps run on real time, like discord.js's). */
	now?(): number;
}

/** The raw gateway packet discord.js is about to handle, as far as the keep rules read it. */
interface RawPacket {
	t?: string | null;
	d?: unknown;
}

/**
 * The keep rules of the member, user and voice-state caches under a {@link CachePolicy}, and the client options that
 * apply them ({@link CacheKeeper.clientOptions}). One per client; {@link CacheKeeper.attach} it to the client so it
 * sees the raw packets.
 */
export class CacheKeeper {
	readonly #policy: CachePolicy;
	readonly #pluginOn: (guildId: string, plugin: string) => boolean | undefined;
	readonly #now: () => number;
	/** When each message author was cached (ms), for {@link MESSAGE_AUTHOR_LIFETIME_SECONDS}. */
	readonly #authorsSince = new WeakMap<GuildMember, number>();
	/** The GUILD_CREATE being handled: its guild and the members in voice it lists (voice states come after members). */
	#loading: { guildId: string; inVoice: Set<string> } | null = null;
	/** The MESSAGE_CREATE/UPDATE being handled: its guild and author. */
	#author: { guildId: string; userId: string } | null = null;

	public constructor(policy: CachePolicy, options: CacheKeeperOptions = {}) {
		this.#policy = policy;
		this.#pluginOn = options.pluginOn ?? (() => true);
		this.#now = options.now ?? Date.now;
	}

	/** The policy this keeper applies. */
	public get policy(): CachePolicy {
		return this.#policy;
	}

	/**
	 * discord.js client options applying the policy: `makeCache` ({@link KeptCollection}s whose keep rule decides what
	 * is stored, a LimitedCollection of the largest message count asked for, one shared never-storing collection for
	 * what is never cached), `sweepers` (discord.js's default thread sweep, plus members and voice states no rule keeps
	 * any more every {@link MEMBER_SWEEP_INTERVAL_SECONDS}, and old messages when a plugin keeps messages) and
	 * `partials`.
	 */
	public clientOptions(): Required<Pick<ClientOptions, 'makeCache' | 'sweepers' | 'partials'>> {
		const policy = this.#policy;
		const allMembers = policy.members.all.length > 0;
		const voice = policy.members.voice.length > 0;
		// Managers whose cache stays empty share one collection that never stores anything (instead of one empty
		// collection per guild or channel: 5,000 guilds hold about 17 managers each).
		const never = new LimitedCollection({ maxSize: 0 });
		const neverCached = new Set([
			...NEVER_CACHED_MANAGERS,
			...(policy.messages.perChannel === 0 ? ['MessageManager', 'GuildMessageManager', 'DMMessageManager'] : []),
			...(voice ? [] : ['VoiceStateManager'])
		]);
		const limited = Options.cacheWithLimits({ MessageManager: policy.messages.perChannel });
		const kept: Record<string, () => Collection<string, unknown>> = {
			...(allMembers
				? {}
				: {
						GuildMemberManager: () => new KeptCollection((member: GuildMember) => this.admitsMember(member)),
						UserManager: () => new KeptCollection((user: User) => user.id === user.client.user?.id)
					}),
			VoiceStateManager: () => new KeptCollection((state: VoiceState) => state.channelId !== null),
			ThreadMemberManager: () => new KeptCollection((member: ThreadMember) => member.id === member.client.user?.id)
		};
		// discord.js calls makeCache(managerType, holds, manager) with the manager's class (and the class whose settings
		// apply, MessageManager for GuildMessageManager); its CacheFactory type is too narrow to write this directly.
		const makeCache = ((managerType: { name: string }, holds: unknown, manager: { name: string }) => {
			if (neverCached.has(manager.name) || neverCached.has(managerType.name)) return never;
			const keptCollection = kept[manager.name] ?? kept[managerType.name];
			return keptCollection ? keptCollection() : (limited as (...args: unknown[]) => unknown)(managerType, holds, manager);
		}) as unknown as CacheFactory;
		const sweepers: SweeperOptions = {
			...Options.DefaultSweeperSettings,
			...(allMembers ? {} : { guildMembers: { interval: MEMBER_SWEEP_INTERVAL_SECONDS, filter: () => (member: GuildMember) => !this.keepsMember(member) } }),
			...(voice ? { voiceStates: { interval: MEMBER_SWEEP_INTERVAL_SECONDS, filter: () => (state: VoiceState) => state.channelId === null } } : {}),
			...(policy.messages.perChannel > 0 ? { messages: { ...MESSAGE_SWEEP } } : {})
		};
		return { makeCache, sweepers, partials: policy.partialMessages.length ? [Partials.Message] : [] };
	}

	/**
	 * Whether a cached member is still kept (the sweep removes the others): the bot itself; with a voice need, a member
	 * whose voice state has a channel; with a message-author need, an author cached less than
	 * {@link MESSAGE_AUTHOR_LIFETIME_SECONDS} ago.
	 */
	public keepsMember(member: GuildMember): boolean {
		if (member.id === member.client.user?.id) return true;
		if (this.#policy.members.voice.length && (member.guild.voiceStates.cache.get(member.id)?.channelId ?? null) !== null) return true;
		const since = this.#authorsSince.get(member);
		return since !== undefined && this.#now() - since < MESSAGE_AUTHOR_LIFETIME_SECONDS * 1_000;
	}

	/**
	 * Whether a member discord.js is about to cache is stored: {@link keepsMember}, or a member in voice listed by the
	 * GUILD_CREATE being handled, or the author of the message being handled in a guild where a plugin that reads
	 * authors is on (or not known to be off); that author is then kept for {@link MESSAGE_AUTHOR_LIFETIME_SECONDS}.
	 */
	public admitsMember(member: GuildMember): boolean {
		if (this.keepsMember(member)) return true;
		const guildId = member.guild.id;
		if (this.#loading?.guildId === guildId && this.#loading.inVoice.has(member.id)) return true;
		const author = this.#author;
		if (author?.guildId === guildId && author.userId === member.id && this.#wantsAuthors(guildId)) {
			this.#authorsSince.set(member, this.#now());
			return true;
		}
		return false;
	}

	/**
	 * Notes the raw packet discord.js is about to handle (its `raw` event comes just before, in the same tick): the
	 * members in voice of a GUILD_CREATE, the author of a guild message. Forgotten once the current tick's work is done.
	 */
	public observe(packet: RawPacket): void {
		const data = packet.d as Record<string, unknown> | null | undefined;
		if (!data || typeof data !== 'object') return;
		if (packet.t === 'GUILD_CREATE' && this.#policy.members.voice.length && Array.isArray(data.voice_states) && data.voice_states.length) {
			const inVoice = new Set<string>();
			for (const state of data.voice_states as { user_id?: string; channel_id?: string | null }[]) {
				if (state.user_id && state.channel_id) inVoice.add(state.user_id);
			}
			const loading = { guildId: String(data.id), inVoice };
			this.#loading = loading;
			queueMicrotask(() => {
				if (this.#loading === loading) this.#loading = null;
			});
		} else if ((packet.t === 'MESSAGE_CREATE' || packet.t === 'MESSAGE_UPDATE') && this.#policy.members.messageAuthors.length) {
			const author = data.author as { id?: string } | undefined;
			if (typeof data.guild_id !== 'string' || !author?.id || !data.member || data.webhook_id) return;
			const current = { guildId: data.guild_id, userId: author.id };
			this.#author = current;
			queueMicrotask(() => {
				if (this.#author === current) this.#author = null;
			});
		}
	}

	/** Listens to the client's raw packets ({@link observe}). @returns a function that stops listening. */
	public attach(client: Client): () => void {
		const listener = (packet: RawPacket) => this.observe(packet);
		const emitter = client as unknown as EventEmitter;
		emitter.on(Events.Raw, listener);
		return () => void emitter.off(Events.Raw, listener);
	}

	#wantsAuthors(guildId: string): boolean {
		return this.#policy.members.messageAuthors.some((plugin) => this.#pluginOn(guildId, plugin) !== false);
	}
}
