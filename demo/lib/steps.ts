/**
 * The steps of the voice XP demo (voice changes, slash commands, time passing, checks), each printed to the transcript
 * with what the bot answered and did. See ../voiceXpDemo.ts for the scenario.
 */
import type { ManualClock } from '../../src/lib/clock.js';
import { container } from '@sapphire/framework';
import type { VoiceXpService } from '../../src/plugins/voice-xp/service/VoiceXpService.js';
import type { CommandOptionValue, DiscordEmulator, MessageView } from '@hearth/discord-emulator';
import { BotActionWatcher, type BotAction } from './botActions.js';
import type { DemoBot } from './demoBot.js';
import { renderMessage, worldNames, type NameResolver } from './render.js';
import { MEMBER_NAMES, type MemberName, type SampleGuild } from './sampleGuild.js';
import type { Transcript } from './transcript.js';
import { waitUntil } from './wait.js';

/** Milliseconds in a simulated minute. */
export const MINUTE_MS = 60_000;

/** A failed expectation of the scenario: the bot did not do what the demo narrates. */
export class DemoCheckError extends Error {}

/** A channel of the sample guild, by its key in {@link SampleGuild.channels}. */
export type ChannelKey = keyof SampleGuild['channels'];

/**
 * The running scenario: emulator, bot, sample guild, clock and transcript, with one method per kind of step. Each step
 * acts in the emulator's world (as a member would on Discord), waits until the bot has dealt with it, and prints it
 * with what the bot answered and did.
 */
export class DemoSteps {
	readonly #names: NameResolver;
	readonly #actions: BotActionWatcher;
	#logSeen = 0;
	#checks = 0;

	public constructor(
		private readonly emu: DiscordEmulator,
		private readonly bot: DemoBot,
		private readonly sample: SampleGuild,
		private readonly clock: ManualClock,
		private readonly t: Transcript,
		/** Aborted when the demo must stop (Ctrl-C, time limit): the next step or wait throws its reason. */
		private readonly signal: AbortSignal
	) {
		this.#names = worldNames(emu.world, sample.guild.id);
		this.#actions = new BotActionWatcher(emu, this.#names);
		this.#logSeen = bot.log.lines.length;
	}

