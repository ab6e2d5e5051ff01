import { UserError } from '@sapphire/framework';
import {
	ChannelType,
	GatewayIntentBits,
	PermissionFlagsBits,
	RESTJSONErrorCodes,
	type AutoModerationActionExecution,
	type Collection,
	type Guild,
	type GuildMember,
	type GuildTextBasedChannel,
	type Message,
	type Role
} from 'discord.js';
import { performance } from 'node:perf_hooks';
import { memberPermissionBits } from '../../../lib/permissions.js';
import type { PluginContext } from '../../../lib/plugins/context.js';
import { SingleFlight } from '../../../lib/singleFlight.js';
import { isDiscordError } from '../../moderation/service/discord.js';
import type { ModerationService } from '../../moderation/service/ModerationService.js';
import { contentFingerprint } from '../lib/content.js';
import { CheckedEdits } from '../lib/edits.js';
import { AUTOMOD_PLUGIN_NAME, COUNTING_FILTERS, FILTER_NAMES, type AutomodConfig, type automodConfigSchema, type FilterName, type Punishment } from '../lib/config.js';
import {
	compileRules,
	contentHits,
	hasExemptions,
	isExempt,
	isGloballyExempt,
	isNewAccount,
	mergeActions,
	type AuthorFacts,
	type CompiledRules,
	type Hit,
	type MergedActions,
	type MessageFacts
} from '../lib/evaluate.js';
import { crossedStrikeThreshold } from '../lib/strikes.js';
import { alertMessage, caseReason, describeHits, dmText, nativeReason, noticeText, strikeReason } from '../views/messages.js';
import { NativeRules } from './nativeRules.js';
import { SlidingWindows } from './windows.js';

/** The automod plugin's context: its config schema, and moderation as its dependency. */
export type AutomodContext = PluginContext<typeof automodConfigSchema, 'moderation'>;

/** The scheduled task that deletes an in-channel notice after `noticeSeconds` (tasks/automodNoticeDelete.ts). */
export const NOTICE_DELETE_TASK = 'automodNoticeDelete';

/** Whether a message is new or an edit: edits are checked by the content filters only (no counting). */
export type MessageKind = 'create' | 'edit';

/** What the automod decided about a message: the filters it broke and what their actions add up to. */
export interface Decision {
	guildId: string;
	userId: string;
	hits: Hit[];
	actions: MergedActions;
	/** Whether the author's account is younger than `newAccountDays` (the stricter actions applied). */
	newAccount: boolean;
	/** From the message event reaching the plugin to this decision, in milliseconds. */
	latencyMs: number;
}

/** What acting on a decision did, for tests and metrics (each step either done, skipped, or failed and logged). */
export interface ActionOutcome {
	deleted: boolean;
	notified: 'none' | 'notice' | 'dm' | 'failed';
	alerted: boolean;
	/** The case number of the filter's own punishment, if any. */
	punishmentCase: number | null;
	/** The strike threshold crossed (its action's case number), if any. */
	strikeCase: number | null;
	/** Strike points in the longest threshold window after this message (0 when no points were added). */
	strikePoints: number;
}

/** One message the automod checked, as observers see it. */
export interface CheckedMessage {
	messageId: string;
	guildId: string;
	kind: MessageKind;
	/** What it broke (null: nothing, or exempt, or the check failed and was logged). */
	decision: Decision | null;
	/** From the event reaching the plugin to the decision, in milliseconds. */
	latencyMs: number;
	/** What acting on the decision did (null when there was nothing to do). */
	outcome: Promise<ActionOutcome | null>;
}

/** Someone told about every checked message (the bench measures decision latency with it; tests await it). */
export type DecisionObserver = (checked: CheckedMessage) => void;

/** A strike's reason for the case its threshold creates. */
interface StrikeSource {
	entryId: string;
	points: number;
}

/** What observers get as the outcome of a message with nothing to act on. */
const NO_OUTCOME: Promise<ActionOutcome | null> = Promise.resolve(null);

/** Compiled lists kept by their text ({@link AutomodService.compiled}): enough for the guilds of a busy process. */
const COMPILED_BY_TEXT_MAX = 1_000;

