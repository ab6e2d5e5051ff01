import { PermissionFlagsBits, type APIEmbed } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { MAX_PROTECTED_ROLES, type ModerationConfig } from '../lib/config.js';
import { formatDuration } from '../lib/durations.js';
import { answer, currentConfig, saveConfig, type ConfigCommandContext, type ConfigHandler } from './context.js';
import { stepText } from './escalation.js';

/**
 * `/moderation config show | mod-log | dm | warning-lifetime | require-reason | appeal-text` and
 * `/moderation protected-role add | remove`: the guild's moderation settings (lib/config.ts), shown and changed one at
 * a time. Every change goes through `ctx.updateConfig` (admin/context.ts `saveConfig`): refusals are translated
 * UserErrors thrown inside it, and the result is validated by the schema, so bad input changes nothing.
 */

/** The DM switches of the config, in the order they are shown (`dm.*` in lib/config.ts; a softban follows `kick`). */
export const DM_ACTIONS = ['warn', 'timeout', 'kick', 'ban'] as const;
export type DmAction = (typeof DM_ACTIONS)[number];

const DAY_MS = 86_400_000;
/** Discord's limit on an embed field's value: 1,024 characters. */
const FIELD_LIMIT = 1_024;

const channelMention = (id: string) => `<#${id}>`;
const roleMention = (id: string) => `<@&${id}>`;
const cut = (text: string, length: number) => (text.length <= length ? text : `${text.slice(0, length - 1)}…`);

/** Permissions the bot needs in the mod-log channel to post a case's embed. */
const MOD_LOG_PERMISSIONS = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks];

/** The settings embed of `/moderation config show`: every field of the config, in the guild's language. */
export function settingsEmbed(context: Pick<ConfigCommandContext, 't' | 'locale'>, config: ModerationConfig): APIEmbed {
	const { t, locale } = context;
	const none = t('moderation:config.show.none');
	const dm = DM_ACTIONS.map((action) =>
		t('moderation:config.show.dmLine', { action: t(`moderation:commands.moderation.choices.dm.${action}`), state: t(config.dm[action] ? 'moderation:config.show.on' : 'moderation:config.show.off') })
	);
	const steps = config.escalation.map((step) => `• ${stepText(t, locale, step)}`);
	return {
		title: t('moderation:config.show.title'),
		fields: [
			{ name: t('moderation:config.show.modLog'), value: config.modLogChannelId ? channelMention(config.modLogChannelId) : t('moderation:config.show.modLogOff'), inline: true },
			{ name: t('moderation:config.show.requireReason'), value: t(config.requireReason ? 'moderation:config.show.yes' : 'moderation:config.show.no'), inline: true },
			{
				name: t('moderation:config.show.warningLifetime'),
				value: config.warningLifetimeDays === 0 ? t('moderation:config.show.forever') : formatDuration(config.warningLifetimeDays * DAY_MS, locale),
				inline: true
			},
			{ name: t('moderation:config.show.dm'), value: dm.join('\n') },
			{ name: t('moderation:config.show.escalation'), value: cut(steps.length ? steps.join('\n') : none, FIELD_LIMIT) },
			{ name: t('moderation:config.show.protectedRoles'), value: cut(config.protectedRoleIds.length ? config.protectedRoleIds.map(roleMention).join(', ') : none, FIELD_LIMIT) },
			{ name: t('moderation:config.show.appealText'), value: cut(config.appealText ?? none, FIELD_LIMIT) }
		]
	};
}

/** `/moderation config show`: every setting. */
export const configShow: ConfigHandler = async (context) => {
	await answer(context, [], [settingsEmbed(context, await currentConfig(context))]);
};

/**
 * `/moderation config mod-log [channel]`: the channel that gets one embed per case; without a channel the mod log is
 * turned off. Warns (and still sets it) when the bot cannot post embeds there.
 */
export const configModLog: ConfigHandler = async (context) => {
	const { interaction, t } = context;
	const channel = interaction.options.getChannel('channel');
	await saveConfig(context, () => ({ modLogChannelId: channel?.id ?? null }));
	if (!channel) return answer(context, [t('moderation:config.modLogOff')]);
	const cached = interaction.guild?.channels.cache.get(channel.id);
	const me = interaction.guild?.members.me;
	const canPost = cached && me ? cached.permissionsFor(me).has(MOD_LOG_PERMISSIONS) : false;
	const mention = channelMention(channel.id);
	return answer(context, [t('moderation:config.modLogSet', { channel: mention }), canPost ? '' : t('moderation:config.modLogCannotPost', { channel: mention })]);
};

