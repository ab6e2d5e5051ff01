import {
	ChannelType,
	DiscordAPIError,
	OverwriteType,
	PermissionFlagsBits,
	RateLimitError,
	REST,
	RESTJSONErrorCodes,
	Routes,
	type Guild,
	type GuildBasedChannel,
	type GuildTextBasedChannel,
	type PermissionsString,
	type PrivateThreadChannel,
	type TextChannel
} from 'discord.js';
import { formatDuration } from '../../../lib/durations.js';
import { translatedUserError } from '../../../lib/errors.js';
import { SingleFlight } from '../../../lib/singleFlight.js';
import type { TicketAnswer } from '../entities/Ticket.js';
import { checkAnswers, type AnswerProblem } from '../lib/answers.js';
import { typeById, type TicketsConfig } from '../lib/config.js';
import { formatTicketNumber, renamedName, ticketName } from '../lib/naming.js';
import { welcomeMessages } from '../views/welcome.js';
import {
	CHANNEL_MODE_PERMISSIONS,
	createTicketChannel,
	createTicketThread,
	memberPermissionsIn,
	missingBotPermissions,
	overflowCategories,
	THREAD_MODE_PERMISSIONS,
	ticketOverwrites,
	TicketPlaceError,
	withOverflowLock,
	type PlaceFailure
} from './channels.js';
import { logTicketEvent } from './staffLog.js';
import * as store from './store.js';
import type { TicketRecord } from './store.js';
import type { TicketService } from './TicketService.js';

type TypeConfig = TicketsConfig['types'][number];

/** The task that repairs an open cut short (tasks/ticketsOpeningRepair.ts), and how long after the open it runs. */
export const OPENING_REPAIR_TASK = 'ticketsOpeningRepair' as const;
/** An `opening` row older than this (ms) belongs to an open that will not finish (a crash): it is repaired. */
export const OPENING_STALE_MS = 60_000;

/** What a member asks for when opening a ticket (JSON-safe: a second process can be asked the same). */
export interface OpenRequest {
	guildId: string;
	typeId: string;
	/** The panel whose button or menu was used: the type must still be on it. Null: no panel (a direct call). */
	panelId: string | null;
	userId: string;
	/** The opener's Discord username (`{username}` of the name template). */
	username: string;
	/** The opener's roles (the blocklist and the required roles). */
	roleIds: readonly string[];
	/**
	 * The modal's answers, one per question in order (null for an input the submission did not carry); null when no
	 * modal was shown (a type without questions).
	 */
	answers: readonly (string | null)[] | null;
}

/** Why an open is refused; each is answered with a translated, ephemeral reason (views in interaction handlers). */
export type OpenProblem =
	| { kind: 'unknown-type' }
	| { kind: 'blocked' }
	| { kind: 'blocked-role'; roleId: string }
	| { kind: 'missing-role'; roleIds: string[] }
	| { kind: 'no-channel' }
	| { kind: 'parent-missing'; mode: 'channel' | 'thread'; parentId: string }
	| { kind: 'bot-permissions'; permissions: PermissionsString[]; whereId: string | null }
	| { kind: 'opener-cannot-view'; channelId: string }
	| { kind: 'member-limit'; limit: number; channelIds: string[] }
	| { kind: 'total-limit'; limit: number }
	| { kind: 'cooldown'; retryAt: number; now: number }
	| { kind: 'questions-needed' }
	| { kind: 'answer'; problem: AnswerProblem }
	| { kind: 'place'; failure: PlaceFailure }
	| { kind: 'unavailable' };

/** What an open did: the ticket opened (and its channel or thread), or why not. */
export type OpenOutcome = { kind: 'opened'; ticket: TicketRecord; channelId: string } | { kind: 'refused'; problem: OpenProblem };

/** Who acts on a ticket (claim, add, rename...): their id, roles and whether they have Manage Server. */
export interface TicketActor {
	id: string;
	roleIds: readonly string[];
	manageGuild: boolean;
}

/** Audit log reasons are at most 512 characters (Discord). */
const REASON_MAX = 512;

/**
 * Opening tickets, and what staff do inside them (issue 10): `open` (checks, limits under the counter's row lock, the
 * channel or private thread, the welcome message, the staff log), `precheck` (the same checks before the questions
 * modal is shown), `claim`, `unclaim`, `add`, `remove`, `rename`, `topic`, `join` (staff join a thread ticket from the
 * staff log), and the repair of opens cut short (`reconcile` at start-up, the `ticketsOpeningRepair` task).
 *
 * Nothing is half-made: the row is inserted `opening` first (its number and the limits decided in one transaction),
 * then the channel or thread is made, then the row is marked `open`; if making the channel fails the row is removed,
 * and if marking it fails the channel is deleted. A process that dies between the two leaves an `opening` row, which
 * the repair task (queued before the channel is made) or the next start-up's reconcile settles after a minute: the
 * channel found by its name is kept and the row marked open, or the row is removed.
 */
