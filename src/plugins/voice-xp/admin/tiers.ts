import { MessageFlags } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { MAX_TIERS, type VoiceXpTier } from '../lib/config.js';
import { tierStatuses } from '../service/discordState.js';
import { formatNumber, formatTierProblems, mention } from '../views/common.js';
import { answer, type AdminContext, type AdminHandler } from './context.js';
import { assertGuildRole } from './guards.js';

/**
 * `/xp tiers add role minutes | remove role | list`: role tiers by total voice time. A member holds exactly the highest
 * tier reached. `add` and `remove` queue a tier sweep (service/tierSweep.ts) that brings every stored member of the
 * guild to the new list, including members not in voice and the holders of a removed tier; after that, roles follow
 * each flush (and `/xp add`, `/xp reset` at once). A tier whose role the bot cannot manage is accepted and reported,
 * with the reason, by `list`.
 */

async function tiersOf(context: AdminContext): Promise<VoiceXpTier[]> {
	return [...(await context.service.ctx.config(context.interaction.guildId)).tiers];
}

/**
 * Changes the guild's tiers atomically: `change` gets the current list inside the settings row lock (so two admins
 * adding tiers at once both keep theirs) and returns the new list, or throws a translated UserError to refuse. The
 * list is saved sorted by minimum, applied to the live sessions, and a sweep of every stored member is queued.
 * Defers the reply once saved (a refusal is answered directly; queueing may wait for Redis).
 * @returns the line telling the admin that the members' roles are being updated (or could not be queued).
 */
async function saveTiers(context: AdminContext, change: (tiers: VoiceXpTier[]) => VoiceXpTier[]): Promise<string> {
	const { interaction, logger, service: voiceXp } = context;
	let sorted: VoiceXpTier[] = [];
	await voiceXp.ctx.updateConfig(interaction.guildId, (config) => {
		sorted = change([...config.tiers]).sort((a, b) => a.minMinutes - b.minMinutes);
		return { tiers: sorted };
	});
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	await voiceXp.sessions.refreshConfig(interaction.guildId);
	logger.info(`/xp tiers by ${interaction.user.id}: ${JSON.stringify(sorted)}`);
	return sweepLine(context);
}

/** Queues a tier sweep of the admin's guild; the line that tells them (voice-xp:tiers.rolesUpdating | rolesNotQueued). */
export async function sweepLine(context: AdminContext): Promise<string> {
	const queued = await context.service.queueTierSweep(context.interaction.guildId, context.logger);
	return context.t(queued ? 'voice-xp:tiers.rolesUpdating' : 'voice-xp:tiers.rolesNotQueued');
}

/** Why the bot cannot manage a tier's role, as text, or '' when it can. */
function problemsOf(context: AdminContext, tier: VoiceXpTier): string {
	const guild = context.interaction.guild;
	if (!guild) return '';
	const [status] = tierStatuses(guild, [tier]);
	return status && status.problems.length ? formatTierProblems(context.t, status.problems) : '';
}

/**
 * `/xp tiers add role minutes`.
 * @throws UserError (translated) for a role of another guild (`voice-xp:errors.foreignRole`), @everyone, an
 *   integration's role, a role or minimum already used, or more than {@link MAX_TIERS} tiers; nothing changes.
 */
export const tiersAdd: AdminHandler = async (context) => {
	const { interaction, t, locale } = context;
	const role = interaction.options.getRole('role', true);
	const minutes = interaction.options.getInteger('minutes', true);
	await assertGuildRole(context, role.id);
	if (role.id === interaction.guildId) throw translatedUserError('voice-xp:errors.everyoneRole');
	if (role.managed) throw translatedUserError('voice-xp:errors.managedRole', { role: mention.role(role.id) });
	const tier = { roleId: role.id, minMinutes: minutes };
	const sweep = await saveTiers(context, (tiers) => {
		const sameRole = tiers.find((existing) => existing.roleId === role.id);
		if (sameRole) throw translatedUserError('voice-xp:errors.tierRoleTaken', { role: mention.role(role.id), minutes: formatNumber(locale, sameRole.minMinutes) });
		const sameMinimum = tiers.find((existing) => existing.minMinutes === minutes);
		if (sameMinimum) throw translatedUserError('voice-xp:errors.tierMinimumTaken', { role: mention.role(sameMinimum.roleId), minutes: formatNumber(locale, minutes) });
		if (tiers.length >= MAX_TIERS) throw translatedUserError('voice-xp:errors.tooManyTiers', { max: MAX_TIERS });
		return [...tiers, tier];
	});
	const problems = problemsOf(context, tier);
	await answer(context, [
		t('voice-xp:tiers.added', { role: mention.role(role.id), minutes: formatNumber(locale, minutes) }),
		problems ? t('voice-xp:tiers.addedBlocked', { reasons: problems }) : '',
		sweep
	]);
};

/**
 * `/xp tiers remove role`: the role stops being a tier; the sweep takes it from the members the bot gave it to and gives
 * them the next lower tier they reach. @throws UserError (translated) when the role is not a tier.
 */
export const tiersRemove: AdminHandler = async (context) => {
	const { interaction, t } = context;
	const role = interaction.options.getRole('role', true);
	const sweep = await saveTiers(context, (tiers) => {
		if (!tiers.some((tier) => tier.roleId === role.id)) throw translatedUserError('voice-xp:errors.notATier', { role: mention.role(role.id) });
		return tiers.filter((tier) => tier.roleId !== role.id);
	});
	await answer(context, [t('voice-xp:tiers.removed', { role: mention.role(role.id) }), sweep]);
};

/** `/xp tiers list`: each tier by minimum, and for those the bot cannot manage, why. */
export const tiersList: AdminHandler = async (context) => {
	const { interaction, t, locale } = context;
	const tiers = (await tiersOf(context)).sort((a, b) => a.minMinutes - b.minMinutes);
	if (tiers.length === 0) return answer(context, [t('voice-xp:tiers.none')]);
	const statuses = interaction.guild ? tierStatuses(interaction.guild, tiers) : [];
	const lines = tiers.map((tier, index) => {
		const problems = statuses[index]?.problems ?? [];
		const values = { role: mention.role(tier.roleId), minutes: formatNumber(locale, tier.minMinutes) };
		return problems.length ? t('voice-xp:tiers.lineBlocked', { ...values, reasons: formatTierProblems(t, problems) }) : t('voice-xp:tiers.line', values);
	});
	return answer(context, [t('voice-xp:tiers.listHeader'), ...lines]);
};
