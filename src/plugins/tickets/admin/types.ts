import { ChannelType } from 'discord.js';
import { answer, currentConfig, saveConfig } from '../../../lib/commands/adminContext.js';
import { formatDuration } from '../../../lib/durations.js';
import { translatedUserError } from '../../../lib/errors.js';
import { formatPermissions, type Translate } from '../../../lib/i18n.js';
import { MAX_QUESTIONS, MAX_TYPES, type TicketQuestion, type TicketsConfig } from '../lib/config.js';
// What opening a ticket needs there (service/channels.ts): `type add|edit` checks the same list.
import { CHANNEL_MODE_PERMISSIONS, THREAD_MODE_PERMISSIONS } from '../service/channels.js';
import { refreshPanelsShowing } from '../service/panels.js';
import { openTicketsOfType } from '../service/stats.js';
import {
	botMissing,
	botMissingInGuild,
	code,
	guildChannel,
	isClear,
	assertGuildRoles,
	parseDurationSeconds,
	parseEmoji,
	parseNameTemplate,
	parseRoleList,
	parseSlug,
	requireType,
	type TicketsAdminContext,
	type TicketsHandler
} from './inputs.js';
import { refreshProblems } from './panels.js';

/**
 * `/tickets type add | edit | remove | list` and `/tickets question add | remove` (commands/tickets.ts): the guild's
 * ticket types (lib/config.ts `ticketTypeSchema`) and their questions. Every option is read and checked before the
 * config is written (atomically, `saveConfig`), so a refusal changes nothing:
 *
 * - where tickets go: channel mode needs a category the bot can View, Manage Channels and Manage Roles in (the ticket
 *   channel is made there with its overwrites), or none (top of the channel list: the same permissions server-wide);
 *   thread mode needs a text channel where the bot can View, Create Private Threads and Send Messages in Threads;
 * - role lists (`staff-roles`, `ping-roles`, `required-roles`) are mentions or ids of this guild's roles, `-` empties
 *   one in `edit`; `emoji` is one unicode emoji or a custom `<:name:id>`; `description` `-` clears it;
 * - limits: `max-open` per member (1 to 50), `max-total` (0: no limit), `cooldown` (a duration, 0: none, at most 30
 *   days); `claim-locks`: while claimed only the claimer, the opener and admins may write.
 *
 * A type shown on a panel cannot be removed (take it off the panel first: `/tickets panel edit types`), nor one with
 * open tickets (close them first): their staff roles and questions come from the type. Editing a type's name, emoji or
 * description re-renders every panel showing it.
 */


/** Most staff roles, ping roles and required roles of a type (lib/config.ts bounds). */
const MAX_STAFF_ROLES = 20;
const MAX_PING_ROLES = 10;
const MAX_REQUIRED_ROLES = 20;

/** Longest cooldown between two tickets of a member: 30 days, in seconds (lib/config.ts `cooldownSeconds`). */
const MAX_COOLDOWN_SECONDS = 30 * 86_400;

type TypeConfig = TicketsConfig['types'][number];

/** Where a type's tickets go, checked. */
interface Location {
	mode: 'channel' | 'thread';
	categoryId: string | null;
	channelId: string | null;
}

/**
 * Checks where a type's tickets would go (rules in the file's comment).
 * @throws UserError `tickets:admin.errors.channelForThreads`, `categoryForChannels`, `notCategory`,
 *   `categoryPermissions`, `topLevelPermissions`, `threadNeedsChannel`, `threadChannelType`, `threadPermissions`.
 */