export class TicketOpening {
	/** A REST client of its own that refuses to wait on a rate limit (renames and topics: see {@link #rest}). */
	#noWaitRest: REST | null = null;
	/** Reads of guilds this process does not hold in progress (see {@link #guild}), by guild id. */
	readonly #guildReads = new SingleFlight<string, Guild | null>();

	public constructor(private readonly service: TicketService) {}

	// ------------------------------------------------------------------ open

	/**
	 * Checks that `request` may open a ticket now, without taking a number: the type, the blocklist, the required
	 * roles, the type's category or channel and the bot's permissions there, and the limits as they stand (the open
	 * checks them again, exactly). Used before showing the questions modal, so that a member is refused before typing.
	 * @returns the first problem, or null.
	 */
	public async precheck(request: Omit<OpenRequest, 'answers'>): Promise<OpenProblem | null> {
		const guild = await this.#guild(request.guildId);
		if (!guild) return { kind: 'unavailable' };
		const config = await this.service.config(request.guildId);
		const checked = this.#check(guild, config, request);
		if ('problem' in checked) return checked.problem;
		const { type } = checked;
		const refusal = await store.limitRefusal(this.service.ctx.em(), { guildId: request.guildId, openerId: request.userId, typeId: type.id, now: this.service.ctx.clock.now() }, type);
		return refusal ? this.#limitProblem(request, refusal) : null;
	}

