import { PermissionFlagsBits } from 'discord.js';
import { formatDuration } from '../../../lib/durations.js';
import { translatedUserError } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import type { GiveawaysConfig } from '../lib/config.js';
import { answer, currentConfig, saveConfig, type GiveawaysHandler } from './context.js';
import { assertOwnRole, parseAge, parseClaimTime } from './inputs.js';

/** Every setting of the giveaways plugin (lib/config.ts), one line each, in the guild's language. */
export function configLines(t: Translate, locale: string, config: GiveawaysConfig): string[] {
	const span = (seconds: number) => formatDuration(seconds * 1_000, locale);
	return [
		config.managerRoleId ? t('giveaways:config.managerRole', { role: `<@&${config.managerRoleId}>` }) : t('giveaways:config.noManagerRole'),
		t('giveaways:config.maxDuration', { days: config.maxDurationDays }),
		config.defaultClaimSeconds === null ? t('giveaways:config.noDefaultClaim') : t('giveaways:config.defaultClaim', { duration: span(config.defaultClaimSeconds) }),
		config.defaultMinMemberAgeSeconds === 0
			? t('giveaways:config.noDefaultMemberAge')
			: t('giveaways:config.defaultMemberAge', { duration: span(config.defaultMinMemberAgeSeconds) })
	];
}

/**
 * `/giveaway config [manager-role] [no-manager-role] [max-duration-days] [default-claim-time] [default-min-member-age]`:
 * sets the options given (the others are kept) and shows every setting; without options, only shows them. Looking is
 * open to the manager role; changing needs Manage Server (a manager could otherwise hand the role's power to anyone).
 * Saved atomically (`ctx.updateConfig`): a refusal changes nothing.
 * @throws UserError `giveaways:errors.configNeedsManageGuild`, `managerRoleConflict`, `everyoneRole`, `foreignRole`,
 *   `badDurationText`, `badClaimTime`, `badAge`, `core:errors.invalidConfig` (outside the schema's bounds).
 */
export const giveawayConfig: GiveawaysHandler = async (context) => {
	const { interaction, t, locale } = context;
	const { options } = interaction;
	const managerRole = options.getRole('manager-role');
	const noManagerRole = options.getBoolean('no-manager-role') ?? false;
	const maxDurationDays = options.getInteger('max-duration-days');
	const claimTime = options.getString('default-claim-time');
	const memberAge = options.getString('default-min-member-age');
	const given = managerRole !== null || noManagerRole || maxDurationDays !== null || claimTime !== null || memberAge !== null;
	if (!given) return answer(context, [t('giveaways:config.title'), ...configLines(t, locale, await currentConfig(context))]);
	if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) throw translatedUserError('giveaways:errors.configNeedsManageGuild');
	if (managerRole && noManagerRole) throw translatedUserError('giveaways:errors.managerRoleConflict');
	if (managerRole) await assertOwnRole(context, managerRole.id);
	const defaultClaimSeconds = claimTime === null ? undefined : parseClaimTime(claimTime);
	const defaultMinMemberAgeSeconds = memberAge === null ? undefined : parseAge(memberAge);
	const { after } = await saveConfig(context, () => ({
		...(managerRole ? { managerRoleId: managerRole.id } : noManagerRole ? { managerRoleId: null } : {}),
		...(maxDurationDays === null ? {} : { maxDurationDays }),
		...(defaultClaimSeconds === undefined ? {} : { defaultClaimSeconds }),
		...(defaultMinMemberAgeSeconds === undefined ? {} : { defaultMinMemberAgeSeconds })
	}));
	return answer(context, [t('giveaways:config.saved'), ...configLines(t, locale, after)]);
};