function checkLocation(context: TicketsAdminContext, location: Location): Location {
	const { t } = context;
	if (location.mode === 'channel') {
		if (location.channelId !== null) throw translatedUserError('tickets:admin.errors.channelForThreads');
		if (location.categoryId === null) {
			const missing = botMissingInGuild(context, CHANNEL_MODE_PERMISSIONS);
			if (missing.length > 0) throw translatedUserError('tickets:admin.errors.topLevelPermissions', { permissions: formatPermissions(t, missing) });
			return location;
		}
		const category = guildChannel(context, location.categoryId);
		if (!category || category.type !== ChannelType.GuildCategory) throw translatedUserError('tickets:admin.errors.notCategory', { channel: `<#${location.categoryId}>` });
		const missing = botMissing(category, CHANNEL_MODE_PERMISSIONS);
		if (missing.length > 0) throw translatedUserError('tickets:admin.errors.categoryPermissions', { category: `<#${category.id}>`, permissions: formatPermissions(t, missing) });
		return location;
	}
	if (location.categoryId !== null) throw translatedUserError('tickets:admin.errors.categoryForChannels');
	if (location.channelId === null) throw translatedUserError('tickets:admin.errors.threadNeedsChannel');
	const channel = guildChannel(context, location.channelId);
	if (!channel || channel.type !== ChannelType.GuildText) throw translatedUserError('tickets:admin.errors.threadChannelType', { channel: `<#${location.channelId}>` });
	const missing = botMissing(channel, THREAD_MODE_PERMISSIONS);
	if (missing.length > 0) throw translatedUserError('tickets:admin.errors.threadPermissions', { channel: `<#${channel.id}>`, permissions: formatPermissions(t, missing) });
	return location;
}

/** The fields of a type the options of `add` and `edit` share, as given (null: not given). */
interface TypeFields {
	name?: string;
	emoji?: string | null;
	description?: string | null;
	staffRoleIds?: string[];
	pingRoleIds?: string[];
	requiredRoleIds?: string[];
	nameTemplate?: string;
	maxOpenPerMember?: number;
	maxOpenTotal?: number | null;
	cooldownSeconds?: number;
	claimRestrictsWriting?: boolean;
}

/**
 * Reads and checks the optional options `add` and `edit` share; only those given are in the result. In `edit`, `-`
 * clears `emoji` and `description` and empties a role list.
 * @throws UserError of admin/inputs.ts (`badEmoji`, `badRoleToken`, `tooManyRoles`, `everyoneRole`, `foreignRole`,
 *   `badTemplate`, `badDuration`, `durationRange`), `tickets:admin.errors.emptyName`.
 */
async function readTypeFields(context: TicketsAdminContext): Promise<TypeFields> {
	const { options } = context.interaction;
	const fields: TypeFields = {};
	const name = options.getString('name');
	if (name !== null) {
		if (name.trim() === '') throw translatedUserError('tickets:admin.errors.emptyName');
		fields.name = name.trim();
	}
	const emoji = options.getString('emoji');
	if (emoji !== null) fields.emoji = isClear(emoji) ? null : parseEmoji(emoji);
	const description = options.getString('description');
	if (description !== null) fields.description = isClear(description) ? null : description.trim() || null;
	const staff = options.getString('staff-roles');
	if (staff !== null) fields.staffRoleIds = parseRoleList(staff, MAX_STAFF_ROLES);
	const ping = options.getString('ping-roles');
	if (ping !== null) fields.pingRoleIds = parseRoleList(ping, MAX_PING_ROLES);
	const required = options.getString('required-roles');
	if (required !== null) fields.requiredRoleIds = parseRoleList(required, MAX_REQUIRED_ROLES);
	await assertGuildRoles(context, [...(fields.staffRoleIds ?? []), ...(fields.pingRoleIds ?? []), ...(fields.requiredRoleIds ?? [])]);
	const template = options.getString('name-template');
	if (template !== null) fields.nameTemplate = parseNameTemplate(template);
	const maxOpen = options.getInteger('max-open');
	if (maxOpen !== null) fields.maxOpenPerMember = maxOpen;
	const maxTotal = options.getInteger('max-total');
	if (maxTotal !== null) fields.maxOpenTotal = maxTotal === 0 ? null : maxTotal;
	const cooldown = options.getString('cooldown');
	if (cooldown !== null) fields.cooldownSeconds = parseDurationSeconds(cooldown, { min: 1, max: MAX_COOLDOWN_SECONDS, zeroAllowed: true }, context.locale);
	const claimLocks = options.getBoolean('claim-locks');
	if (claimLocks !== null) fields.claimRestrictsWriting = claimLocks;
	return fields;
}