/**
 * The automod service (issue 9): the message hot path, the actions, strikes, Discord's native AutoMod events, and what
 * the commands use. It keeps no per-member state in process memory: spam counters and strike ledgers are in Redis
 * (service/windows.ts), configs come from the settings cache, and the only thing cached here is each config's compiled
 * form (held weakly by the config object, so it goes with it).
 *
 * Hot path cost per message: no PostgreSQL; the config from memory; the content filters in one pass each over the
 * text (lib/evaluate.ts); one Redis round trip when `rate` or `duplicates` is on; a REST call to resolve an invite
 * only when a message carries one that is not allowlisted by code (then cached in Redis for a day).
 */
export class AutomodService {
	public readonly windows: SlidingWindows;
	public readonly native: NativeRules;
	/** Edits already checked (lib/edits.ts): a MESSAGE_UPDATE that follows an edit (a link preview) is not checked twice. */
	public readonly checkedEdits = new CheckedEdits();
	readonly #compiled = new WeakMap<AutomodConfig, CompiledRules>();
	/** Per config object: the filters on for new messages and for edits, and those with exemptions of their own ({@link #activeFilters}). */
	readonly #filtersOn = new WeakMap<AutomodConfig, { create: ReadonlySet<FilterName>; edit: ReadonlySet<FilterName>; exempting: readonly FilterName[] }>();
	readonly #compiledByText = new Map<string, CompiledRules>();
	readonly #observers = new Set<DecisionObserver>();
	/** Invite lookups under way, by code (each forgotten once settled: nothing is kept after). */
	readonly #inviteLookups = new SingleFlight<string, string | null>();
	readonly #decisionSeconds;
	readonly #hits;
	readonly #actionFailures;
	readonly #nativeExecutions;

