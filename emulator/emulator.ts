/**
 * DiscordEmulator: one HTTP server on 127.0.0.1 (port 0 by default) serving Discord's REST API v10 under `/api/v10`
 * and the gateway (JSON) on `/gateway`, around an in-memory world. See README.md in this folder.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageFlags, type APIApplicationCommand } from 'discord-api-types/v10';
import { EmulatorClock } from './clock.js';
import {
	AttachmentControls,
	AutoModerationControls,
	DmControls,
	MemberControls,
	MessageControls,
	ModerationControls,
	VoiceControls
} from './controls.js';
import { ChannelControls, ReactionControls, ThreadControls } from './channelControls.js';
import type { EmulatorCore } from './core.js';
import { GatewayServer, IDENTIFY_INTERVAL_MS } from './gateway/server.js';
import { ALL_INTENTS } from './gateway/intents.js';
import { InteractionControls } from './interactions/controls.js';
import { InteractionStore } from './interactions/store.js';
import { FailureLog, Recorder } from './recorder.js';
import { RateLimiter } from './rest/ratelimit.js';
import { auditLogRoutes } from './rest/routes/auditLog.js';
import { autoModerationRoutes } from './rest/routes/autoModeration.js';
import { basicRoutes } from './rest/routes/basics.js';
import { channelRoutes } from './rest/routes/channels.js';
import { commandRoutes } from './rest/routes/commands.js';
import { guildRoutes } from './rest/routes/guilds.js';
import { interactionRoutes } from './rest/routes/interactions.js';
import { inviteRoutes } from './rest/routes/invites.js';
import { memberRoutes } from './rest/routes/members.js';
import { messageRoutes } from './rest/routes/messages.js';
import { reactionRoutes } from './rest/routes/reactions.js';
import { threadRoutes } from './rest/routes/threads.js';
import { RestServer } from './rest/server.js';
import { SnowflakeGenerator } from './snowflake.js';
import type { Clock, EmulatorBot, EmulatorFailure, EmulatorOptions, RateLimitInjection } from './types.js';
import { RequestValidator } from './validation/validator.js';
import {
	AttachmentStore,
	DEFAULT_ATTACHMENT_SIZE_LIMIT,
	DEFAULT_ATTACHMENT_URL_LIFETIME_MS,
	DEFAULT_REQUEST_SIZE_LIMIT,
	type StoredAttachment
} from './world/attachments.js';
import { World } from './world/world.js';

/** Failure kinds that make {@link DiscordEmulator.assertNoFailures} throw by default. 403 / 404 answers are recorded
 * too ('missing-permissions', 'unknown-resource') but a bot may meet them legitimately; include them to be strict. */
export const DEFAULT_FAILING_KINDS: EmulatorFailure['kind'][] = [
	'unknown-route',
	'method-not-allowed',
	'unauthorized',
	'invalid-body',
	'interaction',
	'gateway',
	'other'
];

/**
 * Whether a stored attachment is still on its message: the channel exists and the message (in the channel, or an
 * ephemeral one kept by its interaction) still lists the attachment.
 */
function isAttached(world: World, interactions: InteractionStore, attachment: StoredAttachment): boolean {
	const channel = world.channels.get(attachment.channelId);
	if (!channel || !attachment.messageId) return false;
	let message = channel.messages.get(attachment.messageId);
	if (!message) {
		const found = interactions.findMessage(attachment.messageId)?.message;
		if (found && ((found.flags ?? 0) & MessageFlags.Ephemeral) !== 0) message = found;
	}
	return message?.attachments.some((candidate) => candidate.id === attachment.id) ?? false;
}

function toEmulatorClock(clock: Clock | undefined): EmulatorClock {
	return clock instanceof EmulatorClock ? clock : new EmulatorClock(clock);
}