/** `/moderation config dm action enabled`: whether the member is told by DM about that action (`dm.<action>`). */
export const configDm: ConfigHandler = async (context) => {
	const { interaction, t } = context;
	const action = interaction.options.getString('action', true) as DmAction;
	if (!DM_ACTIONS.includes(action)) throw new TypeError(`Unknown DM action ${action}`); // Discord only sends the declared choices
	const enabled = interaction.options.getBoolean('enabled', true);
	await saveConfig(context, (config) => ({ dm: { ...config.dm, [action]: enabled } }));
	return answer(context, [t(enabled ? 'moderation:config.dmOn' : 'moderation:config.dmOff', { action: t(`moderation:config.dmActions.${action}`) })]);
};

/**
 * `/moderation config warning-lifetime days`: how long a warning counts (0 = forever). Applies to warnings given from
 * now on (a warning's expiry is set when it is given: docs/moderation.md, "Decay").
 */
export const configWarningLifetime: ConfigHandler = async (context) => {
	const { interaction, t, locale } = context;
	const { after } = await saveConfig(context, () => ({ warningLifetimeDays: interaction.options.getInteger('days', true) }));
	const days = after.warningLifetimeDays;
	return answer(context, [days === 0 ? t('moderation:config.lifetimeForever') : t('moderation:config.lifetime', { duration: formatDuration(days * DAY_MS, locale) })]);
};

/** `/moderation config require-reason enabled`: whether a moderator's action without a reason is refused. */
export const configRequireReason: ConfigHandler = async (context) => {
	const enabled = context.interaction.options.getBoolean('enabled', true);
	await saveConfig(context, () => ({ requireReason: enabled }));
	return answer(context, [context.t(enabled ? 'moderation:config.requireReasonOn' : 'moderation:config.requireReasonOff')]);
};

/**
 * `/moderation config appeal-text [text]`: the text added to ban DMs (at most 1,000 characters); empty or blank
 * clears it. A longer text is refused by the schema (`core:errors.invalidConfig`); Discord's client stops it first
 * (the option's max length).
 */
export const configAppealText: ConfigHandler = async (context) => {
	const { interaction, t } = context;
	const text = interaction.options.getString('text')?.trim() || null;
	const { after } = await saveConfig(context, () => ({ appealText: text }));
	return answer(context, [after.appealText === null ? t('moderation:config.appealCleared') : t('moderation:config.appealSet', { text: after.appealText })]);
};

/**
 * `/moderation protected-role add role`: members with the role cannot be targeted by any action (lib/hierarchy.ts).
 * @throws UserError `moderation:errors.everyoneProtected` (the @everyone role: nobody could be moderated),
 *   `moderation:errors.protectedRolesFull` (already 50, lib/config.ts).
 */
export const protectedRoleAdd: ConfigHandler = async (context) => {
	const { interaction, t } = context;
	const role = interaction.options.getRole('role', true);
	if (role.id === interaction.guildId) throw translatedUserError('moderation:errors.everyoneProtected');
	const { changed } = await saveConfig(context, (config) => {
		if (config.protectedRoleIds.includes(role.id)) return undefined;
		if (config.protectedRoleIds.length >= MAX_PROTECTED_ROLES) throw translatedUserError('moderation:errors.protectedRolesFull', { max: MAX_PROTECTED_ROLES });
		return { protectedRoleIds: [...config.protectedRoleIds, role.id] };
	});
	return answer(context, [t(changed ? 'moderation:config.roleProtected' : 'moderation:config.roleAlreadyProtected', { role: roleMention(role.id) })]);
};

/** `/moderation protected-role remove role`. @throws UserError `moderation:errors.roleNotProtected`. */
export const protectedRoleRemove: ConfigHandler = async (context) => {
	const { interaction, t } = context;
	const role = interaction.options.getRole('role', true);
	await saveConfig(context, (config) => {
		if (!config.protectedRoleIds.includes(role.id)) throw translatedUserError('moderation:errors.roleNotProtected', { role: roleMention(role.id) });
		return { protectedRoleIds: config.protectedRoleIds.filter((id) => id !== role.id) };
	});
	return answer(context, [t('moderation:config.roleUnprotected', { role: roleMention(role.id) })]);
};
