import { container } from '@sapphire/framework';
import { ChannelType, EmbedBuilder, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { voiceXpPlugin } from '../index.js';
import type { VoiceXpConfig } from '../lib/config.js';
import { voiceXp } from '../service/runtime.js';
import { formatNumber, mention, NO_PINGS } from '../views/common.js';
import { answer, type AdminContext, type AdminHandler } from './context.js';

/**
 * `/xp config ...`: shows the guild's voice XP rules and changes them one at a time. Every change is validated by the
 * plugin's config schema through the core (an invalid value is answered with a translated error and nothing changes),
 * then applied to the live sessions from now on.
 */

/** Writes a change and applies it to the live sessions. @throws UserError `core:errors.invalidConfig` when invalid. */
async function save(context: AdminContext, patch: Partial<VoiceXpConfig>): Promise<VoiceXpConfig> {
	const guildId = context.interaction.guildId;
	const config = (await container.settings.setPluginConfig(guildId, voiceXpPlugin, patch)) as VoiceXpConfig;
	await voiceXp().refreshConfig(guildId);
	context.logger.info(`/xp config by ${context.interaction.user.id}: ${JSON.stringify(patch)}`);
	return config;
}

async function current(context: AdminContext): Promise<VoiceXpConfig> {
	return container.settings.getPluginConfig(context.interaction.guildId, voiceXpPlugin) as Promise<VoiceXpConfig>;
}

/** `/xp config show`: every rule of the guild. */
export const configShow: AdminHandler = async (context) => {
	const { interaction, t, locale } = context;
	const config = await current(context);
	const afkChannelId = interaction.guild?.afkChannelId ?? null;
	const excluded = [...config.excludedChannelIds, ...config.excludedCategoryIds].map(mention.channel);
	const announcements =
		config.levelUpAnnouncement === 'channel' && config.announcementChannelId
			? t('voice-xp:config.show.announcementsChannel', { channel: mention.channel(config.announcementChannelId) })
			: t(`voice-xp:config.show.announcements_${config.levelUpAnnouncement}`);
	const embed = new EmbedBuilder().setTitle(t('voice-xp:config.show.title')).addFields(
		{ name: t('voice-xp:config.show.xpPerMinute'), value: formatNumber(locale, config.xpPerMinute), inline: true },
		{ name: t('voice-xp:config.show.flushInterval'), value: t('voice-xp:config.show.seconds', { seconds: config.flushIntervalSeconds }), inline: true },
		{
			name: t('voice-xp:config.show.afk'),
			value: t(config.afkChannelIneligible ? 'voice-xp:config.show.afkNoXp' : 'voice-xp:config.show.afkXp', {
				channel: afkChannelId ? mention.channel(afkChannelId) : t('voice-xp:config.show.noAfkChannel')
			})
		},
		{ name: t('voice-xp:config.show.excluded'), value: excluded.length ? excluded.join(', ') : t('voice-xp:config.show.none') },
		{ name: t('voice-xp:config.show.streaming'), value: t(config.streamingCountsAlone ? 'voice-xp:config.show.yes' : 'voice-xp:config.show.no'), inline: true },
		{ name: t('voice-xp:config.show.announcements'), value: announcements, inline: true },
		{ name: t('voice-xp:config.show.tiers'), value: t('voice-xp:config.show.tiersValue', { tiers: config.tiers.length }) }
	);
	await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral, ...NO_PINGS });
};

/** `/xp config xp-per-minute value`: the XP a member earns per eligible minute in voice. */
export const configXpPerMinute: AdminHandler = async (context) => {
	const config = await save(context, { xpPerMinute: context.interaction.options.getInteger('value', true) });
	await answer(context, [context.t('voice-xp:config.xpPerMinute', { value: formatNumber(context.locale, config.xpPerMinute) })]);
};