export class DiscordEmulator {
	/** REST base for discord.js `rest.api` / DISCORD_REST_URL, e.g. 'http://127.0.0.1:43210/api' (no /v10). */
	public readonly restUrl: string;
	/** The gateway URL `GET /gateway/bot` returns, e.g. 'ws://127.0.0.1:43210/gateway'. */
	public readonly gatewayUrl: string;
	public readonly bot: EmulatorBot;
	public readonly world: World;
	public readonly voice: VoiceControls;
	public readonly members: MemberControls;
	public readonly messages: MessageControls;
	/** Moderation by hand in Discord's client: `ban`, `unban`, `kick`, `timeout`, `untimeout`, `recordEntry`. */
	public readonly moderation: ModerationControls;
	/** DM settings of users (`close`, `open`, `refusal`) and the DMs the bot sent (`sent`). */
	public readonly dms: DmControls;
	/** AutoMod rules made by hand (`createRule`, `updateRule`, `deleteRule`), `rules`, `rule`, `executions`. */
	public readonly autoModeration: AutoModerationControls;
	/**
	 * Attachments and the emulator's CDN: `get(url)` (what a URL serves now, or null), `why(url)`, `expireAll()`,
	 * `uploadedBy(userId?)` (default: the bot's uploads, with their bytes), `all()`, `downloads`, `baseUrl`,
	 * `lifetimeMs`, `sizeLimit`, `requestSizeLimit`.
	 */
	public readonly attachments: AttachmentControls;
	/**
	 * Threads by hand: `create`, `addMember`, `removeMember`, `join`, `leave`, `edit` (archive, lock, rename), and
	 * `members(threadId)`, `canView(channelId, userId)` (who can see a private thread).
	 */
	public readonly threads: ThreadControls;
	/** Reactions by hand: `add`, `remove`, `clear`, and `on(channelId, messageId)`, `users(channelId, messageId, emoji)`. */
	public readonly reactions: ReactionControls;
	/** Channels by hand: `delete` (a channel, category or thread), `editOverwrite`, `deleteOverwrite`. */
	public readonly channels: ChannelControls;
	public readonly interactions: InteractionControls;
	public readonly gateway: GatewayServer;
	public readonly recorder = new Recorder();
	/** Enforced bucket limits, injected 429s (`inject`), `configure(limit, windowMs)`. */
	public readonly rateLimits: RateLimiter;
	/** REST body validation (`useSpec = false` skips the OpenAPI schema, keeping the semantic limits). */
	public readonly validator = new RequestValidator();
	/** The registered application commands. */
	public readonly commands = {
		global: (): APIApplicationCommand[] => [...this.world.globalCommands.values()],
		guild: (guildId: string): APIApplicationCommand[] => [...this.world.guild(guildId).state.commands.values()]
	};
	readonly #failures: FailureLog;
	readonly #server: Server;
	#clock: EmulatorClock;