	public constructor(public readonly ctx: AutomodContext) {
		this.windows = new SlidingWindows(ctx.redis);
		this.native = new NativeRules(ctx);
		this.#decisionSeconds = ctx.metrics.histogram({
			name: 'decision_seconds',
			help: 'Time from a message event reaching the automod to its decision, seconds',
			labelNames: ['kind'],
			buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25]
		});
		this.#hits = ctx.metrics.counter({ name: 'hits_total', help: 'Filters broken by messages', labelNames: ['filter'] });
		this.#actionFailures = ctx.metrics.counter({ name: 'action_failures_total', help: 'Automod actions that failed (logged)', labelNames: ['action'] });
		this.#nativeExecutions = ctx.metrics.counter({
			name: 'native_executions_total',
			help: "Discord AutoMod execution events handled: 'counted' (a strike and a case), 'other-action' (another action of the same execution)",
			labelNames: ['outcome']
		});
	}

	/** The moderation service, through which every punishment becomes a case. */
	public get moderation(): ModerationService {
		return this.ctx.dependency('moderation');
	}

	/** Calls `observer` with every message checked (its decision, and the promise of what acting on it did). @returns an unsubscribe function. */
	public observe(observer: DecisionObserver): () => void {
		this.#observers.add(observer);
		return () => this.#observers.delete(observer);
	}

	/** Whether this bot receives message content (the Message Content intent was requested and granted at start-up). */
	public get canReadContent(): boolean {
		return this.ctx.client.options.intents.has(GatewayIntentBits.MessageContent);
	}

	/**
	 * A config's compiled lists (word trie, RE2 programs): looked up by the config object, then by the lists' text, so
	 * that a config read again (the settings cache hands out a new object after any change of the guild's settings, a
	 * switch turned on or off included) does not compile the same 1,000 words and regexes again. At most
	 * {@link COMPILED_BY_TEXT_MAX} distinct lists are kept by text (least recently compiled dropped first).
	 */
	public compiled(config: AutomodConfig): CompiledRules {
		let compiled = this.#compiled.get(config);
		if (!compiled) {
			const text = JSON.stringify([config.words, config.regexes, config.filters.links.allow, config.filters.links.deny, config.filters.invites.allow]);
			compiled = this.#compiledByText.get(text);
			if (!compiled) {
				compiled = compileRules(config);
				this.#compiledByText.set(text, compiled);
				if (this.#compiledByText.size > COMPILED_BY_TEXT_MAX) this.#compiledByText.delete(this.#compiledByText.keys().next().value!);
			}
			this.#compiled.set(config, compiled);
		}
		return compiled;
	}

	// ------------------------------------------------------------------ the hot path

	/**
	 * Checks a new or edited message and acts on what it broke. Never throws: a failure is logged with the guild.
	 * @returns the decision (null: nothing broken, exempt, or not a member's guild message).
	 */
	public async handleMessage(message: Message, kind: MessageKind): Promise<Decision | null> {
		const started = performance.now();
		if (!message.inGuild()) return null;
		let decision: Decision | null = null;
		let outcome: Promise<ActionOutcome | null> | null = null;
		try {
			decision = await this.decide(message, kind, started);
			if (decision) outcome = this.#act(message, decision);
		} catch (error) {
			this.ctx.logger.error(`Automod could not check message ${message.id} in guild ${message.guildId}:`, error);
		}
		if (this.#observers.size > 0) {
			const event: CheckedMessage = { messageId: message.id, guildId: message.guildId, kind, decision, latencyMs: decision?.latencyMs ?? performance.now() - started, outcome: outcome ?? NO_OUTCOME };
			for (const observer of this.#observers) observer(event);
		}
		if (outcome) await outcome.catch((error: unknown) => this.ctx.logger.error(`Automod could not act on message ${message.id} in guild ${message.guildId}:`, error));
		return decision;
	}

	/**
	 * The decision alone (no action): which filters the message breaks, counted in the Redis windows when new.
	 * @param started `performance.now()` when the event reached the plugin (the latency metric starts there).
	 * @returns null when the message is exempt, not from a guild, a system message, or breaks nothing.
	 * @throws the Redis client's error when the spam windows cannot be read (the caller logs; the message passes).
	 */
	public async decide(message: Message, kind: MessageKind, started = performance.now()): Promise<Decision | null> {
		if (!message.inGuild() || message.system) return null;
		// Every message: the config and the member are in memory almost always, so neither costs a promise then.
		const config = this.ctx.peekConfig(message.guildId) ?? (await this.ctx.config(message.guildId));
		const member = message.member !== null || message.webhookId !== null ? message.member : await this.#fetchAuthor(message);
		const author = new MessageAuthorFacts(message, member);
		if (isGloballyExempt(author, config)) return null;
		const active = this.#activeFilters(config, kind, author);
		if (active.size === 0) return null;
		const facts: MessageFacts = {
			content: message.content,
			attachments: message.attachments.size + message.stickers.size,
			mentionedUsers: message.mentions.users.size,
			mentionedRoles: message.mentions.roles.size,
			mayMentionEveryone: (author.permissions & (PermissionFlagsBits.MentionEveryone | PermissionFlagsBits.Administrator)) !== 0n
		};
		const hits = contentHits(facts, config, this.compiled(config), active);
		const invites = hits.find((hit) => hit.detail.kind === 'invites');
		if (invites?.detail.kind === 'invites') {
			const outside = await this.#invitesOutside(message.guildId, invites.detail.codes, config);
			if (outside.length === 0) hits.splice(hits.indexOf(invites), 1);
			else invites.detail.codes = outside;
		}
		if (kind === 'create' && (active.has('rate') || active.has('duplicates'))) hits.push(...(await this.#countingHits(message, config, active)));
		const latencyMs = performance.now() - started;
		this.#decisionSeconds.observe({ kind }, latencyMs / 1_000);
		if (hits.length === 0) return null;
		for (const hit of hits) this.#hits.inc({ filter: hit.filter });
		const newAccount = isNewAccount(message.author.id, this.ctx.clock.now(), config.newAccountDays);
		return { guildId: message.guildId, userId: message.author.id, hits, actions: mergeActions(hits, config, newAccount), newAccount, latencyMs };
	}

	/**
	 * The filters that check a message: on, counting ones (`rate`, `duplicates`) for new messages only, and not exempting
	 * this author here. The set of filters on is worked out once per config object and kind; a message builds its own
	 * set only when some filter has exemptions of its own that cover its author.
	 */
	#activeFilters(config: AutomodConfig, kind: MessageKind, author: AuthorFacts): ReadonlySet<FilterName> {
		let sets = this.#filtersOn.get(config);
		if (!sets) {
			const enabled = FILTER_NAMES.filter((name) => config.filters[name].enabled);
			sets = {
				create: new Set(enabled),
				edit: new Set(enabled.filter((name) => !COUNTING_FILTERS.has(name))),
				exempting: enabled.filter((name) => hasExemptions(config.filters[name].exempt))
			};
			this.#filtersOn.set(config, sets);
		}
		const on = sets[kind];
		let active: Set<FilterName> | null = null;
		for (const name of sets.exempting) {
			if (on.has(name) && isExempt(author, config.filters[name].exempt)) (active ??= new Set(on)).delete(name);
		}
		return active ?? on;
	}

	/** The `rate` and `duplicates` hits of a new message, from one Redis round trip. */
	async #countingHits(message: Message<true>, config: AutomodConfig, active: ReadonlySet<FilterName>): Promise<Hit[]> {
		const { rate, duplicates } = config.filters;
		const guildId = message.guildId;
		const userId = message.author.id;
		const fingerprint = active.has('duplicates') && message.content.trim().length > 0 ? contentFingerprint(message.content) : null;
		const counts = await this.windows.count({
			now: this.ctx.clock.now(),
			entryId: message.id,
			rate: active.has('rate')
				? { key: rate.scope === 'channel' ? this.ctx.redisKey('rate', guildId, userId, message.channelId) : this.ctx.redisKey('rate', guildId, userId), windowMs: rate.seconds * 1_000 }
				: null,
			duplicates: fingerprint ? { key: this.ctx.redisKey('dup', guildId, userId, fingerprint), windowMs: duplicates.seconds * 1_000 } : null
		});
		const hits: Hit[] = [];
		if (active.has('rate') && counts.rate > rate.messages) hits.push({ filter: 'rate', detail: { kind: 'rate', count: counts.rate, limit: rate.messages, seconds: rate.seconds } });
		if (fingerprint && counts.duplicates >= duplicates.count) {
			hits.push({ filter: 'duplicates', detail: { kind: 'duplicates', count: counts.duplicates, limit: duplicates.count, seconds: duplicates.seconds } });
		}
		return hits;
	}

	/**
	 * The invite codes that lead outside the guild and its allowlisted guilds: each code is resolved once a day through
	 * Discord (`GET /invites/{code}`), the answer cached in Redis; an unknown or expired code counts as outside.
	 */
	async #invitesOutside(guildId: string, codes: readonly string[], config: AutomodConfig): Promise<string[]> {
		const allowed = new Set([guildId, ...config.filters.invites.allow]);
		const outside: string[] = [];
		for (const code of codes) {
			const target = await this.#inviteGuild(code);
			if (target === null || !allowed.has(target)) outside.push(code);
		}
		return outside;
	}

	/**
	 * The guild an invite code leads to (null: unknown), cached in Redis for a day (an hour for unknown codes). Messages
	 * that carry the same code while it is being resolved share one lookup: a raid posts one new invite many times at
	 * once, and a lookup per message would fill the bot's REST queue (50 requests a second) and hold every decision.
	 */
	#inviteGuild(code: string): Promise<string | null> {
		return this.#inviteLookups.run(code, () => this.#resolveInvite(code));
	}

	/** {@link #inviteGuild}'s work: Redis, else `GET /invites/{code}` (Unknown Invite: null), the answer cached. */
	async #resolveInvite(code: string): Promise<string | null> {
		const key = this.ctx.redisKey('invite', code);
		const cached = await this.ctx.redis.get(key);
		if (cached !== null) return cached === '-' ? null : cached;
		let guildId: string | null = null;
		try {
			const invite = await this.ctx.client.fetchInvite(code);
			guildId = invite.guild?.id ?? null;
		} catch (error) {
			if (!isDiscordError(error, RESTJSONErrorCodes.UnknownInvite)) throw error;
		}
		await this.ctx.redis.set(key, guildId ?? '-', 'EX', guildId ? 86_400 : 3_600);
		return guildId;
	}

	// ------------------------------------------------------------------ acting

	/** Carries out a decision: delete, tell the member, alert, punish, strike. Each step's failure is logged and counted; the others still run. */
	async #act(message: Message<true>, decision: Decision): Promise<ActionOutcome> {
		const { actions } = decision;
		const config = await this.ctx.config(decision.guildId);
		const outcome: ActionOutcome = { deleted: false, notified: 'none', alerted: false, punishmentCase: null, strikeCase: null, strikePoints: 0 };
		if (actions.delete) outcome.deleted = await this.#step('delete', () => message.delete().then(() => true), false, [RESTJSONErrorCodes.UnknownMessage]);
		const { locale, t } = await this.ctx.translator(decision.guildId);
		const told = (async () => {
			if (actions.notify === 'notice') outcome.notified = (await this.#step('notice', () => this.#notice(message, noticeText(t, decision.hits, decision.userId, outcome.deleted), config.noticeSeconds), false)) ? 'notice' : 'failed';
			else if (actions.notify === 'dm') outcome.notified = (await this.#step('dm', () => message.author.send({ content: dmText(t, decision.hits, message.guild.name, locale), allowedMentions: { parse: [] } }).then(() => true), false, [RESTJSONErrorCodes.CannotSendMessagesToThisUser])) ? 'dm' : 'failed';
		})();
		const alerted = actions.alert && config.alertChannelId ? this.#step('alert', () => this.#alert(message, decision, outcome.deleted, config.alertChannelId!, t, locale), false) : Promise.resolve(false);
		const punished = (async () => {
			if (actions.punish !== 'none') {
				const reason = caseReason(t, decision.hits, locale);
				outcome.punishmentCase = await this.#step('punish', () => this.#punish(decision.guildId, decision.userId, actions.punish, actions.durationSeconds, reason), null);
			}
			if (actions.points > 0 && config.strikes.length > 0) {
				const struck = await this.#step('strike', () => this.strike(decision.guildId, decision.userId, { entryId: message.id, points: actions.points }, config), null);
				if (struck) {
					outcome.strikeCase = struck.caseNumber;
					outcome.strikePoints = struck.points;
				}
			}
		})();
		const [, alertedResult] = await Promise.all([told, alerted, punished]);
		outcome.alerted = alertedResult;
		return outcome;
	}

	/** Runs one action step: its failure is logged (Discord's expected refusals at debug level) and counted; returns `fallback` then. */
	async #step<T>(name: string, run: () => Promise<T>, fallback: T, expected: RESTJSONErrorCodes[] = []): Promise<T> {
		try {
			return await run();
		} catch (error) {
			this.#actionFailures.inc({ action: name });
			if (error instanceof UserError || isDiscordError(error, RESTJSONErrorCodes.MissingPermissions, ...expected)) {
				this.ctx.logger.debug(`Automod ${name} refused:`, error instanceof UserError ? error.identifier : error);
			} else {
				this.ctx.logger.warn(`Automod ${name} failed:`, error);
			}
			return fallback;
		}
	}

	/** Posts the notice in the message's channel (pinging only the author) and schedules its deletion. */
	async #notice(message: Message<true>, text: string, seconds: number): Promise<boolean> {
		const notice = await message.channel.send({ content: text, allowedMentions: { users: [message.author.id] } });
		await this.ctx.tasks.schedule(NOTICE_DELETE_TASK, {
			guildId: message.guildId,
			delayMs: seconds * 1_000,
			key: `notice-${notice.id}`,
			payload: { channelId: notice.channelId, messageId: notice.id }
		});
		return true;
	}

	/** Posts the alert (content, jump link, moderator buttons) to the alert channel. */
	async #alert(message: Message<true>, decision: Decision, deleted: boolean, channelId: string, t: Awaited<ReturnType<AutomodContext['translator']>>['t'], locale: string): Promise<boolean> {
		const channel = message.guild.channels.cache.get(channelId);
		if (!channel?.isTextBased()) return false;
		await (channel as GuildTextBasedChannel).send(alertMessage(t, locale, { message, decision, deleted, details: describeHits(t, decision.hits, locale) }));
		return true;
	}

	/**
	 * Applies a punishment as a moderation case of source `automod` (the bot as moderator).
	 * @returns the case number. @throws UserError for moderation's refusals (member above the bot, left, ...).
	 */
	async #punish(guildId: string, userId: string, punish: Exclude<Punishment, 'none'> | Punishment, durationSeconds: number | null, reason: string): Promise<number | null> {
		const moderatorId = this.ctx.client.user!.id;
		const base = { targetId: userId, moderatorId, reason, source: 'automod' as const };
		const now = this.ctx.clock.now();
		switch (punish) {
			case 'warn':
				return (await this.moderation.warn(guildId, base)).case.number;
			case 'timeout':
				return (await this.moderation.timeout(guildId, { ...base, until: now + (durationSeconds ?? 600) * 1_000 })).case.number;
			case 'kick':
				return (await this.moderation.kick(guildId, base)).case.number;
			case 'ban':
				return (await this.moderation.ban(guildId, { ...base, durationMs: durationSeconds === null ? null : durationSeconds * 1_000 })).case.number;
			default:
				return null;
		}
	}

	/**
	 * Adds strike points to a member's ledger and applies the threshold they cross, if any, as a moderation case.
	 * @returns the points in the longest threshold window after the strike, and the case of the threshold crossed
	 *   (null when none, or when the punishment was refused: logged).
	 * @throws the Redis client's error.
	 */
	public async strike(guildId: string, userId: string, source: StrikeSource, config?: AutomodConfig): Promise<{ points: number; caseNumber: number | null }> {
		const current = config ?? (await this.ctx.config(guildId));
		if (current.strikes.length === 0 || source.points < 1) return { points: 0, caseNumber: null };
		const totals = await this.windows.strike({
			key: this.ctx.redisKey('strikes', guildId, userId),
			now: this.ctx.clock.now(),
			entryId: source.entryId,
			points: source.points,
			windowsMs: current.strikes.map((threshold) => threshold.windowSeconds * 1_000)
		});
		const points = Math.max(...totals.after);
		if (!totals.added) return { points, caseNumber: null };
		const crossed = crossedStrikeThreshold(current.strikes, source.points, totals.after);
		if (!crossed) return { points, caseNumber: null };
		const { t, locale } = await this.ctx.translator(guildId);
		const reason = strikeReason(t, crossed, locale);
		const caseNumber = await this.#step('strike-threshold', () => this.#punish(guildId, userId, crossed.action, crossed.durationSeconds, reason), null);
		return { points, caseNumber };
	}

	/** A member's strike points within a window (default: the longest threshold's), for `/automod strikes show`. */
	public async strikePoints(guildId: string, userId: string, windowSeconds?: number): Promise<number> {
		const config = await this.ctx.config(guildId);
		const window = windowSeconds ?? Math.max(0, ...config.strikes.map((threshold) => threshold.windowSeconds));
		if (window === 0) return 0;
		return this.windows.points(this.ctx.redisKey('strikes', guildId, userId), this.ctx.clock.now(), window * 1_000);
	}

	/** Forgets a member's strikes. @returns whether they had any. */
	public async clearStrikes(guildId: string, userId: string): Promise<boolean> {
		return this.windows.clear(this.ctx.redisKey('strikes', guildId, userId));
	}

	// ------------------------------------------------------------------ Discord's native AutoMod

	/**
	 * AUTO_MODERATION_ACTION_EXECUTION: an execution of a native rule (ours or made by hand) becomes a strike and, if the
	 * guild keeps them (`native.recordCases`), a `note` case naming the rule. Discord sends one event per action of the
	 * rule; only the rule's first action (block, then alert, then timeout) counts, so one blocked message is one strike.
	 * @returns whether it was counted.
	 */
	public async handleNativeExecution(execution: AutoModerationActionExecution): Promise<boolean> {
		const guild = execution.guild;
		const rule = execution.autoModerationRule ?? (await guild.autoModerationRules.fetch(execution.ruleId).catch(() => null));
		if (rule && !isCountedAction(execution.action.type, rule.actions.map((action) => action.type))) {
			this.#nativeExecutions.inc({ outcome: 'other-action' });
			return false;
		}
		const config = await this.ctx.config(guild.id);
		const ruleName = rule?.name ?? execution.ruleId;
		const { t, locale } = await this.ctx.translator(guild.id);
		const reason = nativeReason(t, ruleName, execution.matchedKeyword, locale);
		if (config.native.recordCases) {
			await this.#step('native-case', () => this.moderation.createCase(guild.id, { type: 'note', targetId: execution.userId, moderatorId: this.ctx.client.user!.id, reason, source: 'automod' }), null);
		}
		if (config.native.points > 0) {
			const entryId = `native-${execution.ruleId}-${execution.messageId ?? execution.alertSystemMessageId ?? this.ctx.random.int(0, 2 ** 31)}-${this.ctx.clock.now()}`;
			await this.#step('native-strike', () => this.strike(guild.id, execution.userId, { entryId, points: config.native.points }, config), null);
		}
		this.#nativeExecutions.inc({ outcome: 'counted' });
		return true;
	}

	// ------------------------------------------------------------------ commands

	/**
	 * `/automod test`: which filters a text would break in a guild, and why, without counting or acting. Counting
	 * filters (`rate`, `duplicates`) are not tested (they depend on the member's recent messages); invites are
	 * reported as found, before their guild is resolved. The author is taken as a member without exemptions.
	 */
	public async test(guildId: string, text: string): Promise<Hit[]> {
		const config = await this.ctx.config(guildId);
		const active = new Set(FILTER_NAMES.filter((name) => config.filters[name].enabled && !COUNTING_FILTERS.has(name)));
		const facts: MessageFacts = { content: text, attachments: 0, mentionedUsers: countMatches(text, /<@!?\d{17,20}>/g), mentionedRoles: countMatches(text, /<@&\d{17,20}>/g), mayMentionEveryone: false };
		return contentHits(facts, config, this.compiled(config), active);
	}

	/**
	 * The message's author as a member when `message.member` is missing (it is cached as the message arrives: the plugin
	 * declares `caches.members: ['messageAuthors']`; missing for a message handled after its author was swept, or
	 * received before the bot was ready): fetched through REST. Null for an author no longer in the guild.
	 * @throws the REST client's error other than Unknown Member (the caller logs; the message passes).
	 */
	async #fetchAuthor(message: Message<true>): Promise<GuildMember | null> {
		try {
			return await message.guild.members.fetch(message.author.id);
		} catch (error) {
			if (isDiscordError(error, RESTJSONErrorCodes.UnknownMember)) return null;
			throw error;
		}
	}

	/** The guild as this process sees it (automod's commands run in the process holding the guild's shard). */
	public guild(guildId: string): Guild | undefined {
		return this.ctx.client.guilds.cache.get(guildId);
	}
}

