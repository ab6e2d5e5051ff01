import { MessageFlags } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { adjustMemberXp, getMemberStats, resetMemberStats, voiceSecondsForXp } from '../lib/stats.js';
import { formatDuration, formatNumber, mention } from '../views/common.js';
import { answer, tierLine, type AdminContext } from './context.js';
import { isGuildMember } from './guards.js';
import { sweepLine } from './tiers.js';

/**
 * `/xp add user amount`: adds XP (negative removes it, the total never goes below 0). Level and XP into the level are
 * recomputed, and the member's voice time moves by what the amount is worth at the guild's rate (amount ÷ XP per
 * minute), so their tier follows: tier roles are brought up to date at once.
 * @throws UserError (translated) for a bot, an amount of 0, or a user who is not a member of the guild
 *   (`voice-xp:errors.notMember`: a hand-made request can name any user); nothing is stored.
 */
export async function xpAdd(context: AdminContext): Promise<void> {
	const { interaction, t, locale } = context;
	const user = interaction.options.getUser('user', true);
	const amount = interaction.options.getInteger('amount', true);
	if (user.bot) throw translatedUserError('voice-xp:errors.botTarget', { user: mention.user(user.id) });
	if (amount === 0) throw translatedUserError('voice-xp:errors.zeroAmount');
	if (!(await isGuildMember(context, user))) throw translatedUserError('voice-xp:errors.notMember', { user: mention.user(user.id) });
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	const { service: voiceXp } = context;
	const config = await voiceXp.ctx.config(interaction.guildId);
	const seconds = voiceSecondsForXp(amount, config.xpPerMinute);
	const { before, after } = await adjustMemberXp(voiceXp.ctx.em(), interaction.guildId, user.id, amount, seconds);
	await voiceXp.sessions.rankings.update([after]);
	const tier = interaction.guild ? await voiceXp.sessions.syncMemberTier(interaction.guild, user.id, after.voiceSeconds, after.tierRoleId) : null;
	context.logger.info(`/xp add ${amount} to ${user.id} by ${interaction.user.id}: ${before?.totalXp ?? 0} -> ${after.totalXp} XP, level ${before?.level ?? 0} -> ${after.level}`);
	const n = (value: number) => formatNumber(locale, value);
	await answer(context, [
		t('voice-xp:xp.add.done', {
			user: mention.user(user.id),
			amount: `${amount > 0 ? '+' : ''}${n(amount)}`,
			total: n(after.totalXp),
			level: n(after.level),
			previousLevel: n(before?.level ?? 0),
			into: n(after.xpIntoLevel),
			needed: n(after.xpForNextLevel)
		}),
		t('voice-xp:xp.add.voiceTime', { rate: n(config.xpPerMinute), time: formatDuration(t, after.voiceSeconds) }),
		tierLine(t, tier)
	]);
}

/**
 * `/xp reset user`: the member's XP, level and voice time go to zero (time they accrued in voice but not yet written
 * is dropped too), and their tier roles are removed.
 *
 * A user who is not a member of the guild: a former member who still has stored stats can be reset (members who leave
 * keep their stats; admins clean up after them, and nothing is created); anyone else is refused
 * (`voice-xp:errors.notMemberNoStats`) and nothing is stored.
 * @throws UserError (translated) for a bot, or a non-member without stored stats.
 */
export async function xpReset(context: AdminContext): Promise<void> {
	const { interaction, t, locale } = context;
	const user = interaction.options.getUser('user', true);
	if (user.bot) throw translatedUserError('voice-xp:errors.botTarget', { user: mention.user(user.id) });
	if (!(await isGuildMember(context, user)) && !(await getMemberStats(context.service.ctx.em(), interaction.guildId, user.id))) {
		throw translatedUserError('voice-xp:errors.notMemberNoStats', { user: mention.user(user.id) });
	}
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	const service = context.service.sessions;
	const change = await service.withoutPendingTime(interaction.guildId, user.id, () => resetMemberStats(context.service.ctx.em(), interaction.guildId, user.id));
	if (change) await service.rankings.update([change.after]);
	const tier = interaction.guild ? await service.syncMemberTier(interaction.guild, user.id, 0, change?.after.tierRoleId ?? null) : null;
	context.logger.info(`/xp reset of ${user.id} by ${interaction.user.id}: was ${change?.before?.totalXp ?? 0} XP, ${change?.before?.voiceSeconds ?? 0} s`);
	const line = change
		? t('voice-xp:xp.reset.done', { user: mention.user(user.id), total: formatNumber(locale, change.before!.totalXp), level: formatNumber(locale, change.before!.level) })
		: t('voice-xp:xp.reset.nothing', { user: mention.user(user.id) });
	await answer(context, [line, tierLine(t, tier)]);
}

/**
 * `/xp sync`: rebuilds the guild's live sessions from the voice states the gateway reports now, and queues a tier sweep
 * that brings every stored member's tier roles to the rule (service/tierSweep.ts).
 * @throws UserError (translated) when the guild is not in this process's cache.
 */
export async function xpSync(context: AdminContext): Promise<void> {
	const { interaction, t, locale } = context;
	if (!interaction.guild) throw translatedUserError('voice-xp:errors.guildUnavailable');
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	const counts = await context.service.sessions.rebuildGuild(interaction.guild);
	context.logger.info(`/xp sync by ${interaction.user.id}: ${counts.inVoice} in voice, ${counts.earning} earning`);
	const sweep = await sweepLine(context);
	await answer(context, [t('voice-xp:xp.sync.done', { inVoice: formatNumber(locale, counts.inVoice), earning: formatNumber(locale, counts.earning) }), sweep]);
}