/**
 * `/tickets type add id name mode [category] [channel] [emoji] [description] [staff-roles] [ping-roles]
 * [required-roles] [name-template] [max-open] [max-total] [cooldown] [claim-locks]`.
 * @throws UserError `tickets:admin.errors.badId`, `typeExists`, `tooManyTypes`, the location's and the fields' refusals.
 */
export const typeAdd: TicketsHandler = async (context) => {
	const { interaction, t } = context;
	const { options } = interaction;
	const id = parseSlug(options.getString('id', true));
	const mode = options.getString('mode', true) === 'thread' ? 'thread' : 'channel';
	const location = checkLocation(context, { mode, categoryId: options.getChannel('category')?.id ?? null, channelId: options.getChannel('channel')?.id ?? null });
	const fields = await readTypeFields(context);
	if (fields.name === undefined) throw translatedUserError('tickets:admin.errors.emptyName');
	const type = { id, ...fields, name: fields.name, ...location };
	await saveConfig(context, (current) => {
		if (current.types.some((candidate) => candidate.id === id)) throw translatedUserError('tickets:admin.errors.typeExists', { id: code(id) });
		if (current.types.length >= MAX_TYPES) throw translatedUserError('tickets:admin.errors.tooManyTypes', { max: MAX_TYPES });
		return { types: [...current.types, type] };
	});
	return answer(context, [t('tickets:admin.types.added', { id: code(id), name: type.name, where: whereText(t, location) })]);
};

/**
 * `/tickets type edit id [name] [mode] [category] [channel] ...`: the options given change, the others are kept. A
 * change of mode, category or channel is checked like `add`'s (switching to thread mode needs a channel, given now or
 * kept from before). Panels showing the type are re-rendered when its name, emoji or description changed.
 * @throws UserError `tickets:admin.errors.unknownType`, `nothingToChange`, the location's and the fields' refusals.
 */
export const typeEdit: TicketsHandler = async (context) => {
	const { interaction, t, service } = context;
	const { options } = interaction;
	const existing = requireType(await currentConfig(context), options.getString('id', true));
	const mode = options.getString('mode');
	const category = options.getChannel('category')?.id ?? null;
	const channel = options.getChannel('channel')?.id ?? null;
	let location: Location | undefined;
	if (mode !== null || category !== null || channel !== null) {
		const finalMode = mode === null ? existing.mode : mode === 'thread' ? 'thread' : 'channel';
		location =
			finalMode === 'channel'
				? checkLocation(context, { mode: finalMode, categoryId: category ?? existing.categoryId, channelId: channel })
				: checkLocation(context, { mode: finalMode, categoryId: category, channelId: channel ?? existing.channelId });
	}
	const fields = await readTypeFields(context);
	if (location === undefined && Object.keys(fields).length === 0) throw translatedUserError('tickets:admin.errors.nothingToChange');
	await saveConfig(context, (current) => {
		const type = requireType(current, existing.id);
		const edited = { ...type, ...fields, ...(location ?? {}) };
		return { types: current.types.map((candidate) => (candidate.id === type.id ? edited : candidate)) };
	});
	const lines = [t('tickets:admin.types.edited', { id: code(existing.id) })];
	if (fields.name !== undefined || fields.emoji !== undefined || fields.description !== undefined) {
		const results = await refreshPanelsShowing(service, t, interaction.guildId, [existing.id]);
		const shown = results.filter((result) => result.outcome === 'edited' || result.outcome === 'reposted').length;
		if (shown > 0) lines.push(t('tickets:admin.types.panelsUpdated', { count: shown }));
		lines.push(...refreshProblems(t, results));
	}
	return answer(context, lines);
};

/**
 * `/tickets type remove id`: refused while a panel shows the type (named) or tickets of it are open (counted).
 * @throws UserError `tickets:admin.errors.unknownType`, `typeOnPanels`, `typeHasOpenTickets`.
 */