	get #guildId(): string {
		return this.sample.guild.id;
	}

	get #service(): VoiceXpService {
		if (!container.pluginHost?.has('voice-xp')) throw new Error('The voice XP service is not running in the bot');
		return container.pluginHost.service('voice-xp').sessions;
	}

	#userId(name: MemberName | 'morgan'): string {
		return name === 'morgan' ? this.sample.adminId : this.sample.members[name];
	}

	#channelName(key: ChannelKey): string {
		return this.#names.channel(this.sample.channels[key].id).replace(/^#/, '🔊 ');
	}

	// ---- Voice -----------------------------------------------------------------------------------------------------

	/** A member connects to a voice channel (optionally self-muted), once the bot has seen it. */
	public async join(name: MemberName, channel: ChannelKey, options: { selfMute?: boolean } = {}): Promise<void> {
		this.signal.throwIfAborted();
		const userId = this.#userId(name);
		const channelId = this.sample.channels[channel].id;
		this.emu.voice.join(this.#guildId, userId, channelId, { selfMute: options.selfMute ?? false });
		this.t.step(`🎙  ${name} joins ${this.#channelName(channel)}${options.selfMute ? ' (self-muted)' : ''}`);
		await this.#voiceSeen(userId, channelId, options.selfMute ?? false);
	}

	/** A connected member moves to another voice channel. */
	public async move(name: MemberName, channel: ChannelKey): Promise<void> {
		this.signal.throwIfAborted();
		const userId = this.#userId(name);
		const channelId = this.sample.channels[channel].id;
		this.emu.voice.update(this.#guildId, userId, { channelId });
		this.t.step(`🎙  ${name} moves to ${this.#channelName(channel)}`);
		await this.#voiceSeen(userId, channelId, this.sample.guild.voiceState(userId)?.self_mute ?? false);
	}

	/** A connected member mutes or unmutes themselves. */
	public async selfMute(name: MemberName, muted: boolean): Promise<void> {
		this.signal.throwIfAborted();
		const userId = this.#userId(name);
		this.emu.voice.update(this.#guildId, userId, { selfMute: muted });
		this.t.step(`🎙  ${name} ${muted ? 'mutes' : 'unmutes'} their microphone`);
		await this.#voiceSeen(userId, this.sample.guild.voiceState(userId)!.channel_id!, muted);
	}

	/** A member disconnects from voice. */
	public async leave(name: MemberName): Promise<void> {
		this.signal.throwIfAborted();
		const userId = this.#userId(name);
		this.emu.voice.leave(this.#guildId, userId);
		this.t.step(`🎙  ${name} leaves voice`);
		await this.#voiceSeen(userId, null, false);
	}

	/**
	 * Waits until the bot applied a voice change (its session tracker shows the member in `channelId`, muted or not),
	 * so the next clock move counts from the right moment; then prints who earns now, as the plugin sees it.
	 */
	async #voiceSeen(userId: string, channelId: string | null, selfMuted: boolean): Promise<void> {
		const service = this.#service;
		await waitUntil(() => {
			const view = service.explain(this.#guildId, userId);
			if (channelId === null) return !view.inVoice;
			if (!view.inVoice || view.channelId !== channelId) return false;
			const reason = view.eligibility.reason;
			return selfMuted ? reason !== undefined && reason !== 'alone' && reason !== 'bots' : reason !== 'muted';
		}, `the bot to see the voice change of ${this.#names.user(userId)}`, { signal: this.signal });
		await service.settled();
		this.#printEarning();
		this.#flushOutput();
	}

	/** One line: who is in voice and earning now, by channel, from the plugin's live sessions. */
	#printEarning(): void {
		const byChannel = new Map<string, string[]>();
		for (const name of MEMBER_NAMES) {
			const view = this.#service.explain(this.#guildId, this.#userId(name));
			if (!view.inVoice) continue;
			const entry = view.eligibility.eligible ? `${name} ✔` : `${name} ✘ ${view.eligibility.reason}`;
			byChannel.set(view.channelId, [...(byChannel.get(view.channelId) ?? []), entry]);
		}
		const parts = [...byChannel].map(([channelId, members]) => `${this.#names.channel(channelId).replace(/^#/, '🔊 ')}: ${members.join(', ')}`);
		this.t.detail([parts.length ? parts.join(' · ') : 'nobody in voice'], 'earning now:');
	}

	// ---- Time ------------------------------------------------------------------------------------------------------

	/**
	 * Moves the bot's clock forward by whole minutes (from a whole minute, so the flush grid is crossed), waits for the
	 * plugin's flush loop to write the accrued XP and for what follows (tier roles, announcements), and prints it.
	 */
	public async pass(minutes: number): Promise<void> {
		this.signal.throwIfAborted();
		const service = this.#service;
		const before = service.flushCount;
		this.clock.advance(minutes * MINUTE_MS);
		this.t.step(`⏩ ${minutes} minute${minutes === 1 ? '' : 's'} later (simulated: the bot's clock moves on and its flush loop writes the XP earned)`);
		await waitUntil(() => service.flushCount > before, 'the voice XP flush after the clock moved', { signal: this.signal });
		await service.settled();
		const report = service.lastFlush;
		if (!report?.result) throw new Error('The voice XP flush failed (see the bot log)');
		const written = [...report.result.written].sort((a, b) => b.totalXp - a.totalXp);
		if (written.length === 0) this.t.detail(['nobody earned anything'], 'flush:');
		else {
			this.t.detail(
				written.map(
					(member) =>
						`${this.#names.user(member.userId)} +${member.gainedXp} XP → ${member.totalXp} XP, level ${member.level}, ` +
						`${formatMinutes(member.voiceSeconds)} in voice`
				),
				`flush (${report.result.statements} statement${report.result.statements === 1 ? '' : 's'}):`
			);
		}
		this.#flushOutput();
	}

	// ---- Commands ----------------------------------------------------------------------------------------------------

	/**
	 * A member runs a slash command in #general; prints the invocation and what the member sees (the reply, or the
	 * deferred reply's edit), then what else the bot did. `permissionOverride` lets a member without the command's
	 * default permission run it (a guild that allows it in its integration settings), to show the bot's own check.
	 */
	public async command(
		user: MemberName | 'morgan',
		path: string,
		options: Record<string, CommandOptionValue> = {},
		extra: { permissionOverride?: boolean } = {}
	): Promise<MessageView> {
		this.signal.throwIfAborted();
		const [name, ...rest] = path.split(' ');
		const subcommand = rest.at(-1);
		const subcommandGroup = rest.length === 2 ? rest[0] : undefined;
		const shownOptions = Object.entries(options).map(([key, value]) => `${key}:${this.#optionText(value)}`);
		const overridden = extra.permissionOverride ? ` (the guild's integration settings let ${user} see /${name}; the bot checks permissions itself)` : '';
		this.t.step(`💬 ${user} runs /${[path, ...shownOptions].join(' ')}${overridden}`);
		const handle = this.emu.interactions.command({
			guildId: this.#guildId,
			channelId: this.sample.channels.general.id,
			userId: this.#userId(user),
			name: name!,
			...(subcommand ? { subcommand } : {}),
			...(subcommandGroup ? { subcommandGroup } : {}),
			options,
			...(extra.permissionOverride ? { permissionOverride: true } : {})
		});
		const reply = await handle.waitForReply();
		this.t.detail(renderMessage(reply, this.#names), reply.ephemeral ? 'bot replies (only they see it):' : 'bot replies:');
		await this.#service.settled();
		this.#flushOutput();
		return reply;
	}

	#optionText(value: CommandOptionValue): string {
		if (typeof value !== 'string' || !/^\d{17,20}$/.test(value)) return String(value);
		const guild = this.sample.guild;
		if (guild.member(value)) return this.#names.user(value);
		if (guild.role(value)) return this.#names.role(value);
		if (this.emu.world.channels.has(value)) return this.#names.channel(value);
		return value;
	}

	// ---- Output and checks -------------------------------------------------------------------------------------------

	/** Prints what the bot did on its own since the last step, and its new level-up, warning and error log lines. */
	#flushOutput(): void {
		for (const action of this.#actions.take()) this.t.detail(action.lines, actionLabel(action));
		const lines = this.bot.log.lines.slice(this.#logSeen);
		this.#logSeen += lines.length;
		for (const line of lines) {
			const shown = logLineToShow(line, this.#names, this.sample);
			if (shown) this.t.detail([shown], 'bot log:');
		}
	}

	/** A stated expectation: prints `✔ text`, or throws when it does not hold. */
	public check(text: string, holds: boolean): void {
		this.#checks++;
		if (!holds) throw new DemoCheckError(`Check failed: ${text}`);
		this.t.detail([text], '✔');
	}

	/** Whether a member holds a role in the emulator's world (what Discord would show). */
	public holds(name: MemberName, role: keyof SampleGuild['roles']): boolean {
		return this.sample.guild.hasRole(this.#userId(name), this.sample.roles[role].id);
	}

	/** The tier roles each member holds in the emulator's world, one line. */
	public tierRolesLine(): string {
		return MEMBER_NAMES.map((name) => {
			const held = (['veteran', 'regular'] as const).filter((role) => this.holds(name, role)).map((role) => this.#names.role(this.sample.roles[role].id));
			return `${name}: ${held.length ? held.join(', ') : '–'}`;
		}).join(' · ');
	}

	/** Members the bot congratulated in #level-ups so far (the mentions of its messages there, in order). */
	public announcedLevelUps(): MemberName[] {
		const byId = new Map(MEMBER_NAMES.map((name) => [this.#userId(name), name] as const));
		return this.emu.messages
			.in(this.sample.channels.levelUps.id)
			.filter((message) => message.author.id === this.emu.bot.id)
			.flatMap((message) => [...message.content.matchAll(/<@!?(\d+)>/g)].map((match) => byId.get(match[1]!)))
			.filter((name): name is MemberName => name !== undefined);
	}

	/**
	 * Reads what the bot stored in PostgreSQL for each member, prints it, and checks it against the rules: total XP =
	 * 6 XP × eligible minutes (the default rate) + the admin's adjustments, and the level that total reaches on the
	 * MEE6 curve. Members who never earned have no row and count as 0.
	 *
	 * @param expected per member: eligible minutes in the scenario and XP added by `/xp add`
	 */
	public async checkStored(expected: Record<MemberName, { minutes: number; addedXp?: number }>): Promise<void> {
		this.signal.throwIfAborted();
		const rows = await this.bot.handle.container.orm.em
			.fork()
			.getConnection()
			.execute<{ user_id: string; total_xp: string; level: number; voice_seconds: string }[]>(
				'select user_id, total_xp, level, voice_seconds from voice_xp_member_stats where guild_id = ? order by total_xp desc',
				[this.#guildId],
				'all'
			);
		const stored = new Map(rows.map((row) => [row.user_id, { totalXp: Number(row.total_xp), level: row.level, voiceSeconds: Number(row.voice_seconds) }]));
		this.t.note('Stored in PostgreSQL (voice_xp_member_stats) vs. the rules (6 XP per eligible minute, MEE6 levels):');
		const mismatches: string[] = [];
		for (const name of MEMBER_NAMES) {
			const { minutes, addedXp = 0 } = expected[name];
			const wantXp = minutes * DEFAULT_XP_PER_MINUTE + addedXp;
			const got = stored.get(this.#userId(name)) ?? { totalXp: 0, level: 0, voiceSeconds: 0 };
			const adjustment = addedXp ? ` ${addedXp > 0 ? '+' : '−'} ${Math.abs(addedXp)} added` : '';
			this.t.note(
				`  ${name.padEnd(7)} ${String(got.totalXp).padStart(4)} XP, level ${got.level}, ${formatMinutes(got.voiceSeconds)} in voice` +
					`   (expected ${minutes} min × ${DEFAULT_XP_PER_MINUTE}${adjustment} = ${wantXp} XP, level ${mee6Level(wantXp)})`
			);
			if (got.totalXp !== wantXp || got.level !== mee6Level(wantXp)) mismatches.push(name);
		}
		this.check(
			'every stored total and level follows from the eligible minutes (muted, alone and AFK time earned nothing; ben’s refused /xp add changed nothing)',
			mismatches.length === 0
		);
	}

	/** Id of a tier role of the sample guild (for command options). */
	public roleId(role: keyof SampleGuild['roles']): string {
		return this.sample.roles[role].id;
	}

	/** Id of a channel of the sample guild (for command options). */
	public channelId(channel: ChannelKey): string {
		return this.sample.channels[channel].id;
	}

	/** User id of a member of the sample guild (for command options). */
	public userId(name: MemberName): string {
		return this.sample.members[name];
	}

	/** How many checks held so far. */
	public get checks(): number {
		return this.#checks;
	}
}

/** The plugin's default rate (issue 4): 6 XP per eligible minute. The demo keeps the default. */
const DEFAULT_XP_PER_MINUTE = 6;

/**
 * The level reached with `totalXp` on the MEE6 curve of issue 4: going from level L to L + 1 costs 5·L² + 50·L + 100 XP.
 * Computed here step by step, independently of the plugin's closed form, to check what the bot stored.
 */
function mee6Level(totalXp: number): number {
	let level = 0;
	let needed = 100;
	while (totalXp >= needed) {
		level++;
		needed += 5 * level * level + 50 * level + 100;
	}
	return level;
}

/** Whole seconds as `1 h 05 min` / `32 min` (rounded down to the minute). */
function formatMinutes(seconds: number): string {
	const minutes = Math.floor(seconds / 60);
	return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min` : `${minutes} min`;
}

function actionLabel(action: BotAction): string {
	return action.kind === 'refused' ? 'bot was refused:' : 'bot:';
}

/** Context keys the bot's text log puts before the message (`shard=0 guild=… plugin=voice-xp …`). */
const LOG_CONTEXT = /^(?:(?:shard|guild|plugin|command|errorId)=(?:"(?:[^"\\]|\\.)*"|\S+) )+/;

/**
 * The log lines worth showing in the transcript: level-ups (which the plugin always logs), and any warning or error.
 * The text format is `<time> <LEVEL> <key=value...> <message>`; ids of the sample guild's members and roles become
 * names.
 */
function logLineToShow(line: string, names: NameResolver, sample: SampleGuild): string | null {
	const match = /^\S+ (TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\s+(.*)$/.exec(line);
	if (!match) return null;
	const [, level, rest] = match as unknown as [string, string, string];
	const message = rest.replace(LOG_CONTEXT, '');
	const isLevelUp = /reached level/i.test(message);
	if (!isLevelUp && level !== 'WARN' && level !== 'ERROR' && level !== 'FATAL') return null;
	const userIds = new Set(Object.values(sample.members).concat(sample.adminId));
	const roleIds = new Set(Object.values(sample.roles).map((role) => role.id));
	const named = message.replace(/\b\d{17,20}\b/g, (id) =>
		userIds.has(id) ? names.user(id) : roleIds.has(id) ? names.role(id) : id === sample.guild.id ? `"${sample.guild.name}"` : id
	);
	return level === 'INFO' ? named : `${level} ${named}`;
}

/** Whether two lists hold the same members, in any order. */
export function sameMembers(actual: readonly MemberName[], expected: readonly MemberName[]): boolean {
	return actual.length === expected.length && [...actual].sort().join() === [...expected].sort().join();
}
