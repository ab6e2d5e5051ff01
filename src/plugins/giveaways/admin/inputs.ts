import { isGuildRole } from '../../../lib/commands/adminContext.js';
import { durationMs } from '../../../lib/durations.js';
import { translatedUserError } from '../../../lib/errors.js';
import { MAX_CLAIM_SECONDS } from '../lib/config.js';
import type { GiveawaysAdminContext } from './context.js';

/**
 * What `/giveaway` admins type, read and checked before anything changes: durations ("30m", "1w 2d", parsed by
 * src/lib/durations.ts) and role lists ("<@&id> <@&id>" or ids), each role checked to be one of this guild.
 */

/** Longest age requirement (account age, time in the server): 365 days, in seconds (the config's bound too). */
export const MAX_AGE_SECONDS = 365 * 86_400;

/** Shortest claim time: 1 minute, in seconds (lib/config.ts `defaultClaimSeconds` has the same bound). */
export const MIN_CLAIM_SECONDS = 60;

/** Most roles in one list of `required-roles` or `forbidden-roles`. */
export const MAX_LISTED_ROLES = 10;

/** Text shown as inline code; a backtick inside is shown as a look-alike so it cannot end the code span. */
export function code(text: string): string {
	return `\`${text.replaceAll('`', '\u02CB')}\``;
}

/**
 * Milliseconds of a duration option.
 * @throws UserError `giveaways:errors.badDurationText` (context: `input`) when the text is not a duration.
 */
export function parseDuration(input: string): number {
	const ms = durationMs(input);
	if (ms === null) throw translatedUserError('giveaways:errors.badDurationText', { input: code(input.trim().slice(0, 100)) });
	return ms;
}

/**
 * Seconds of an age requirement (`min-account-age`, `min-member-age`, `default-min-member-age`); "0" is none.
 * @throws UserError `giveaways:errors.badDurationText`, `giveaways:errors.badAge` (over 365 days).
 */
export function parseAge(input: string): number {
	const seconds = Math.floor(parseDuration(input) / 1_000);
	if (seconds > MAX_AGE_SECONDS) throw translatedUserError('giveaways:errors.badAge', { days: MAX_AGE_SECONDS / 86_400 });
	return seconds;
}

/**
 * Seconds of a claim time (`claim-time`, `default-claim-time`); "0" is null: winners need not claim.
 * @throws UserError `giveaways:errors.badDurationText`, `giveaways:errors.badClaimTime` (outside 1 minute to 7 days).
 */
export function parseClaimTime(input: string): number | null {
	const seconds = Math.floor(parseDuration(input) / 1_000);
	if (seconds === 0) return null;
	if (seconds < MIN_CLAIM_SECONDS || seconds > MAX_CLAIM_SECONDS) throw translatedUserError('giveaways:errors.badClaimTime');
	return seconds;
}

/** A role mention (`<@&id>`) or a bare role id. */
const ROLE_TOKEN = /^(?:<@&(\d{17,20})>|(\d{17,20}))$/;

/**
 * The role ids of a role list option: mentions (`<@&id>`) or ids, separated by spaces or commas, repeats dropped;
 * empty for no text.
 * @throws UserError `giveaways:errors.badRoleToken` (context: `token`) for anything else in the text,
 *   `giveaways:errors.tooManyRoles` (more than {@link MAX_LISTED_ROLES}).
 */
export function parseRoleList(input: string | null): string[] {
	const ids: string[] = [];
	for (const token of (input ?? '').split(/[\s,]+/).filter(Boolean)) {
		const match = ROLE_TOKEN.exec(token);
		if (!match) throw translatedUserError('giveaways:errors.badRoleToken', { token: code(token.slice(0, 100)) });
		const id = (match[1] ?? match[2])!;
		if (!ids.includes(id)) ids.push(id);
	}
	if (ids.length > MAX_LISTED_ROLES) throw translatedUserError('giveaways:errors.tooManyRoles', { max: MAX_LISTED_ROLES });
	return ids;
}

/**
 * Refuses a role that is not one of the interaction's guild (a typed id, or a hand-made request: see
 * src/lib/commands/adminContext.ts `isGuildRole`) and the guild's @everyone role (requiring it means nothing,
 * forbidding it shuts everyone out, a bonus for it is a bonus for all).
 * @throws UserError `giveaways:errors.everyoneRole`, `giveaways:errors.foreignRole` (context: `role`, a mention).
 */
export async function assertOwnRole(context: GiveawaysAdminContext, roleId: string): Promise<void> {
	if (roleId === context.interaction.guildId) throw translatedUserError('giveaways:errors.everyoneRole');
	if (!(await isGuildRole(context.interaction, roleId))) throw translatedUserError('giveaways:errors.foreignRole', { role: `<@&${roleId}>` });
}