/** The channel option of exclude/include, and which list it belongs to. */
function excludable(context: AdminContext): { id: string; list: 'excludedChannelIds' | 'excludedCategoryIds' } {
	const channel = context.interaction.options.getChannel('channel', true);
	return { id: channel.id, list: channel.type === ChannelType.GuildCategory ? 'excludedCategoryIds' : 'excludedChannelIds' };
}

/** `/xp config exclude channel`: no XP in that voice channel, or in every channel of that category. */
export const configExclude: AdminHandler = async (context) => {
	const { id, list } = excludable(context);
	const config = await current(context);
	const channel = mention.channel(id);
	if (config[list].includes(id)) return answer(context, [context.t('voice-xp:config.alreadyExcluded', { channel })]);
	await save(context, { [list]: [...config[list], id] });
	return answer(context, [context.t(list === 'excludedCategoryIds' ? 'voice-xp:config.excludedCategory' : 'voice-xp:config.excludedChannel', { channel })]);
};

/** `/xp config include channel`: XP again in a channel or category excluded before. */
export const configInclude: AdminHandler = async (context) => {
	const { id, list } = excludable(context);
	const config = await current(context);
	const channel = mention.channel(id);
	if (!config[list].includes(id)) return answer(context, [context.t('voice-xp:config.notExcluded', { channel })]);
	await save(context, { [list]: config[list].filter((excluded) => excluded !== id) });
	return answer(context, [context.t('voice-xp:config.included', { channel })]);
};

/** `/xp config streaming-counts-alone enabled`: whether streaming or camera earns XP alone in a channel. */
export const configStreaming: AdminHandler = async (context) => {
	const enabled = context.interaction.options.getBoolean('enabled', true);
	await save(context, { streamingCountsAlone: enabled });
	return answer(context, [context.t(enabled ? 'voice-xp:config.streamingOn' : 'voice-xp:config.streamingOff')]);
};

/** `/xp config afk-channel earns`: whether the guild's AFK channel earns XP. */
export const configAfk: AdminHandler = async (context) => {
	const earns = context.interaction.options.getBoolean('earns', true);
	await save(context, { afkChannelIneligible: !earns });
	return answer(context, [context.t(earns ? 'voice-xp:config.afkEarns' : 'voice-xp:config.afkNoXp')]);
};

/**
 * `/xp config announcements mode [channel]`: off, a channel (the given one, else the one set before), or DMs.
 * Warns when the bot cannot post in the chosen channel.
 * @throws UserError (translated) for mode `channel` without any channel.
 */
export const configAnnouncements: AdminHandler = async (context) => {
	const { interaction, t } = context;
	const mode = interaction.options.getString('mode', true) as VoiceXpConfig['levelUpAnnouncement'];
	const given = interaction.options.getChannel('channel');
	const config = await current(context);
	const channelId = given?.id ?? config.announcementChannelId;
	if (mode === 'channel' && !channelId) throw translatedUserError('voice-xp:errors.announcementChannelNeeded');
	await save(context, { levelUpAnnouncement: mode, announcementChannelId: channelId });
	if (mode !== 'channel') return answer(context, [t(`voice-xp:config.announcements_${mode}`)]);
	const channel = interaction.guild?.channels.cache.get(channelId!);
	const me = interaction.guild?.members.me;
	const canPost = channel && me ? channel.permissionsFor(me).has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages]) : false;
	return answer(context, [
		t('voice-xp:config.announcements_channel', { channel: mention.channel(channelId!) }),
		canPost ? '' : t('voice-xp:config.cannotPost', { channel: mention.channel(channelId!) })
	]);
};

/** `/xp config flush-interval seconds`: how often voice XP is written (at most one interval is lost in a crash). */
export const configFlushInterval: AdminHandler = async (context) => {
	const config = await save(context, { flushIntervalSeconds: context.interaction.options.getInteger('seconds', true) });
	return answer(context, [context.t('voice-xp:config.flushInterval', { seconds: config.flushIntervalSeconds })]);
};