/** Whether an execution event's action is the one that counts for its rule: the first of block, alert, timeout, block interaction the rule has. */
export function isCountedAction(type: number, ruleActionTypes: readonly number[]): boolean {
	const order = [1, 2, 3, 4];
	const first = order.find((candidate) => ruleActionTypes.includes(candidate));
	return first === undefined || first === type;
}

/** How often a global regex matches a text (mentions in `/automod test`). */
function countMatches(text: string, pattern: RegExp): number {
	return new Set(text.match(pattern) ?? []).size;
}

/**
 * The facts the exemption rules need about a message's author and place (lib/evaluate.ts `AuthorFacts`). The role ids
 * are listed only when an exemption list names roles (discord.js builds the member's role collection from the guild's
 * roles on each access: a cost on every message that most guilds never need).
 */
class MessageAuthorFacts implements AuthorFacts {
	public readonly channelIds: readonly string[];
	public readonly permissions: bigint;
	public readonly bot: boolean;
	public readonly webhook: boolean;
	/** The member's roles (discord.js builds this map on each read of `member.roles.cache`: read once here). */
	readonly #roles: Collection<string, Role> | null;
	#roleIds: readonly string[] | null = null;

	/** @param member the author as a member (null for a webhook or an author no longer in the guild). */
	public constructor(message: Message<true>, member: GuildMember | null) {
		const channel = message.channel;
		const channelIds = [channel.id];
		const parent = 'parent' in channel ? channel.parent : null;
		if (parent) {
			channelIds.push(parent.id);
			if (parent.type !== ChannelType.GuildCategory && parent.parentId) channelIds.push(parent.parentId);
		}
		this.channelIds = channelIds;
		this.#roles = member ? member.roles.cache : null;
		this.permissions = member ? memberPermissionBits(member, channel, this.#roles!) : 0n;
		this.bot = message.author.bot;
		this.webhook = message.webhookId !== null;
	}

	public get roleIds(): readonly string[] {
		this.#roleIds ??= this.#roles ? [...this.#roles.keys()] : [];
		return this.#roleIds;
	}
}

export { AUTOMOD_PLUGIN_NAME };