	/**
	 * Opens a ticket (see the class comment). Answers `{ kind: 'refused', problem }` for anything the member or the
	 * staff can fix (the type, the blocklist, a required role, the bot's permissions, a deleted category or channel, a
	 * limit, the cooldown, an answer out of its limits, Discord refusing the channel), with nothing left behind.
	 * @throws what PostgreSQL or Discord throws unexpectedly (the `opening` row is removed first when the channel was
	 *   not made).
	 */
	public async open(request: OpenRequest): Promise<OpenOutcome> {
		const { ctx } = this.service;
		const guild = await this.#guild(request.guildId);
		if (!guild) return refused({ kind: 'unavailable' });
		const config = await this.service.config(request.guildId);
		const checked = this.#check(guild, config, request);
		if ('problem' in checked) return refused(checked.problem);
		const { type, parent } = checked;
		let answers: TicketAnswer[] = [];
		if (type.questions.length > 0) {
			if (request.answers === null) return refused({ kind: 'questions-needed' });
			const result = checkAnswers(type.questions, request.answers);
			if ('problem' in result) return refused({ kind: 'answer', problem: result.problem });
			answers = result.answers;
		}
		const now = ctx.clock.now();
		let ticket: TicketRecord;
		try {
			ticket = await ctx.em().transactional((tx) =>
				store.insertOpening(tx, { guildId: guild.id, typeId: type.id, mode: type.mode, parentId: parent?.id ?? null, openerId: request.userId, answers, now }, type)
			);
		} catch (error) {
			if (error instanceof store.OpenRefusedError) return refused(await this.#limitProblem(request, error.refusal));
			throw error;
		}
		// Should this process die before the row is settled, the repair runs in any process a minute later.
		await ctx.tasks
			.schedule(OPENING_REPAIR_TASK, { guildId: guild.id, payload: { ticketId: ticket.id }, at: ticket.createdAt + OPENING_STALE_MS, key: String(ticket.id) })
			.catch((error: unknown) => ctx.logger.warn(`Ticket ${ticket.id}: repair job not queued (${String(error)}); the next start-up checks it`));
		const name = ticketName(type.mode, type.nameTemplate, { number: ticket.number, username: request.username, type: type.name });
		const reason = auditReason(`Ticket #${formatTicketNumber(ticket.number)} (${type.id}) opened by ${request.username} (${request.userId})`);
		let place: TextChannel | PrivateThreadChannel;
		try {
			place =
				type.mode === 'channel'
					? await createTicketChannel({
							guild,
							name,
							categoryId: type.categoryId,
							overwrites: ticketOverwrites(guild, request.userId, type.staffRoleIds, ctx.client.user!.id),
							reason,
							lock: (work) => withOverflowLock(ctx, guild.id, type.categoryId ?? 'none', work)
						})
					: await createTicketThread(parent as TextChannel, name, request.userId, reason);
		} catch (error) {
			await store.removeOpening(ctx.em(), ticket.id);
			if (error instanceof TicketPlaceError) {
				ctx.logger.warn(`Ticket open in guild ${guild.id} (type ${type.id}) refused by Discord: ${error.failure}${error.cause ? ` (${String(error.cause)})` : ''}`);
				return refused({ kind: 'place', failure: error.failure });
			}
			throw error;
		}
		let opened: TicketRecord | null = null;
		let adopted: TicketRecord | null = null;
		try {
			opened = await store.markOpen(ctx.em(), ticket.id, place.id, place.parentId);
			if (!opened) {
				// An open slower than a minute: its repair may have found this channel and opened the ticket in it already.
				const current = await store.findById(ctx.em(), ticket.id);
				if (current?.status === 'open' && current.channelId === place.id) adopted = current;
			}
		} finally {
			if (!opened && !adopted) {
				// The row was removed by a repair that found no channel yet, or PostgreSQL failed: the channel goes.
				await place.delete(auditReason(`Ticket #${ticket.number} could not be recorded`)).catch(() => undefined);
				await store.removeOpening(ctx.em(), ticket.id).catch(() => undefined);
			}
		}
		if (adopted) return { kind: 'opened', ticket: adopted, channelId: place.id };
		if (!opened) return refused({ kind: 'unavailable' });
		return { kind: 'opened', ticket: await this.#settle(guild, opened, type, request.userId), channelId: place.id };
	}

	/**
	 * After a ticket is marked open: its channel indexed in Redis (service/activity.ts), the welcome message (its id
	 * stored), its auto-close job, the staff log's open entry. Failures are logged and leave the ticket open.
	 * @returns the ticket with its welcome message id.
	 */
	async #settle(guild: Guild, ticket: TicketRecord, type: TypeConfig | null, actorId: string): Promise<TicketRecord> {
		const { ctx } = this.service;
		let settled = ticket;
		try {
			await this.service.activity.register(ticket.channelId!, ticket.id);
		} catch (error) {
			ctx.logger.warn(`Ticket ${ticket.id}: not indexed in Redis (${String(error)}); the next start-up indexes it`);
		}
		try {
			const channel = await this.#textChannel(ticket.channelId!);
			if (channel) {
				const { t } = await ctx.translator(guild.id);
				let welcomeId: string | null = null;
				for (const part of welcomeMessages(t, ticket, type)) {
					const message = await channel.send(part);
					welcomeId ??= message.id;
				}
				settled = (await store.updateTicket(ctx.em(), ticket.id, { welcome_message_id: welcomeId })) ?? settled;
			}
		} catch (error) {
			ctx.logger.warn(`Ticket ${ticket.id}: welcome message not posted (${String(error)})`);
		}
		try {
			// Its auto-close job, when the guild has auto-close (service/closing.ts; one keyed job per ticket).
			await this.service.closing.armAutoClose(guild.id, ticket.id);
		} catch (error) {
			ctx.logger.warn(`Ticket ${ticket.id}: auto-close not armed (${String(error)}); the next start-up arms it`);
		}
		await logTicketEvent(this.service, guild.id, { kind: 'open', ticket: settled, actorId });
		return settled;
	}

	/** The checks that need no database: type, panel, blocklist, required roles, where it goes, the bot's permissions there. */
	#check(guild: Guild, config: TicketsConfig, request: Omit<OpenRequest, 'answers'>): { type: TypeConfig; parent: GuildBasedChannel | null } | { problem: OpenProblem } {
		const type = typeById(config, request.typeId);
		if (!type) return { problem: { kind: 'unknown-type' } };
		if (request.panelId !== null) {
			const panel = config.panels.find((candidate) => candidate.id === request.panelId);
			if (!panel?.typeIds.includes(type.id)) return { problem: { kind: 'unknown-type' } };
		}
		if (config.blockedUserIds.includes(request.userId)) return { problem: { kind: 'blocked' } };
		const blockedRole = config.blockedRoleIds.find((roleId) => request.roleIds.includes(roleId));
		if (blockedRole) return { problem: { kind: 'blocked-role', roleId: blockedRole } };
		if (type.requiredRoleIds.length > 0 && !type.requiredRoleIds.some((roleId) => request.roleIds.includes(roleId))) {
			return { problem: { kind: 'missing-role', roleIds: [...type.requiredRoleIds] } };
		}
		if (type.mode === 'channel') {
			const category = type.categoryId ? guild.channels.cache.get(type.categoryId) : null;
			if (type.categoryId && category?.type !== ChannelType.GuildCategory) return { problem: { kind: 'parent-missing', mode: 'channel', parentId: type.categoryId } };
			const missing = missingBotPermissions(guild, category ?? null, CHANNEL_MODE_PERMISSIONS);
			if (missing.length > 0) return { problem: { kind: 'bot-permissions', permissions: missing, whereId: category?.id ?? null } };
			return { type, parent: category ?? null };
		}
		if (!type.channelId) return { problem: { kind: 'no-channel' } };
		const channel = guild.channels.cache.get(type.channelId);
		if (channel?.type !== ChannelType.GuildText) return { problem: { kind: 'parent-missing', mode: 'thread', parentId: type.channelId } };
		const missing = missingBotPermissions(guild, channel, THREAD_MODE_PERMISSIONS);
		if (missing.length > 0) return { problem: { kind: 'bot-permissions', permissions: missing, whereId: channel.id } };
		// A private thread is seen only by members who can see its channel (Discord): an opener who cannot would get a
		// ticket they never see. Computed from the interaction's roles: the member need not be in the cache.
		if (!memberPermissionsIn(channel, request.userId, request.roleIds).has(PermissionFlagsBits.ViewChannel)) {
			return { problem: { kind: 'opener-cannot-view', channelId: channel.id } };
		}
		return { type, parent: channel };
	}

