import { MessageFlags, PermissionFlagsBits, type GuildBasedChannel, type PermissionsString } from 'discord.js';
import { adminRun, isGuildRole, type AdminContext, type AdminHandler } from '../../../lib/commands/adminContext.js';
import { durationMs, formatDuration } from '../../../lib/durations.js';
import { translatedUserError } from '../../../lib/errors.js';
import { MAX_TYPES, slugSchema, type TicketsConfig } from '../lib/config.js';
import type { TicketService } from '../service/TicketService.js';

/**
 * What `/tickets` admins type, read and checked before anything changes (commands/tickets.ts): durations ("30m",
 * "1d 2h", parsed by src/lib/durations.ts), role lists ("<@&id> <@&id>" or ids, as /giveaway takes them), type id
 * lists ("support, report"), emoji, channel name templates; and how every `/tickets` handler is run.
 */

/** What every `/tickets` subcommand handler gets (src/lib/commands/adminContext.ts, typed for the tickets plugin). */
export type TicketsAdminContext = AdminContext<TicketService>;

/** A `/tickets` subcommand handler. */
export type TicketsHandler = AdminHandler<TicketService>;

/**
 * A handler as the `chatInputRun` of a subcommand mapping (src/lib/commands/adminContext.ts `adminRun`). With
 * `defer`, the (ephemeral) answer is deferred first: for subcommands that post, edit or delete panel messages or run
 * the stats queries, which may take longer than Discord's 3 seconds. A refusal after deferring is answered as an
 * ephemeral follow-up by the core.
 */
export function ticketsRun(handler: TicketsHandler, options: { defer?: boolean } = {}) {
	return adminRun<TicketService>(async (context) => {
		if (options.defer) await context.interaction.deferReply({ flags: MessageFlags.Ephemeral });
		return handler(context);
	});
}

/** Text shown as inline code; a backtick inside is shown as a look-alike so it cannot end the code span. */
export function code(text: string): string {
	return `\`${text.replaceAll('`', '\u02CB')}\``;
}

/** What an admin types to empty a text or list option of `/tickets type edit` (`-`). */
export const CLEAR = '-';

/** Whether an option's text asks to empty the field ({@link CLEAR}). */
export function isClear(text: string | null): boolean {
	return text !== null && text.trim() === CLEAR;
}

/** Bounds of a duration option, in seconds, and whether "0" turns the setting off. */
export interface DurationBounds {
	min: number;
	max: number;
	/** "0" is accepted and means off/none (returned as 0). */
	zeroAllowed?: boolean;
}

/**
 * Seconds of a duration option (src/lib/durations.ts: "30m", "1d 2h"; "0" alone is zero).
 * @throws UserError `tickets:admin.errors.badDuration` (context: `input`) when the text is not a duration,
 *   `tickets:admin.errors.durationRange` (context: `min`, `max`, written in the guild's language) outside the bounds.
 */
export function parseDurationSeconds(input: string, bounds: DurationBounds, locale: string): number {
	const ms = durationMs(input);
	if (ms === null) throw translatedUserError('tickets:admin.errors.badDuration', { input: code(input.trim().slice(0, 100)) });
	const seconds = Math.floor(ms / 1_000);
	if (seconds === 0 && bounds.zeroAllowed) return 0;
	if (seconds < bounds.min || seconds > bounds.max) {
		throw translatedUserError('tickets:admin.errors.durationRange', { min: formatDuration(bounds.min * 1_000, locale), max: formatDuration(bounds.max * 1_000, locale) });
	}
	return seconds;
}

/** A role mention (`<@&id>`) or a bare role id. */
const ROLE_TOKEN = /^(?:<@&(\d{17,20})>|(\d{17,20}))$/;

/**
 * The role ids of a role list option: mentions (`<@&id>`, what Discord's client writes for `@Role`) or ids, separated
 * by spaces or commas, repeats dropped; `-` is the empty list.
 * @param max most roles the list may hold (lib/config.ts bounds: 20 staff roles, 10 ping roles, 20 required roles).
 * @throws UserError `tickets:admin.errors.badRoleToken` (context: `token`) for anything else in the text,
 *   `tickets:admin.errors.tooManyRoles` (context: `max`).
 */
export function parseRoleList(input: string, max: number): string[] {
	if (isClear(input)) return [];
	const ids: string[] = [];
	for (const token of input.split(/[\s,]+/).filter(Boolean)) {
		const match = ROLE_TOKEN.exec(token);
		if (!match) throw translatedUserError('tickets:admin.errors.badRoleToken', { token: code(token.slice(0, 100)) });
		const id = (match[1] ?? match[2])!;
		if (!ids.includes(id)) ids.push(id);
	}
	if (ids.length > max) throw translatedUserError('tickets:admin.errors.tooManyRoles', { max });
	return ids;
}

/**
 * Refuses roles that are not of the interaction's guild (a typed id, or a hand-made request: see
 * src/lib/commands/adminContext.ts `isGuildRole`) and the guild's @everyone role (a staff, ping or required role that
 * is everyone means nothing or pings everyone).
 * @throws UserError `tickets:admin.errors.everyoneRole`, `tickets:admin.errors.foreignRole` (context: `role`).
 */
export async function assertGuildRoles(context: TicketsAdminContext, roleIds: readonly string[]): Promise<void> {
	for (const roleId of roleIds) {
		if (roleId === context.interaction.guildId) throw translatedUserError('tickets:admin.errors.everyoneRole');
		if (!(await isGuildRole(context.interaction, roleId))) throw translatedUserError('tickets:admin.errors.foreignRole', { role: `<@&${roleId}>` });
	}
}

