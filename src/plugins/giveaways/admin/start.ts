import { translatedUserError } from '../../../lib/errors.js';
import type { GiveawayBonus, GiveawayRequirements } from '../entities/Giveaway.js';
import { answer, currentConfig, jumpLink, relativeTime, type GiveawaysHandler } from './context.js';
import { assertOwnRole, parseAge, parseClaimTime, parseDuration, parseRoleList } from './inputs.js';

/**
 * `/giveaway start prize duration winners [channel] [description] [required-roles] [require-all-roles]
 * [forbidden-roles] [min-voice-level] [min-account-age] [min-member-age] [bonus-role] [bonus-entries] [claim-time]`:
 * every option read and checked first (durations, role lists, the bonus pair), then the service's `start` (winners 1
 * to 50, the guild's longest giveaway, a voice level only where voice-xp is on, a channel where the bot can post)
 * records it, posts the message with its Enter button and commitment, and schedules the end. Any refusal changes
 * nothing: the service posts nothing half-done.
 *
 * Role lists are text (`@Role @Other` mentions, which Discord's client writes as `<@&id>`, or ids, up to 10), each
 * checked to be a role of this guild; one option holds a whole list, where role options would hold one role each.
 * @throws UserError `giveaways:errors.emptyPrize`, `badDurationText`, `badAge`, `badClaimTime`, `badRoleToken`,
 *   `tooManyRoles`, `everyoneRole`, `foreignRole`, `roleConflict`, `bonusIncomplete`, and the service's `badWinners`,
 *   `badDuration`, `voiceLevelUnavailable`, `badChannel`, `cannotPost`.
 */
export const giveawayStart: GiveawaysHandler = async (context) => {
	const { interaction, t, service } = context;
	const { options } = interaction;
	const prize = options.getString('prize', true).trim();
	if (prize === '') throw translatedUserError('giveaways:errors.emptyPrize');
	const duration = parseDuration(options.getString('duration', true));
	const winnerCount = options.getInteger('winners', true);
	const channelId = options.getChannel('channel')?.id ?? interaction.channelId;
	const description = options.getString('description')?.trim() || null;
	const accountAge = options.getString('min-account-age');
	const memberAge = options.getString('min-member-age');
	const claimTime = options.getString('claim-time');
	const config = await currentConfig(context);
	const minAccountAgeSeconds = accountAge === null ? 0 : parseAge(accountAge);
	const minMemberAgeSeconds = memberAge === null ? config.defaultMinMemberAgeSeconds : parseAge(memberAge);
	const claimSeconds = claimTime === null ? undefined : parseClaimTime(claimTime);

	const bonusRole = options.getRole('bonus-role');
	const bonusEntries = options.getInteger('bonus-entries');
	if ((bonusRole === null) !== (bonusEntries === null)) throw translatedUserError('giveaways:errors.bonusIncomplete');
	const requiredRoleIds = parseRoleList(options.getString('required-roles'));
	const forbiddenRoleIds = parseRoleList(options.getString('forbidden-roles'));
	const conflict = requiredRoleIds.find((id) => forbiddenRoleIds.includes(id));
	if (conflict) throw translatedUserError('giveaways:errors.roleConflict', { role: `<@&${conflict}>` });
	for (const roleId of [...requiredRoleIds, ...forbiddenRoleIds, ...(bonusRole ? [bonusRole.id] : [])]) await assertOwnRole(context, roleId);

	const requirements: GiveawayRequirements = {
		requiredRoleIds,
		requireAllRoles: options.getBoolean('require-all-roles') ?? false,
		forbiddenRoleIds,
		minVoiceLevel: options.getInteger('min-voice-level'),
		minAccountAgeSeconds,
		minMemberAgeSeconds
	};
	const bonus: GiveawayBonus[] = bonusRole && bonusEntries !== null ? [{ roleId: bonusRole.id, entries: bonusEntries }] : [];
	const record = await service.start(interaction.guildId, {
		channelId,
		hostId: interaction.user.id,
		prize,
		description,
		winnerCount,
		durationMs: duration,
		requirements,
		bonus,
		...(claimSeconds === undefined ? {} : { claimSeconds })
	});
	context.logger.info(`/giveaway start by ${interaction.user.id}: #${record.number} in channel ${record.channelId}`);
	await answer(context, [
		t('giveaways:answers.started', {
			number: record.number,
			prize: record.prize,
			channel: `<#${record.channelId}>`,
			end: relativeTime(record.endsAt),
			link: jumpLink(record.guildId, record.channelId, record.messageId)
		})
	]);
};
