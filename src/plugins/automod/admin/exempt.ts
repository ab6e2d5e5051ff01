import type { PermissionsString } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import { dynamicKey, type Translate } from '../../../lib/i18n.js';
import { FILTER_NAMES, MAX_EXEMPT_IDS, type AutomodConfig, type Exemptions, type FilterName } from '../lib/config.js';
import { answer, currentConfig, saveConfig, type AutomodAdminContext, type AutomodHandler } from './context.js';
import { filterName, mention } from './format.js';
import { assertOwnChannel, assertOwnRole } from './guards.js';

/**
 * `/automod exempt add | remove | permission | list`: who the filters leave alone (lib/config.ts `exempt` for every
 * filter, `filters.<name>.exempt` for one). Roles and channels are checked to be the guild's before anything is stored;
 * changes go through `ctx.updateConfig`.
 */

/** The permissions `/automod exempt permission` offers (any of them exempts; Administrator always does). */
export const EXEMPT_PERMISSIONS = [
	'ManageMessages',
	'ModerateMembers',
	'KickMembers',
	'BanMembers',
	'ManageChannels',
	'ManageRoles',
	'ManageGuild',
	'MentionEveryone',
	'ManageThreads',
	'Administrator'
] as const satisfies readonly PermissionsString[];

/** The `filter` option: one filter, or null for the global exemptions. Discord only sends the declared choices. */
function readScope(context: AutomodAdminContext): FilterName | null {
	const name = context.interaction.options.getString('filter');
	if (name === null) return null;
	if (!(FILTER_NAMES as readonly string[]).includes(name)) throw new TypeError(`Unknown filter ${name}`);
	return name as FilterName;
}

/** The exemption list of a scope. */
function exemptionsOf(config: AutomodConfig, scope: FilterName | null): Exemptions {
	return scope === null ? config.exempt : config.filters[scope].exempt;
}

/** A config patch that replaces the exemption list of a scope with `next` (its other fields kept). */
function withExemptions(config: AutomodConfig, scope: FilterName | null, next: Partial<Exemptions>) {
	if (scope === null) return { exempt: { ...config.exempt, ...next } };
	const filter = config.filters[scope];
	return { filters: { ...config.filters, [scope]: { ...filter, exempt: { ...filter.exempt, ...next } } } };
}

/** "all filters" or "the word filter": where an exemption applies. */
function scopeText(t: Translate, scope: FilterName | null): string {
	return scope === null ? t('automod:lists.allFilters') : t('automod:lists.oneFilter', { filter: filterName(t, scope) });
}

/** The role and channel options, checked to be the guild's. @throws UserError `automod:errors.exemptNeedsTarget` and the guards' refusals. */
async function readTargets(context: AutomodAdminContext): Promise<{ roleId: string | null; channelId: string | null }> {
	const roleId = context.interaction.options.getRole('role')?.id ?? null;
	const channelId = context.interaction.options.getChannel('channel')?.id ?? null;
	if (roleId === null && channelId === null) throw translatedUserError('automod:errors.exemptNeedsTarget');
	if (roleId !== null) await assertOwnRole(context, roleId);
	if (channelId !== null) await assertOwnChannel(context, channelId);
	return { roleId, channelId };
}

/** The role and channel named, as mentions ("<@&1>, <#2>"). */
function targetsText(targets: { roleId: string | null; channelId: string | null }): string {
	return [targets.roleId && mention.role(targets.roleId), targets.channelId && mention.channel(targets.channelId)].filter(Boolean).join(', ');
}

/**
 * `/automod exempt add [role] [channel] [filter]`: exempts a role and/or a channel (a category exempts its channels)
 * from one filter, or from all of them without `filter`.
 * @throws UserError `automod:errors.exemptNeedsTarget` (neither given), `automod:errors.foreignRole` /
 *   `automod:errors.foreignChannel` / `automod:errors.everyoneRole`, `automod:errors.exemptFull` (50 per list);
 *   nothing changes.
 */
export const exemptAdd: AutomodHandler = async (context) => {
	const { t } = context;
	const scope = readScope(context);
	const targets = await readTargets(context);
	const { changed } = await saveConfig(context, (config) => {
		const current = exemptionsOf(config, scope);
		const roleIds = targets.roleId && !current.roleIds.includes(targets.roleId) ? [...current.roleIds, targets.roleId] : current.roleIds;
		const channelIds = targets.channelId && !current.channelIds.includes(targets.channelId) ? [...current.channelIds, targets.channelId] : current.channelIds;
		if (roleIds === current.roleIds && channelIds === current.channelIds) return undefined;
		if (roleIds.length > MAX_EXEMPT_IDS || channelIds.length > MAX_EXEMPT_IDS) throw translatedUserError('automod:errors.exemptFull', { max: MAX_EXEMPT_IDS });
		return withExemptions(config, scope, { roleIds, channelIds });
	});
	await answer(context, [t(changed ? 'automod:answers.exemptAdded' : 'automod:answers.exemptAlready', { targets: targetsText(targets), scope: scopeText(t, scope) })]);
};

