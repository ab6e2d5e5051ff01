import { answer, currentConfig, isGuildRole, saveConfig } from '../../../lib/commands/adminContext.js';
import { translatedUserError } from '../../../lib/errors.js';
import type { TicketsAdminContext, TicketsHandler } from './inputs.js';

/**
 * `/tickets blocklist add | remove member-or-role` and `/tickets blocklist list` (commands/tickets.ts): members and
 * roles who may not open tickets (lib/config.ts `blockedUserIds`, at most 1,000, and `blockedRoleIds`, at most 100).
 * The opening side refuses them with a translated reason. A member can be blocked whether or not they are in the
 * server now (Discord's client offers members; a member who left stays blocked if they come back).
 */

/** Most members on the blocklist (lib/config.ts `blockedUserIds` bound). */
export const MAX_BLOCKED_USERS = 1_000;

/** Most roles on the blocklist (lib/config.ts `blockedRoleIds` bound). */
export const MAX_BLOCKED_ROLES = 100;

/** What the `member-or-role` option names. */
type Target = { kind: 'role'; id: string } | { kind: 'user'; id: string };

/**
 * The member or role of the `member-or-role` option (a mentionable: Discord resolves it as a role or a user).
 * @throws UserError `tickets:admin.errors.everyoneRole`, `foreignRole` (context: `role`), `cannotBlockBot`.
 */
async function readTarget(context: TicketsAdminContext, checkRole: boolean): Promise<Target> {
	const { interaction } = context;
	const option = interaction.options.get('member-or-role', true);
	if (option.role) {
		const id = option.role.id;
		if (checkRole && id === interaction.guildId) throw translatedUserError('tickets:admin.errors.everyoneRole');
		if (checkRole && !(await isGuildRole(interaction, id))) throw translatedUserError('tickets:admin.errors.foreignRole', { role: `<@&${id}>` });
		return { kind: 'role', id };
	}
	const id = option.user?.id ?? String(option.value);
	if (checkRole && (option.user?.bot || id === interaction.client.user.id)) throw translatedUserError('tickets:admin.errors.cannotBlockBot');
	return { kind: 'user', id };
}

const mention = (target: Target) => (target.kind === 'role' ? `<@&${target.id}>` : `<@${target.id}>`);

/**
 * `/tickets blocklist add member-or-role`: the member or role may no longer open tickets (tickets open now stay open).
 * @throws UserError of {@link readTarget}, `tickets:admin.errors.blocklistFull` (context: `max`).
 */
export const blocklistAdd: TicketsHandler = async (context) => {
	const { t } = context;
	const target = await readTarget(context, true);
	const { changed } = await saveConfig(context, (current) => {
		const list = target.kind === 'role' ? current.blockedRoleIds : current.blockedUserIds;
		if (list.includes(target.id)) return undefined;
		const max = target.kind === 'role' ? MAX_BLOCKED_ROLES : MAX_BLOCKED_USERS;
		if (list.length >= max) throw translatedUserError('tickets:admin.errors.blocklistFull', { max });
		return target.kind === 'role' ? { blockedRoleIds: [...list, target.id] } : { blockedUserIds: [...list, target.id] };
	});
	return answer(context, [changed ? t('tickets:admin.blocklist.added', { target: mention(target) }) : t('tickets:admin.blocklist.alreadyBlocked', { target: mention(target) })]);
};

/** `/tickets blocklist remove member-or-role`: the member or role may open tickets again. */
export const blocklistRemove: TicketsHandler = async (context) => {
	const { t } = context;
	const target = await readTarget(context, false);
	const { changed } = await saveConfig(context, (current) => {
		const list = target.kind === 'role' ? current.blockedRoleIds : current.blockedUserIds;
		if (!list.includes(target.id)) return undefined;
		const rest = list.filter((id) => id !== target.id);
		return target.kind === 'role' ? { blockedRoleIds: rest } : { blockedUserIds: rest };
	});
	return answer(context, [changed ? t('tickets:admin.blocklist.removed', { target: mention(target) }) : t('tickets:admin.blocklist.notBlocked', { target: mention(target) })]);
};

/** `/tickets blocklist list`: the blocked roles, then the blocked members (cut to one message). */
export const blocklistList: TicketsHandler = async (context) => {
	const { t } = context;
	const config = await currentConfig(context);
	if (config.blockedRoleIds.length === 0 && config.blockedUserIds.length === 0) return answer(context, [t('tickets:admin.blocklist.empty')]);
	const lines = [t('tickets:admin.blocklist.title')];
	if (config.blockedRoleIds.length > 0) lines.push(t('tickets:admin.blocklist.roles', { count: config.blockedRoleIds.length, roles: config.blockedRoleIds.map((id) => `<@&${id}>`).join(', ') }));
	if (config.blockedUserIds.length > 0) lines.push(t('tickets:admin.blocklist.members', { count: config.blockedUserIds.length, members: config.blockedUserIds.map((id) => `<@${id}>`).join(', ') }));
	return answer(context, lines);
};