	/** A limit's refusal as an open problem (the member's open tickets named for the per-member limit). */
	async #limitProblem(request: Pick<OpenRequest, 'guildId' | 'userId' | 'typeId'>, refusal: store.OpenRefusal): Promise<OpenProblem> {
		if (refusal.kind === 'cooldown') return { kind: 'cooldown', retryAt: refusal.retryAt, now: this.service.ctx.clock.now() };
		if (refusal.kind === 'total-limit') return { kind: 'total-limit', limit: refusal.limit };
		const mine = await store.openTicketsOf(this.service.ctx.em(), request.guildId, request.userId, request.typeId);
		return { kind: 'member-limit', limit: refusal.limit, channelIds: mine.flatMap((ticket) => (ticket.channelId ? [ticket.channelId] : [])) };
	}

	/**
	 * The guild, from the cache of the process that holds its shard; in another process (one asked to open through
	 * REST only), fetched from Discord with its channels and the bot's member. Null when Discord cannot say.
	 */
	async #guild(guildId: string): Promise<Guild | null> {
		const cached = this.service.ctx.client.guilds.cache.get(guildId);
		if (cached?.available && cached.members.me) return cached;
		// Opens at once share one read.
		return this.#guildReads.run(guildId, () => this.#readGuild(guildId));
	}

	/** {@link #guild}'s read from Discord. */
	async #readGuild(guildId: string): Promise<Guild | null> {
		const { client } = this.service.ctx;
		try {
			const guild = await client.guilds.fetch({ guild: guildId, force: true });
			await guild.channels.fetch();
			await guild.members.fetchMe();
			return guild;
		} catch (error) {
			this.service.ctx.logger.warn(`Guild ${guildId} could not be read for a ticket: ${String(error)}`);
			return null;
		}
	}

	/** A text channel or thread by id (cache, else Discord), or null when it is gone or out of reach. */
	async #textChannel(channelId: string): Promise<GuildTextBasedChannel | null> {
		const { client } = this.service.ctx;
		const channel = client.channels.cache.get(channelId) ?? (await client.channels.fetch(channelId).catch(() => null));
		return channel && !channel.isDMBased() && channel.isTextBased() ? channel : null;
	}

	// ------------------------------------------------------------------ inside a ticket

	/** Whether `actor` is staff of the ticket's type (one of its staff roles) or has Manage Server. */
	public isStaff(config: TicketsConfig, ticket: TicketRecord, actor: TicketActor): boolean {
		if (actor.manageGuild) return true;
		const type = typeById(config, ticket.typeId);
		return type !== undefined && type.staffRoleIds.some((roleId) => actor.roleIds.includes(roleId));
	}

	/**
	 * The open ticket `actor` acts on as staff.
	 * @throws UserError `tickets:errors.notOpen` (closed), `staffOnly` / `staffOnlyNoRoles` (not staff).
	 */
	async #staffTicket(ticket: TicketRecord, actor: TicketActor): Promise<{ config: TicketsConfig; type: TypeConfig | null }> {
		if (ticket.status !== 'open') throw translatedUserError('tickets:errors.notOpen');
		const config = await this.service.config(ticket.guildId);
		const type = typeById(config, ticket.typeId) ?? null;
		if (!this.isStaff(config, ticket, actor)) {
			if (type && type.staffRoleIds.length > 0) throw translatedUserError('tickets:errors.staffOnly', { roles: type.staffRoleIds.map((id) => `<@&${id}>`).join(', ') });
			throw translatedUserError('tickets:errors.staffOnlyNoRoles');
		}
		return { config, type };
	}

	/** The ticket's channel or thread. @throws UserError `tickets:errors.channelGone`. */
	async #place(ticket: TicketRecord): Promise<GuildTextBasedChannel> {
		const channel = ticket.channelId ? await this.#textChannel(ticket.channelId) : null;
		if (!channel) throw translatedUserError('tickets:errors.channelGone');
		return channel;
	}

	/**
	 * Claims a ticket for `actor` (staff only): one claimer at a time, across processes (a compare-and-set); a second
	 * claimer is told who holds it. With the type's `claimRestrictsWriting` (channel mode), the staff roles lose Send
	 * Messages in the channel and the claimer gets a member overwrite to write (the opener and members added to the
	 * ticket keep theirs; administrators write anyway); in thread mode the claimer is added to the thread. Announced in the ticket and logged to the staff log.
	 * @throws UserError `notOpen`, `staffOnly`, `alreadyYours`, `claimedBy` (context `user`), `cannotManage` (Discord
	 *   refused the overwrites; the claim is undone), `channelGone`.
	 */
	public async claim(ticket: TicketRecord, actor: TicketActor): Promise<TicketRecord> {
		const { ctx } = this.service;
		const { type } = await this.#staffTicket(ticket, actor);
		const place = await this.#place(ticket);
		const result = await store.claimTicket(ctx.em(), ticket.id, actor.id);
		if (!result) throw translatedUserError('tickets:errors.notOpen');
		const claimed = result.ticket;
		if (!result.changed) {
			if (claimed.claimerId === actor.id) throw translatedUserError('tickets:errors.alreadyYours');
			throw translatedUserError('tickets:errors.claimedBy', { user: `<@${claimed.claimerId}>` });
		}
		const restrict = ticket.mode === 'channel' && type?.claimRestrictsWriting === true;
		try {
			if (restrict && place.type === ChannelType.GuildText) {
				const reason = auditReason(`Ticket #${ticket.number} claimed by ${actor.id}`);
				await place.permissionOverwrites.edit(actor.id, { ViewChannel: true, SendMessages: true, ReadMessageHistory: true, AttachFiles: true, EmbedLinks: true }, { type: OverwriteType.Member, reason });
				for (const roleId of type.staffRoleIds) await place.permissionOverwrites.edit(roleId, { SendMessages: false }, { type: OverwriteType.Role, reason });
			}
			if (place.isThread()) await place.members.add(actor.id);
		} catch (error) {
			await store.unclaimTicket(ctx.em(), ticket.id, actor.id);
			if (restrict && place.type === ChannelType.GuildText) await this.#restoreWriting(place, type.staffRoleIds, ticket.number);
			if (isPermissionError(error)) throw translatedUserError('tickets:errors.cannotManage');
			throw error;
		}
		const { t } = await ctx.translator(ticket.guildId);
		await place
			.send({ content: t(restrict ? 'tickets:inside.claimedRestricted' : 'tickets:inside.claimed', { user: `<@${actor.id}>` }), allowedMentions: { parse: [] } })
			.catch((error: unknown) => ctx.logger.warn(`Ticket ${ticket.id}: claim not announced (${String(error)})`));
		await logTicketEvent(this.service, ticket.guildId, { kind: 'claim', ticket: claimed, actorId: actor.id });
		return claimed;
	}

	/**
	 * Releases a ticket's claim: by its claimer, or by a member with Manage Server. With `claimRestrictsWriting` the
	 * staff roles may write again and the claimer's member overwrite loses the claim's Send Messages (it keeps View
	 * Channel). Announced and logged.
	 * @throws UserError `notOpen`, `staffOnly`, `notClaimed`, `unclaimNotYours` (context `user`), `channelGone`.
	 */
	public async unclaim(ticket: TicketRecord, actor: TicketActor): Promise<TicketRecord> {
		const { ctx } = this.service;
		const { type } = await this.#staffTicket(ticket, actor);
		const claimerId = ticket.claimerId;
		if (claimerId === null) throw translatedUserError('tickets:errors.notClaimed');
		if (claimerId !== actor.id && !actor.manageGuild) throw translatedUserError('tickets:errors.unclaimNotYours', { user: `<@${claimerId}>` });
		const place = await this.#place(ticket);
		const result = await store.unclaimTicket(ctx.em(), ticket.id, claimerId);
		if (!result) throw translatedUserError('tickets:errors.notOpen');
		const released = result.ticket;
		if (!result.changed) {
			// Someone released or took it meanwhile.
			if (released.claimerId === null) throw translatedUserError('tickets:errors.notClaimed');
			throw translatedUserError('tickets:errors.unclaimNotYours', { user: `<@${released.claimerId}>` });
		}
		if (ticket.mode === 'channel' && type?.claimRestrictsWriting && place.type === ChannelType.GuildText) {
			await this.#restoreWriting(place, type.staffRoleIds, ticket.number);
			// The claim's own Send Messages goes (the member's view of the channel stays): during a later claim by someone
			// else, the former claimer writes as their roles allow. The opener's overwrite is never touched.
			if (claimerId !== ticket.openerId && place.permissionOverwrites.cache.has(claimerId)) {
				await place.permissionOverwrites
					.edit(claimerId, { SendMessages: null }, { type: OverwriteType.Member, reason: auditReason(`Ticket #${ticket.number} unclaimed`) })
					.catch((error: unknown) => ctx.logger.warn(`Ticket ${ticket.id}: the claim's Send Messages of ${claimerId} not removed (${String(error)})`));
			}
		}
		const { t } = await ctx.translator(ticket.guildId);
		await place
			.send({ content: t('tickets:inside.unclaimed', { user: `<@${actor.id}>` }), allowedMentions: { parse: [] } })
			.catch((error: unknown) => ctx.logger.warn(`Ticket ${ticket.id}: unclaim not announced (${String(error)})`));
		await logTicketEvent(this.service, ticket.guildId, { kind: 'unclaim', ticket: released, actorId: actor.id });
		return released;
	}

	/** Gives the staff roles Send Messages back in a ticket channel (after a claim that restricted writing). */
	async #restoreWriting(channel: TextChannel, staffRoleIds: readonly string[], number: number): Promise<void> {
		const reason = auditReason(`Ticket #${number} unclaimed`);
		for (const roleId of staffRoleIds) {
			await channel.permissionOverwrites
				.edit(roleId, { SendMessages: true }, { type: OverwriteType.Role, reason })
				.catch((error: unknown) => this.service.ctx.logger.warn(`Ticket channel ${channel.id}: Send Messages of role ${roleId} not restored (${String(error)})`));
		}
	}

	/**
	 * Gives a member or a role access to a ticket (staff only): in channel mode a permission overwrite (view, write,
	 * read the history, attach, embed); in thread mode the member is added to the thread (a role is refused: private
	 * threads have no role access). The member is mentioned in the ticket (so they find it); logged to the staff log.
	 * @throws UserError `notOpen`, `staffOnly`, `everyoneRole`, `threadRole`, `cannotManage`, `channelGone`.
	 */
	public async add(ticket: TicketRecord, actor: TicketActor, target: { id: string; role: boolean }): Promise<void> {
		const { ctx } = this.service;
		await this.#staffTicket(ticket, actor);
		if (target.role && target.id === ticket.guildId) throw translatedUserError('tickets:errors.everyoneRole');
		if (target.role && ticket.mode === 'thread') throw translatedUserError('tickets:errors.threadRole');
		const place = await this.#place(ticket);
		try {
			if (place.isThread()) await place.members.add(target.id);
			else if (place.type === ChannelType.GuildText) {
				await place.permissionOverwrites.edit(
					target.id,
					{ ViewChannel: true, SendMessages: true, ReadMessageHistory: true, AttachFiles: true, EmbedLinks: true },
					{ type: target.role ? OverwriteType.Role : OverwriteType.Member, reason: auditReason(`Ticket #${ticket.number}: added by ${actor.id}`) }
				);
			}
		} catch (error) {
			if (isPermissionError(error)) throw translatedUserError('tickets:errors.cannotManage');
			throw error;
		}
		const { t } = await ctx.translator(ticket.guildId);
		const mention = target.role ? `<@&${target.id}>` : `<@${target.id}>`;
		await place
			.send({ content: t('tickets:inside.added', { target: mention, by: `<@${actor.id}>` }), allowedMentions: target.role ? { parse: [] } : { users: [target.id], parse: [] } })
			.catch((error: unknown) => ctx.logger.warn(`Ticket ${ticket.id}: addition not announced (${String(error)})`));
		await logTicketEvent(this.service, ticket.guildId, { kind: 'add', ticket, actorId: actor.id, target });
	}

	/**
	 * Takes a member's own access to a ticket away (staff only): their member overwrite (channel mode; access through
	 * a role stays) or their thread membership. The opener cannot be removed, nor the bot. Logged to the staff log.
	 * @throws UserError `notOpen`, `staffOnly`, `cannotRemoveOpener`, `cannotRemoveBot`, `cannotManage`, `channelGone`.
	 */
	public async remove(ticket: TicketRecord, actor: TicketActor, userId: string): Promise<void> {
		const { ctx } = this.service;
		await this.#staffTicket(ticket, actor);
		if (userId === ticket.openerId) throw translatedUserError('tickets:errors.cannotRemoveOpener');
		if (userId === ctx.client.user?.id) throw translatedUserError('tickets:errors.cannotRemoveBot');
		const place = await this.#place(ticket);
		try {
			if (place.isThread()) await place.members.remove(userId);
			else if (place.type === ChannelType.GuildText && place.permissionOverwrites.cache.has(userId)) {
				await place.permissionOverwrites.delete(userId, auditReason(`Ticket #${ticket.number}: removed by ${actor.id}`));
			}
		} catch (error) {
			if (isPermissionError(error)) throw translatedUserError('tickets:errors.cannotManage');
			throw error;
		}
		const { t } = await ctx.translator(ticket.guildId);
		await place
			.send({ content: t('tickets:inside.removed', { target: `<@${userId}>`, by: `<@${actor.id}>` }), allowedMentions: { parse: [] } })
			.catch((error: unknown) => ctx.logger.warn(`Ticket ${ticket.id}: removal not announced (${String(error)})`));
		await logTicketEvent(this.service, ticket.guildId, { kind: 'remove', ticket, actorId: actor.id, target: { id: userId, role: false } });
	}

	/**
	 * Renames a ticket's channel or thread (staff only); the name is made valid for the mode (lib/naming.ts).
	 * Discord allows 2 renames (or topic changes) per channel every 10 minutes and answers more with a 429 whose wait is
	 * minutes long (Discord: 2 renames or topic changes per channel every 10 minutes): the request goes through a REST client that refuses to wait ({@link #rest}), and the wait is
	 * reported instead.
	 * @returns the name given.
	 * @throws UserError `notOpen`, `staffOnly`, `invalidName`, `rateLimited` (context `time`), `cannotManage`,
	 *   `channelGone`.
	 */
	public async rename(ticket: TicketRecord, actor: TicketActor, requested: string, locale: string): Promise<string> {
		await this.#staffTicket(ticket, actor);
		const name = renamedName(ticket.mode, requested);
		if (!name) throw translatedUserError('tickets:errors.invalidName');
		const place = await this.#place(ticket);
		await this.#editNoWait(place.id, { name }, locale, auditReason(`Ticket #${ticket.number}: renamed by ${actor.id}`));
		return name;
	}

	/**
	 * Sets a ticket channel's topic (staff only; channel mode: threads have no topic, so a thread ticket refuses it).
	 * Same rate limit as a rename ({@link rename}).
	 * @throws UserError `notOpen`, `staffOnly`, `topicInThread`, `rateLimited`, `cannotManage`, `channelGone`.
	 */
	public async topic(ticket: TicketRecord, actor: TicketActor, text: string, locale: string): Promise<void> {
		await this.#staffTicket(ticket, actor);
		if (ticket.mode === 'thread') throw translatedUserError('tickets:errors.topicInThread');
		const place = await this.#place(ticket);
		await this.#editNoWait(place.id, { topic: text }, locale, auditReason(`Ticket #${ticket.number}: topic set by ${actor.id}`));
	}

	/** PATCH /channels/{id} through the no-wait REST client, a rate limit reported as a translated wait. */
	async #editNoWait(channelId: string, body: { name: string } | { topic: string }, locale: string, reason: string): Promise<void> {
		try {
			await this.#rest().patch(Routes.channel(channelId), { body, reason });
		} catch (error) {
			if (error instanceof RateLimitError) {
				const waitMs = Math.max(error.retryAfter, error.sublimitTimeout, error.timeToReset);
				throw translatedUserError('tickets:errors.rateLimited', { time: formatDuration(Math.ceil(Math.max(waitMs, 1_000) / 60_000) * 60_000, locale) });
			}
			if (isPermissionError(error)) throw translatedUserError('tickets:errors.cannotManage');
			throw error;
		}
	}

	/**
	 * A REST client for renames and topic changes that throws a `RateLimitError` instead of waiting when Discord
	 * rate-limits the request (`rejectOnRateLimit`; discord.js's own client queues such a request for as long as
	 * Discord says, minutes for this sub-limit), with no retries, on the bot's token and API URL.
	 * Its own buckets: the bot's other requests keep waiting as usual.
	 */
	#rest(): REST {
		if (this.#noWaitRest) return this.#noWaitRest;
		const { client } = this.service.ctx;
		const rest = new REST({ api: client.rest.options.api, version: client.rest.options.version, rejectOnRateLimit: () => true, retries: 0, timeout: 10_000 });
		rest.setToken(client.token!);
		this.#noWaitRest = rest;
		return rest;
	}

	/**
	 * A staff member joins a thread-mode ticket from the staff log's Join button: added to its private thread if they
	 * hold a staff role of the type or Manage Server.
	 * @returns the thread's id.
	 * @throws UserError `ticketGone`, `notOpen`, `staffOnly`, `notThread`, `cannotManage`, `channelGone`.
	 */
	public async join(guildId: string, ticketId: number, actor: TicketActor): Promise<string> {
		const ticket = await store.findById(this.service.ctx.em(), ticketId);
		if (!ticket || ticket.guildId !== guildId) throw translatedUserError('tickets:errors.ticketGone');
		await this.#staffTicket(ticket, actor);
		if (ticket.mode !== 'thread') throw translatedUserError('tickets:errors.notThread', { channel: `<#${ticket.channelId}>` });
		const place = await this.#place(ticket);
		try {
			if (place.isThread()) await place.members.add(actor.id);
		} catch (error) {
			if (isPermissionError(error)) throw translatedUserError('tickets:errors.cannotManage');
			throw error;
		}
		return place.id;
	}

	// ------------------------------------------------------------------ repair

	/**
	 * After a restart, for one guild: each ticket still `opening` a minute after it began is repaired ({@link repair});
	 * a younger one gets its repair job (in case the one queued at open was lost); the Redis index of ticket channels
	 * (service/activity.ts) gets every open ticket. Open tickets whose channel is gone are left to service/closing.ts.
	 * @returns how many tickets were checked.
	 */
	public async reconcile(guildId: string): Promise<number> {
		const { ctx } = this.service;
		const now = ctx.clock.now();
		const opening = await store.ticketsInStatus(ctx.em(), guildId, ['opening']);
		let kept = 0;
		let removed = 0;
		for (const ticket of opening) {
			if (now - ticket.createdAt >= OPENING_STALE_MS) {
				const outcome = await this.repair(ticket.id);
				if (outcome === 'kept') kept++;
				else if (outcome === 'removed') removed++;
			} else {
				await ctx.tasks.schedule(OPENING_REPAIR_TASK, { guildId, payload: { ticketId: ticket.id }, at: ticket.createdAt + OPENING_STALE_MS, key: String(ticket.id) });
			}
		}
		const open = await store.ticketsInStatus(ctx.em(), guildId, ['open'], 1_000_000);
		const entries = open.flatMap((ticket) => (ticket.channelId ? [ticket.channelId, String(ticket.id)] : []));
		for (let start = 0; start < entries.length; start += 2_000) await ctx.redis.hset(this.service.activity.channelsKey, ...entries.slice(start, start + 2_000));
		if (opening.length > 0 || open.length > 0) {
			ctx.logger.info(`Tickets of guild ${guildId}: ${opening.length} open(s) cut short (${kept} kept, ${removed} removed, ${opening.length - kept - removed} left to their job), ${open.length} open ticket(s) indexed`);
		}
		return opening.length + open.length;
	}

	/**
	 * Settles a ticket left `opening` (its open was cut short by a crash): once it is a minute old, its channel or
	 * thread is looked for by the name the open gave it (in the type's category and its overflow categories, or the
	 * type's channel); found, the ticket is marked open there, indexed, welcomed and logged; not found, the row is
	 * removed. A ticket that is no longer `opening`, or younger than a minute (an open still running), is left alone.
	 * @returns what was done: `kept`, `removed`, or `none`.
	 */
	public async repair(ticketId: number): Promise<'kept' | 'removed' | 'none'> {
		const { ctx } = this.service;
		const ticket = await store.findById(ctx.em(), ticketId);
		if (ticket?.status !== 'opening' || ctx.clock.now() - ticket.createdAt < OPENING_STALE_MS) return 'none';
		const guild = await this.#guild(ticket.guildId);
		if (!guild) return 'none';
		const config = await this.service.config(ticket.guildId);
		const type = typeById(config, ticket.typeId) ?? null;
		const found = type ? await this.#findPlace(guild, ticket, type) : null;
		if (found) {
			const opened = await store.markOpen(ctx.em(), ticket.id, found.id, found.parentId);
			if (opened) {
				await this.#settle(guild, opened, type, ticket.openerId);
				ctx.logger.info(`Ticket ${ticket.id} (#${ticket.number}) of guild ${guild.id}: open cut short repaired, kept in ${found.id}`);
				return 'kept';
			}
			return 'none';
		}
		const removedRow = await store.removeOpening(ctx.em(), ticket.id);
		if (removedRow) ctx.logger.info(`Ticket ${ticket.id} (#${ticket.number}) of guild ${guild.id}: open cut short before its channel was made; removed`);
		return removedRow ? 'removed' : 'none';
	}

	/** The channel or thread an open cut short made, by its name, not yet any ticket's; null when none. */
	async #findPlace(guild: Guild, ticket: TicketRecord, type: TypeConfig): Promise<GuildBasedChannel | null> {
		const { ctx } = this.service;
		const opener = await ctx.client.users.fetch(ticket.openerId).catch(() => null);
		if (!opener) return null;
		const name = ticketName(type.mode, type.nameTemplate, { number: ticket.number, username: opener.username, type: type.name });
		let candidates: GuildBasedChannel[];
		if (type.mode === 'channel') {
			const base = type.categoryId ? guild.channels.cache.get(type.categoryId) : null;
			const parents = new Set<string | null>(base?.type === ChannelType.GuildCategory ? [base.id, ...overflowCategories(base, guild.channels.cache).map((entry) => entry.category.id)] : [null]);
			candidates = guild.channels.cache.filter((channel) => channel.type === ChannelType.GuildText && parents.has(channel.parentId) && channel.name === name).map((channel) => channel);
		} else {
			const active = await guild.channels.fetchActiveThreads().catch(() => null);
			candidates = (active?.threads ?? guild.channels.cache.filter((channel) => channel.isThread()))
				.filter((thread) => thread.type === ChannelType.PrivateThread && thread.parentId === type.channelId && thread.name === name)
				.map((thread) => thread as GuildBasedChannel);
		}
		for (const candidate of candidates) {
			if (!(await store.findByChannel(ctx.em(), candidate.id))) return candidate;
		}
		return null;
	}
}

/** An open's refusal. */
function refused(problem: OpenProblem): OpenOutcome {
	return { kind: 'refused', problem };
}

/** An audit log reason within Discord's 512 characters. */
function auditReason(text: string): string {
	return text.length <= REASON_MAX ? text : `${text.slice(0, REASON_MAX - 1)}…`;
}

/** Whether Discord refused for a missing permission or access (50013, 50001). */
function isPermissionError(error: unknown): boolean {
	return error instanceof DiscordAPIError && (error.code === RESTJSONErrorCodes.MissingPermissions || error.code === RESTJSONErrorCodes.MissingAccess);
}

declare module '../../../lib/tasks/types.js' {
	interface TaskPayloads {
		/** Settles a ticket left `opening` (service/opening.ts `repair`). */
		ticketsOpeningRepair: { ticketId: number };
	}
}