/**
 * `/automod exempt remove [role] [channel] [filter]`: stops exempting a role and/or a channel.
 * @throws UserError `automod:errors.exemptNeedsTarget`, `automod:errors.exemptUnknown` (not on that list); nothing
 *   changes.
 */
export const exemptRemove: AutomodHandler = async (context) => {
	const { interaction, t } = context;
	const scope = readScope(context);
	// Removing needs no guild check: an id that is on the list can always come off it.
	const targets = { roleId: interaction.options.getRole('role')?.id ?? null, channelId: interaction.options.getChannel('channel')?.id ?? null };
	if (targets.roleId === null && targets.channelId === null) throw translatedUserError('automod:errors.exemptNeedsTarget');
	await saveConfig(context, (config) => {
		const current = exemptionsOf(config, scope);
		const missing = [
			targets.roleId !== null && !current.roleIds.includes(targets.roleId) ? mention.role(targets.roleId) : '',
			targets.channelId !== null && !current.channelIds.includes(targets.channelId) ? mention.channel(targets.channelId) : ''
		].filter(Boolean);
		if (missing.length > 0) throw translatedUserError('automod:errors.exemptUnknown', { targets: missing.join(', '), scope: scopeText(t, scope) });
		return withExemptions(config, scope, {
			roleIds: current.roleIds.filter((id) => id !== targets.roleId),
			channelIds: current.channelIds.filter((id) => id !== targets.channelId)
		});
	});
	await answer(context, [t('automod:answers.exemptRemoved', { targets: targetsText(targets), scope: scopeText(t, scope) })]);
};

/** A permission's name in the guild's language, or "none". */
function permissionText(t: Translate, permission: string | null): string {
	// A stored permission name is data: its key is checked at run time (a name without a text shows "none").
	return permission === null ? t('automod:status.none') : t(dynamicKey(`core:permissions.${permission}`, 'automod:status.none'));
}

/**
 * `/automod exempt permission [name] [filter]`: members holding the permission are exempt (`none`: nobody by
 * permission; Administrator always counts). Without a name, the current one is shown.
 */
export const exemptPermission: AutomodHandler = async (context) => {
	const { interaction, t } = context;
	const scope = readScope(context);
	const name = interaction.options.getString('name');
	if (name === null) {
		const current = exemptionsOf(await currentConfig(context), scope);
		return answer(context, [t('automod:answers.exemptPermissionIs', { permission: permissionText(t, current.permission), scope: scopeText(t, scope) })]);
	}
	if (name !== 'none' && !(EXEMPT_PERMISSIONS as readonly string[]).includes(name)) throw new TypeError(`Unknown permission ${name}`); // Discord only sends the declared choices
	const permission = name === 'none' ? null : name;
	await saveConfig(context, (config) => (exemptionsOf(config, scope).permission === permission ? undefined : withExemptions(config, scope, { permission })));
	return answer(context, [
		permission === null ? t('automod:answers.exemptPermissionNone', { scope: scopeText(t, scope) }) : t('automod:answers.exemptPermissionSet', { permission: permissionText(t, permission), scope: scopeText(t, scope) })
	]);
};

/** `/automod exempt list [filter]`: the exempt roles, channels and permission (globally also bots and webhooks). */
export const exemptList: AutomodHandler = async (context) => {
	const { t } = context;
	const scope = readScope(context);
	const config = await currentConfig(context);
	const list = exemptionsOf(config, scope);
	const none = t('automod:status.none');
	const lines = [
		t('automod:lists.exemptTitle', { scope: scopeText(t, scope) }),
		t('automod:lists.exemptRoles', { roles: list.roleIds.length ? list.roleIds.map(mention.role).join(', ') : none }),
		t('automod:lists.exemptChannels', { channels: list.channelIds.length ? list.channelIds.map(mention.channel).join(', ') : none }),
		t('automod:lists.exemptPermission', { permission: permissionText(t, list.permission) })
	];
	if (scope === null) {
		lines.push(t(config.exempt.bots ? 'automod:lists.botsExempt' : 'automod:lists.botsChecked'), t(config.exempt.webhooks ? 'automod:lists.webhooksExempt' : 'automod:lists.webhooksChecked'));
	} else {
		lines.push(t('automod:lists.globalToo'));
	}
	await answer(context, lines);
};