export const typeRemove: TicketsHandler = async (context) => {
	const { interaction, t, service } = context;
	const id = requireType(await currentConfig(context), interaction.options.getString('id', true)).id;
	const open = await openTicketsOfType(service.ctx.em(), interaction.guildId, id);
	if (open > 0) throw translatedUserError('tickets:admin.errors.typeHasOpenTickets', { id: code(id), count: open });
	await saveConfig(context, (current) => {
		requireType(current, id);
		const panels = current.panels.filter((panel) => panel.typeIds.includes(id));
		if (panels.length > 0) throw translatedUserError('tickets:admin.errors.typeOnPanels', { id: code(id), panels: panels.map((panel) => code(panel.id)).join(', ') });
		return { types: current.types.filter((type) => type.id !== id) };
	});
	return answer(context, [t('tickets:admin.types.removed', { id: code(id) })]);
};

/** Where a type's tickets go, in words. */
function whereText(t: Translate, location: Location): string {
	if (location.mode === 'thread') return t('tickets:admin.types.whereThread', { channel: `<#${location.channelId}>` });
	return location.categoryId ? t('tickets:admin.types.whereCategory', { category: `<#${location.categoryId}>` }) : t('tickets:admin.types.whereTop');
}

const roleMentions = (ids: readonly string[]) => ids.map((id) => `<@&${id}>`).join(', ');

/** One line of a question: number, label, style, required, lengths. */
function questionLine(t: Translate, question: TicketsConfig['types'][number]['questions'][number], index: number): string {
	return t('tickets:admin.types.questionLine', {
		index: index + 1,
		label: question.label,
		style: t(`tickets:admin.types.style.${question.style}`),
		required: question.required ? t('tickets:admin.types.required') : t('tickets:admin.types.optional'),
		min: question.minLength,
		max: question.maxLength
	});
}

/** Every setting of one type, one line each. */
function typeDetails(t: Translate, locale: string, config: TicketsConfig, type: TypeConfig): string[] {
	const none = t('tickets:admin.types.none');
	const panels = config.panels.filter((panel) => panel.typeIds.includes(type.id)).map((panel) => code(panel.id));
	return [
		t('tickets:admin.types.detailTitle', { id: code(type.id), emoji: type.emoji ?? '', name: type.name }),
		t('tickets:admin.types.detailDescription', { description: type.description ?? none }),
		t('tickets:admin.types.detailWhere', { where: whereText(t, type) }),
		t('tickets:admin.types.detailStaff', { roles: type.staffRoleIds.length > 0 ? roleMentions(type.staffRoleIds) : none }),
		t('tickets:admin.types.detailPing', { roles: type.pingRoleIds.length > 0 ? roleMentions(type.pingRoleIds) : none }),
		t('tickets:admin.types.detailRequired', { roles: type.requiredRoleIds.length > 0 ? roleMentions(type.requiredRoleIds) : t('tickets:admin.types.anyone') }),
		t('tickets:admin.types.detailTemplate', { template: code(type.nameTemplate) }),
		t('tickets:admin.types.detailLimits', {
			perMember: type.maxOpenPerMember,
			total: type.maxOpenTotal ?? t('tickets:admin.types.noLimit'),
			cooldown: type.cooldownSeconds > 0 ? formatDuration(type.cooldownSeconds * 1_000, locale) : none
		}),
		type.claimRestrictsWriting ? t('tickets:admin.types.claimLocks') : t('tickets:admin.types.claimOpen'),
		t('tickets:admin.types.detailPanels', { panels: panels.length > 0 ? panels.join(', ') : none }),
		type.questions.length > 0 ? t('tickets:admin.types.questions', { count: type.questions.length, max: MAX_QUESTIONS }) : t('tickets:admin.types.noQuestions'),
		...type.questions.map((question, index) => questionLine(t, question, index))
	];
}