	private constructor(options: EmulatorOptions, server: Server, port: number) {
		const host = options.host ?? '127.0.0.1';
		this.#server = server;
		this.#clock = toEmulatorClock(options.clock);
		this.#failures = new FailureLog(options.strict ?? true);
		this.restUrl = `http://${host}:${port}/api`;
		this.gatewayUrl = `ws://${host}:${port}/gateway`;
		const ids = new SnowflakeGenerator({ now: () => this.#clock.now() });
		const botId = options.bot?.id ?? ids.next();
		this.bot = {
			id: botId,
			applicationId: options.bot?.applicationId ?? botId,
			username: options.bot?.username ?? 'Emulated Bot',
			token: options.bot?.token ?? `${Buffer.from(botId).toString('base64url')}.emu.${randomBytes(20).toString('base64url')}`
		};
		this.world = new World({ ids, clock: { now: () => this.#clock.now() }, bot: this.bot });
		this.rateLimits = new RateLimiter(options.bucketLimit ?? 50, options.bucketWindowMs ?? 1000);
		this.gateway = new GatewayServer(this.world, this.recorder, this.#failures, {
			bot: this.bot,
			heartbeatInterval: options.heartbeatInterval ?? 41_250,
			approvedIntents: options.approvedIntents ?? ALL_INTENTS,
			maxConcurrency: options.maxConcurrency ?? 16,
			identifyIntervalMs: options.identifyIntervalMs ?? IDENTIFY_INTERVAL_MS,
			recommendedShards: options.shardCount ?? 1,
			url: () => this.gatewayUrl
		});
		const emulator = this;
		const store = new InteractionStore(() => this.#clock);
		const attachmentStore = new AttachmentStore({
			baseUrl: `http://${host}:${port}`,
			clock: () => this.#clock,
			nextId: () => ids.next(),
			lifetimeMs: options.attachmentUrlLifetimeMs ?? DEFAULT_ATTACHMENT_URL_LIFETIME_MS,
			sizeLimit: options.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT,
			requestSizeLimit: options.requestSizeLimit ?? DEFAULT_REQUEST_SIZE_LIMIT,
			isAttached: (attachment) => isAttached(this.world, store, attachment),
			onRefused: (download) =>
				this.#failures.add({
					kind: 'unknown-resource',
					message: `GET ${download.url}: attachment URL ${download.reason} (404 "This content is no longer available.")`,
					method: 'GET',
					route: '/attachments/{channel_id}/{attachment_id}/{filename}',
					path: download.url.split('?')[0],
					status: 404
				})
		});
		const core: EmulatorCore = {
			world: this.world,
			gateway: this.gateway,
			recorder: this.recorder,
			failures: this.#failures,
			bot: this.bot,
			ids,
			interactions: store,
			rateLimits: this.rateLimits,
			validator: this.validator,
			attachments: attachmentStore,
			get clock() {
				return emulator.#clock;
			},
			recommendedShards: options.shardCount ?? 1,
			maxConcurrency: options.maxConcurrency ?? 16,
			gatewayUrl: this.gatewayUrl,
			responseTimeoutMs: options.responseTimeoutMs ?? 10_000
		};
		this.voice = new VoiceControls(core);
		this.members = new MemberControls(core);
		this.messages = new MessageControls(core);
		this.moderation = new ModerationControls(core);
		this.dms = new DmControls(core);
		this.autoModeration = new AutoModerationControls(core);
		this.attachments = new AttachmentControls(core);
		this.threads = new ThreadControls(core);
		this.reactions = new ReactionControls(core);
		this.channels = new ChannelControls(core);
		this.interactions = new InteractionControls(core);
		const rest = new RestServer(core);
		rest.addRoutes([
			...basicRoutes(Date.now()),
			...commandRoutes,
			...interactionRoutes,
			...messageRoutes,
			...reactionRoutes,
			...channelRoutes,
			...threadRoutes,
			...guildRoutes,
			...memberRoutes,
			...auditLogRoutes,
			...autoModerationRoutes,
			...inviteRoutes
		]);
		server.on('request', (request, response) => {
			if (attachmentStore.handles(request.url ?? '/')) attachmentStore.serve(request, response);
			else void rest.handle(request, response);
		});
		server.on('upgrade', (request, socket, head) => this.gateway.handleUpgrade(request, socket, head));
	}

	/** Starts an emulator on a free port (or `options.port`). */
	public static async start(options: EmulatorOptions = {}): Promise<DiscordEmulator> {
		const server = createServer({ keepAliveTimeout: 5_000 });
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
		});
		const { port } = server.address() as AddressInfo;
		return new DiscordEmulator(options, server, port);
	}

	/**
	 * The emulator clock (3-second / 15-minute interaction deadlines, snowflakes, timestamps): `advance(ms)`,
	 * `freeze()`, `unfreeze()`. Tests may replace it with any `{ now(): number }` (it is wrapped, so `advance` and
	 * `freeze` still work on top of it).
	 */
	public get clock(): EmulatorClock {
		return this.#clock;
	}

	public set clock(clock: Clock) {
		this.#clock = toEmulatorClock(clock);
	}

	/** Everything recorded as refused or wrong so far (see {@link assertNoFailures}). */
	public get failures(): readonly EmulatorFailure[] {
		return this.#failures.failures;
	}

	/** Shorthand for `rateLimits.inject`. */
	public injectRateLimit(injection: RateLimitInjection): void {
		this.rateLimits.inject(injection);
	}

	/** Declares failures the current test expects (an invalid request it provokes on purpose). */
	public expectFailures(predicate: (failure: EmulatorFailure) => boolean): void {
		this.#failures.expect(predicate);
	}

	/**
	 * Throws, listing them, if failures of the given kinds (default {@link DEFAULT_FAILING_KINDS}) happened that no
	 * expectation covers; then forgets failures and expectations, so each test starts clean (call it in afterEach).
	 * Does not throw when the emulator was started with `strict: false`.
	 */
	public assertNoFailures(options: { kinds?: EmulatorFailure['kind'][] } = {}): void {
		const kinds = options.kinds ?? DEFAULT_FAILING_KINDS;
		const unexpected = this.#failures.unexpected().filter((failure) => kinds.includes(failure.kind));
		this.#failures.reset();
		if (unexpected.length && this.#failures.strict) {
			const lines = unexpected.map((failure) => `- [${failure.kind}] ${failure.message}`);
			throw new Error(`Discord emulator: ${unexpected.length} unexpected failure(s):\n${lines.join('\n')}`);
		}
	}

	/** Closes every gateway connection and the HTTP server. */
	public async stop(): Promise<void> {
		await this.gateway.close();
		this.#server.closeAllConnections();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
	}
}