/**
 * A type or panel id as typed: trimmed and lower-cased, then held to lib/config.ts `slugSchema` (1 to 32 lower-case
 * letters, digits or dashes, not starting with a dash).
 * @throws UserError `tickets:admin.errors.badId` (context: `id`).
 */
export function parseSlug(input: string): string {
	const id = input.trim().toLowerCase();
	if (!slugSchema.safeParse(id).success) throw translatedUserError('tickets:admin.errors.badId', { id: code(input.trim().slice(0, 40)) });
	return id;
}

/**
 * The type ids of a `types` option ("support, report" or "support report"), in the order given, repeats dropped, each
 * a type of the guild.
 * @throws UserError `tickets:admin.errors.noTypesGiven`, `tickets:admin.errors.unknownType` (context: `id`),
 *   `tickets:admin.errors.tooManyPanelTypes` (context: `max`: 25, a select menu's options).
 */
export function parseTypeIds(input: string, config: TicketsConfig): string[] {
	const ids: string[] = [];
	for (const token of input.split(/[\s,]+/).filter(Boolean)) {
		const id = token.toLowerCase();
		if (!config.types.some((type) => type.id === id)) throw translatedUserError('tickets:admin.errors.unknownType', { id: code(token.slice(0, 40)) });
		if (!ids.includes(id)) ids.push(id);
	}
	if (ids.length === 0) throw translatedUserError('tickets:admin.errors.noTypesGiven');
	if (ids.length > MAX_TYPES) throw translatedUserError('tickets:admin.errors.tooManyPanelTypes', { max: MAX_TYPES });
	return ids;
}

/** The type with this id in the config. @throws UserError `tickets:admin.errors.unknownType` (context: `id`). */
export function requireType(config: TicketsConfig, input: string): TicketsConfig['types'][number] {
	const id = input.trim().toLowerCase();
	const type = config.types.find((candidate) => candidate.id === id);
	if (!type) throw translatedUserError('tickets:admin.errors.unknownType', { id: code(input.trim().slice(0, 40)) });
	return type;
}

/** The panel with this id in the config. @throws UserError `tickets:admin.errors.unknownPanel` (context: `id`). */
export function requirePanel(config: TicketsConfig, input: string): TicketsConfig['panels'][number] {
	const id = input.trim().toLowerCase();
	const panel = config.panels.find((candidate) => candidate.id === id);
	if (!panel) throw translatedUserError('tickets:admin.errors.unknownPanel', { id: code(input.trim().slice(0, 40)) });
	return panel;
}

/** A custom emoji as Discord's client writes it: `<:name:id>` or, animated, `<a:name:id>`. */
export const CUSTOM_EMOJI = /^<(a?):(\w{2,32}):(\d{17,20})>$/;

/** One grapheme that is an emoji: a pictograph (with its modifiers and joiners), a flag or a keycap. */
const UNICODE_EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3)/u;

/**
 * An emoji option: a custom emoji (`<:name:id>`, what Discord's client writes for `:name:`) or one unicode emoji.
 * @throws UserError `tickets:admin.errors.badEmoji` (context: `input`).
 */
export function parseEmoji(input: string): string {
	const text = input.trim();
	if (CUSTOM_EMOJI.test(text)) return text;
	const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)];
	if (graphemes.length === 1 && UNICODE_EMOJI.test(text)) return text;
	throw translatedUserError('tickets:admin.errors.badEmoji', { input: code(text.slice(0, 64)) });
}

/** Placeholders a channel name template may use (lib/config.ts `nameTemplate`). */
export const TEMPLATE_PLACEHOLDERS = ['{number}', '{username}', '{type}'] as const;

/**
 * A channel name template: 1 to 100 characters, only the placeholders `{number}`, `{username}`, `{type}` in braces.
 * @throws UserError `tickets:admin.errors.badTemplate` (context: `placeholders`).
 */
export function parseNameTemplate(input: string): string {
	const text = input.trim();
	if (text === '' || text.length > 100 || /[{}]/.test(text.replace(/\{(?:number|username|type)\}/g, ''))) {
		throw translatedUserError('tickets:admin.errors.badTemplate', { placeholders: TEMPLATE_PLACEHOLDERS.join(' ') });
	}
	return text;
}

/** The permissions of `permissions` the bot lacks in a channel or category of its guild (all of them if unknown). */
export function botMissing(channel: GuildBasedChannel, permissions: readonly PermissionsString[]): PermissionsString[] {
	const me = channel.guild.members.me;
	if (!me) return [...permissions];
	return channel.permissionsFor(me).missing([...permissions]);
}

/** The permissions of `permissions` the bot lacks in the guild itself (for things made at the top of the channel list). */
export function botMissingInGuild(context: TicketsAdminContext, permissions: readonly PermissionsString[]): PermissionsString[] {
	const me = context.interaction.guild?.members.me ?? context.service.ctx.client.guilds.cache.get(context.interaction.guildId)?.members.me;
	if (!me) return [...permissions];
	return me.permissions.missing([...permissions]);
}

/** Whether the interaction's member has Manage Server (what `/tickets` needs; autocomplete checks it itself). */
export function hasManageGuild(memberPermissions: { has(bit: bigint): boolean } | null): boolean {
	return memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
}

/**
 * A channel of the interaction's guild from the bot's cache: the channel options' resolved channel is added to the
 * guild's cache by discord.js whatever guild it belongs to, so the client-wide cache's `guildId` is checked.
 * @returns the channel, or null when it is not a channel of this guild the bot knows.
 */
export function guildChannel(context: TicketsAdminContext, channelId: string): GuildBasedChannel | null {
	const channel = context.service.ctx.client.channels.cache.get(channelId);
	if (!channel || !('guildId' in channel) || channel.guildId !== context.interaction.guildId) return null;
	return channel as GuildBasedChannel;
}