/** `/tickets type list [id]`: every type, one line each; with `id`, every setting of that type and its questions. */
export const typeList: TicketsHandler = async (context) => {
	const { interaction, t, locale } = context;
	const config = await currentConfig(context);
	const id = interaction.options.getString('id');
	if (id !== null) return answer(context, typeDetails(t, locale, config, requireType(config, id)));
	if (config.types.length === 0) return answer(context, [t('tickets:admin.types.empty')]);
	return answer(context, [
		t('tickets:admin.types.title', { count: config.types.length, max: MAX_TYPES }),
		...config.types.map((type) =>
			t('tickets:admin.types.line', {
				id: code(type.id),
				emoji: type.emoji ?? '',
				name: type.name,
				where: whereText(t, type),
				staff: type.staffRoleIds.length > 0 ? roleMentions(type.staffRoleIds) : t('tickets:admin.types.none'),
				questions: type.questions.length
			})
		)
	]);
};

/**
 * `/tickets question add type label [style] [required] [min] [max] [placeholder]`: a question of the type's open
 * modal (Discord's limits: 5 text inputs per modal, a label of 45 characters, answers up to 4,000 characters).
 * @throws UserError `tickets:admin.errors.unknownType`, `emptyLabel`, `minOverMax`, `tooManyQuestions`.
 */
export const questionAdd: TicketsHandler = async (context) => {
	const { interaction, t } = context;
	const { options } = interaction;
	const typeId = requireType(await currentConfig(context), options.getString('type', true)).id;
	const label = options.getString('label', true).trim();
	if (label === '') throw translatedUserError('tickets:admin.errors.emptyLabel');
	const minLength = options.getInteger('min') ?? 0;
	const maxLength = options.getInteger('max') ?? Math.max(1_000, minLength);
	if (minLength > maxLength) throw translatedUserError('tickets:admin.errors.minOverMax', { min: minLength, max: maxLength });
	const question: TicketQuestion = {
		label,
		style: options.getString('style') === 'paragraph' ? 'paragraph' : 'short',
		required: options.getBoolean('required') ?? true,
		placeholder: options.getString('placeholder')?.trim() || null,
		minLength,
		maxLength
	};
	const { after } = await saveConfig(context, (current) => {
		const type = requireType(current, typeId);
		if (type.questions.length >= MAX_QUESTIONS) throw translatedUserError('tickets:admin.errors.tooManyQuestions', { id: code(typeId), max: MAX_QUESTIONS });
		return { types: current.types.map((candidate) => (candidate.id === typeId ? { ...candidate, questions: [...candidate.questions, question] } : candidate)) };
	});
	const count = requireType(after, typeId).questions.length;
	return answer(context, [t('tickets:admin.types.questionAdded', { id: code(typeId), index: count, max: MAX_QUESTIONS }), questionLine(t, question, count - 1)]);
};

/**
 * `/tickets question remove type index`: removes the question at that place (1 is the first); the next ones move up.
 * @throws UserError `tickets:admin.errors.unknownType`, `noSuchQuestion`.
 */
export const questionRemove: TicketsHandler = async (context) => {
	const { interaction, t } = context;
	const { options } = interaction;
	const typeId = requireType(await currentConfig(context), options.getString('type', true)).id;
	const index = options.getInteger('index', true);
	const { before } = await saveConfig(context, (current) => {
		const type = requireType(current, typeId);
		if (index < 1 || index > type.questions.length) throw translatedUserError('tickets:admin.errors.noSuchQuestion', { id: code(typeId), index, count: type.questions.length });
		return { types: current.types.map((candidate) => (candidate.id === typeId ? { ...candidate, questions: candidate.questions.filter((_, at) => at !== index - 1) } : candidate)) };
	});
	const removed = requireType(before, typeId).questions[index - 1]!;
	return answer(context, [t('tickets:admin.types.questionRemoved', { id: code(typeId), index, label: removed.label })]);
};

/** Choices for an autocompleted type id: the guild's types whose id or name contains the text. */
export function typeChoices(config: TicketsConfig, typed: string): { name: string; value: string }[] {
	const needle = typed.trim().toLowerCase();
	return config.types
		.filter((type) => needle === '' || type.id.includes(needle) || type.name.toLowerCase().includes(needle))
		.slice(0, 25)
		.map((type) => ({ name: `${type.id} · ${type.name}`.slice(0, 100), value: type.id }));
}

