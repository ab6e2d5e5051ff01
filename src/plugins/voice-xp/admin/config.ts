import { ChannelType, EmbedBuilder, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import type { VoiceXpConfig } from '../lib/config.js';
import { formatNumber, mention, NO_PINGS } from '../views/common.js';
import { currentConfig, saveConfig } from '../../../lib/commands/adminContext.js';
import { answer, type AdminContext, type AdminHandler } from './context.js';
import { assertGuildChannel } from './guards.js';

/**
 * `/xp config ...`: shows the guild's voice XP rules and changes them one at a time. Every change is validated by the
 * plugin's config schema through the core (an invalid value is answered with a translated error and nothing changes),
 * then applied to the live sessions from now on.
 */

/**
 * Applies a change atomically (read, change and write under the guild's settings row lock, so a concurrent `/xp config`
 * in any process is never lost: src/lib/commands/adminContext.ts `saveConfig`), then to the live sessions.
 * @returns the config before and after (equal when `change` returned undefined).
 * @throws UserError `core:errors.invalidConfig` when the result is invalid (nothing changes).
 */
async function save(context: AdminContext, change: (current: VoiceXpConfig) => Partial<VoiceXpConfig> | undefined): Promise<{ before: VoiceXpConfig; after: VoiceXpConfig }> {
	const saved = await saveConfig(context, change);
	if (saved.changed) await context.service.sessions.refreshConfig(context.interaction.guildId);
	return saved;
}

function current(context: AdminContext): Promise<VoiceXpConfig> {
	return currentConfig(context);
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
	const { after } = await save(context, () => ({ xpPerMinute: context.interaction.options.getInteger('value', true) }));
	await answer(context, [context.t('voice-xp:config.xpPerMinute', { value: formatNumber(context.locale, after.xpPerMinute) })]);
};

/** The channel option of exclude/include, and which list it belongs to. */
function excludable(context: AdminContext): { id: string; list: 'excludedChannelIds' | 'excludedCategoryIds' } {
	const channel = context.interaction.options.getChannel('channel', true);
	return { id: channel.id, list: channel.type === ChannelType.GuildCategory ? 'excludedCategoryIds' : 'excludedChannelIds' };
}

/**
 * `/xp config exclude channel`: no XP in that voice channel, or in every channel of that category.
 * @throws UserError (translated `voice-xp:errors.foreignChannel`) for a channel of another guild; nothing is stored.
 */
export const configExclude: AdminHandler = async (context) => {
	const { id, list } = excludable(context);
	await assertGuildChannel(context, id);
	const channel = mention.channel(id);
	const { before } = await save(context, (config) => (config[list].includes(id) ? undefined : { [list]: [...config[list], id] }));
	if (before[list].includes(id)) return answer(context, [context.t('voice-xp:config.alreadyExcluded', { channel })]);
	return answer(context, [context.t(list === 'excludedCategoryIds' ? 'voice-xp:config.excludedCategory' : 'voice-xp:config.excludedChannel', { channel })]);
};

/**
 * `/xp config include channel`: XP again in a channel or category excluded before. Not checked against the guild: it
 * only removes an id, so an id stored before exclude checked it can still be cleaned up.
 */
export const configInclude: AdminHandler = async (context) => {
	const { id, list } = excludable(context);
	const channel = mention.channel(id);
	const { before } = await save(context, (config) => (config[list].includes(id) ? { [list]: config[list].filter((excluded) => excluded !== id) } : undefined));
	if (!before[list].includes(id)) return answer(context, [context.t('voice-xp:config.notExcluded', { channel })]);
	return answer(context, [context.t('voice-xp:config.included', { channel })]);
};

/** `/xp config streaming-counts-alone enabled`: whether streaming or camera earns XP alone in a channel. */
export const configStreaming: AdminHandler = async (context) => {
	const enabled = context.interaction.options.getBoolean('enabled', true);
	await save(context, () => ({ streamingCountsAlone: enabled }));
	return answer(context, [context.t(enabled ? 'voice-xp:config.streamingOn' : 'voice-xp:config.streamingOff')]);
};

/** `/xp config afk-channel earns`: whether the guild's AFK channel earns XP. */
export const configAfk: AdminHandler = async (context) => {
	const earns = context.interaction.options.getBoolean('earns', true);
	await save(context, () => ({ afkChannelIneligible: !earns }));
	return answer(context, [context.t(earns ? 'voice-xp:config.afkEarns' : 'voice-xp:config.afkNoXp')]);
};

/**
 * `/xp config announcements mode [channel]`: off, a channel (the given one, else the one set before), or DMs.
 * Warns when the bot cannot post in the chosen channel.
 * @throws UserError (translated) for mode `channel` without any channel, or a given channel of another guild
 *   (`voice-xp:errors.foreignChannel`; nothing is stored).
 */
export const configAnnouncements: AdminHandler = async (context) => {
	const { interaction, t } = context;
	const mode = interaction.options.getString('mode', true) as VoiceXpConfig['levelUpAnnouncement'];
	const given = interaction.options.getChannel('channel');
	if (given) await assertGuildChannel(context, given.id);
	const { after } = await save(context, (config) => {
		const channelId = given?.id ?? config.announcementChannelId;
		if (mode === 'channel' && !channelId) throw translatedUserError('voice-xp:errors.announcementChannelNeeded');
		return { levelUpAnnouncement: mode, announcementChannelId: channelId };
	});
	const channelId = after.announcementChannelId;
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
	const { after } = await save(context, () => ({ flushIntervalSeconds: context.interaction.options.getInteger('seconds', true) }));
	return answer(context, [context.t('voice-xp:config.flushInterval', { seconds: after.flushIntervalSeconds })]);
};
