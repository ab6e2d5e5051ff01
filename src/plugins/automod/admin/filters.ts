import { translatedUserError } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import { BAN_BOUNDS, durationMs, parseDuration, TIMEOUT_BOUNDS } from '../../moderation/lib/durations.js';
import { FILTER_NAMES, type AutomodConfig, type FilterActions, type FilterName, type NotifyMode, type Punishment } from '../lib/config.js';
import { answer, currentConfig, saveConfig, type AutomodAdminContext, type AutomodHandler } from './context.js';
import { actionsText, filterName, filterSettingsText, mention } from './format.js';

/**
 * `/automod status` and `/automod filter on | off | actions | settings`: the filters (lib/config.ts `filters`), shown
 * and changed one at a time. Every change goes through `ctx.updateConfig` (admin/context.ts `saveConfig`): refusals are
 * translated UserErrors thrown before or inside it, and the result is validated by the schema, so bad input changes
 * nothing.
 */

/** The choices of the `punish` option (lib/config.ts `punishmentSchema`). */
export const PUNISHMENTS = ['none', 'warn', 'timeout', 'kick', 'ban'] as const satisfies readonly Punishment[];

/** The choices of the `notify` option (lib/config.ts `notifySchema`). */
export const NOTIFY_MODES = ['none', 'notice', 'dm'] as const satisfies readonly NotifyMode[];

/** The filters that read message text: without the Message Content intent they see nothing. */
const CONTENT_FILTERS: ReadonlySet<FilterName> = new Set(['words', 'regex', 'invites', 'links', 'caps', 'lines', 'emoji', 'everyone']);

/** The option naming a filter, as the interaction sends it. Discord only sends the declared choices. */
function readFilter(context: AutomodAdminContext, option = 'name'): FilterName {
	const name = context.interaction.options.getString(option, true);
	if (!(FILTER_NAMES as readonly string[]).includes(name)) throw new TypeError(`Unknown filter ${name}`);
	return name as FilterName;
}

/** A `filters` patch that replaces one filter's config with `next` (the others as they are). */
function withFilter<N extends FilterName>(config: AutomodConfig, name: N, next: AutomodConfig['filters'][N]) {
	return { filters: { ...config.filters, [name]: next } };
}

/** The warning line of a filter that reads text while the bot cannot read message content (empty otherwise). */
function contentWarning(context: AutomodAdminContext, name: FilterName): string {
	return CONTENT_FILTERS.has(name) && !context.service.canReadContent ? context.t('automod:status.noContent') : '';
}

/**
 * `/automod status`: each filter on or off with its actions in short (and its new-account actions when set), the alert
 * channel, new-account days, notice seconds, strike thresholds, native rule ids, and a warning when the bot cannot read
 * message content.
 */
export const automodStatus: AutomodHandler = async (context) => {
	const { t, locale, service } = context;
	const config = await currentConfig(context);
	const none = t('automod:status.none');
	const lines = [t('automod:status.title')];
	if (!service.canReadContent) lines.push(t('automod:status.noContent'));
	for (const name of FILTER_NAMES) {
		const filter = config.filters[name];
		if (!filter.enabled) {
			lines.push(t('automod:status.filterOff', { filter: filterName(t, name) }));
			continue;
		}
		const line = t('automod:status.filterOn', { filter: filterName(t, name), actions: actionsText(t, locale, filter.actions) });
		lines.push(filter.newAccountActions ? `${line} ${t('automod:status.newAccountActions', { actions: actionsText(t, locale, filter.newAccountActions) })}` : line);
	}
	lines.push(
		config.alertChannelId ? t('automod:status.alertChannel', { channel: mention.channel(config.alertChannelId) }) : t('automod:status.noAlertChannel'),
		config.newAccountDays === 0 ? t('automod:status.newAccountsOff') : t('automod:status.newAccounts', { days: config.newAccountDays }),
		t('automod:status.notices', { seconds: config.noticeSeconds }),
		t('automod:status.strikes', { count: config.strikes.length }),
		t('automod:status.native', { keyword: config.native.keywordRuleId ?? none, mention: config.native.mentionRuleId ?? none })
	);
	await answer(context, lines);
};

/** `/automod filter on name`: turns a filter on (and says when it cannot see anything without message content). */
export const filterOn: AutomodHandler = async (context) => {
	const name = readFilter(context);
	await saveConfig(context, (config) => (config.filters[name].enabled ? undefined : withFilter(config, name, { ...config.filters[name], enabled: true })));
	await answer(context, [context.t('automod:answers.filterOn', { filter: filterName(context.t, name) }), contentWarning(context, name)]);
};

/** `/automod filter off name`: turns a filter off. */
export const filterOff: AutomodHandler = async (context) => {
	const name = readFilter(context);
	await saveConfig(context, (config) => (config.filters[name].enabled ? withFilter(config, name, { ...config.filters[name], enabled: false }) : undefined));
	await answer(context, [context.t('automod:answers.filterOff', { filter: filterName(context.t, name) })]);
};

/** The action options of `/automod filter actions`, as given (null: not given, keep the value). */
interface ActionOptions {
	delete: boolean | null;
	points: number | null;
	punish: Punishment | null;
	duration: string | null;
	alert: boolean | null;
	notify: NotifyMode | null;
}

/**
 * The actions after applying the options given to `base` (unset options keep their value).
 * - A duration applies to a timeout (1 s to 28 days) or a ban (1 s to 365 days; `0` makes it permanent).
 * - A timeout needs a duration: given now, or kept from a timeout before.
 * - Choosing `ban` without a duration over another punishment makes a permanent ban; a ban stays as it was otherwise.
 * @throws UserError `automod:errors.durationNotUsed` (a duration with none, warn or kick),
 *   `automod:errors.timeoutNeedsDuration`, `moderation:errors.badDuration` / `moderation:errors.durationOutOfRange`.
 */
export function applyActionOptions(t: Translate, locale: string, base: FilterActions, options: ActionOptions): FilterActions {
	const punish = options.punish ?? base.punish;
	const input = options.duration?.trim() ? options.duration.trim() : null;
	let durationSeconds: number | null;
	if (punish === 'timeout') {
		if (input !== null) durationSeconds = parseDuration(input, TIMEOUT_BOUNDS, locale) / 1_000;
		else if (base.punish === 'timeout' && base.durationSeconds !== null) durationSeconds = base.durationSeconds;
		else throw translatedUserError('automod:errors.timeoutNeedsDuration');
	} else if (punish === 'ban') {
		if (input !== null) durationSeconds = durationMs(input) === 0 ? null : parseDuration(input, BAN_BOUNDS, locale) / 1_000;
		else durationSeconds = base.punish === 'ban' ? base.durationSeconds : null;
	} else {
		if (input !== null) throw translatedUserError('automod:errors.durationNotUsed', { punishment: t(`automod:commands.automod.choices.punish.${punish}`) });
		durationSeconds = null;
	}
	return {
		delete: options.delete ?? base.delete,
		points: options.points ?? base.points,
		punish,
		durationSeconds,
		alert: options.alert ?? base.alert,
		notify: options.notify ?? base.notify
	};
}

/**
 * `/automod filter actions name [new-accounts] [delete] [points] [punish] [duration] [alert] [notify] [reset]`: what a
 * filter does. Unset options keep their value; without any, the current actions are shown. `new-accounts:true` edits
 * the actions for new accounts (starting from the filter's actions when it has none); `reset:true` clears them.
 * @throws UserError `automod:errors.resetAlone` (reset with action options), and the refusals of
 *   {@link applyActionOptions}; nothing changes.
 */
export const filterActions: AutomodHandler = async (context) => {
	const { interaction, t, locale } = context;
	const name = readFilter(context);
	const options: ActionOptions = {
		delete: interaction.options.getBoolean('delete'),
		points: interaction.options.getInteger('points'),
		punish: interaction.options.getString('punish') as Punishment | null,
		duration: interaction.options.getString('duration'),
		alert: interaction.options.getBoolean('alert'),
		notify: interaction.options.getString('notify') as NotifyMode | null
	};
	if (options.punish !== null && !(PUNISHMENTS as readonly string[]).includes(options.punish)) throw new TypeError(`Unknown punishment ${options.punish}`);
	if (options.notify !== null && !(NOTIFY_MODES as readonly string[]).includes(options.notify)) throw new TypeError(`Unknown notify mode ${options.notify}`);
	const newAccounts = interaction.options.getBoolean('new-accounts') ?? false;
	const reset = interaction.options.getBoolean('reset') ?? false;
	const given = Object.values(options).some((value) => value !== null);
	const filter = filterName(t, name);

	if (reset) {
		if (given) throw translatedUserError('automod:errors.resetAlone');
		const { before } = await saveConfig(context, (config) =>
			config.filters[name].newAccountActions === null ? undefined : withFilter(config, name, { ...config.filters[name], newAccountActions: null })
		);
		const had = before.filters[name].newAccountActions !== null;
		return answer(context, [t(had ? 'automod:answers.newAccountActionsReset' : 'automod:answers.noNewAccountActions', { filter })]);
	}
	if (!given) {
		const current = (await currentConfig(context)).filters[name];
		return answer(context, [
			t('automod:answers.actions', { filter, actions: actionsText(t, locale, current.actions) }),
			current.newAccountActions
				? t('automod:answers.newAccountActions', { actions: actionsText(t, locale, current.newAccountActions) })
				: t('automod:answers.noNewAccountActions', { filter })
		]);
	}
	const { after } = await saveConfig(context, (config) => {
		const current = config.filters[name];
		if (newAccounts) return withFilter(config, name, { ...current, newAccountActions: applyActionOptions(t, locale, current.newAccountActions ?? current.actions, options) });
		return withFilter(config, name, { ...current, actions: applyActionOptions(t, locale, current.actions, options) });
	});
	const saved = after.filters[name];
	return answer(context, [
		newAccounts && saved.newAccountActions
			? t('automod:answers.newAccountActionsSet', { filter, actions: actionsText(t, locale, saved.newAccountActions) })
			: t('automod:answers.actionsSet', { filter, actions: actionsText(t, locale, saved.actions) })
	]);
};

/** The options of `/automod filter settings`, by their names as Discord sends them. */
export const SETTING_OPTIONS = ['limit', 'seconds', 'scope', 'percent', 'min-letters', 'mode'] as const;
type SettingOption = (typeof SETTING_OPTIONS)[number];

/** One setting option of a filter: the config field it sets and its bounds (the schema's, lib/config.ts). */
type SettingSpec = { field: string; kind: 'integer'; min: number; max: number } | { field: string; kind: 'choice'; values: readonly string[] };

/** Which options each filter takes, and what they set (filters not listed have no settings). */
export const FILTER_SETTINGS: Readonly<Partial<Record<FilterName, Readonly<Partial<Record<SettingOption, SettingSpec>>>>>> = {
	mentions: { limit: { field: 'limit', kind: 'integer', min: 1, max: 50 } },
	lines: { limit: { field: 'max', kind: 'integer', min: 1, max: 200 } },
	emoji: { limit: { field: 'max', kind: 'integer', min: 1, max: 200 } },
	attachments: { limit: { field: 'max', kind: 'integer', min: 1, max: 10 } },
	caps: { percent: { field: 'percent', kind: 'integer', min: 1, max: 100 }, 'min-letters': { field: 'minLetters', kind: 'integer', min: 1, max: 2_000 } },
	rate: {
		limit: { field: 'messages', kind: 'integer', min: 2, max: 100 },
		seconds: { field: 'seconds', kind: 'integer', min: 1, max: 600 },
		scope: { field: 'scope', kind: 'choice', values: ['channel', 'guild'] }
	},
	duplicates: { limit: { field: 'count', kind: 'integer', min: 2, max: 50 }, seconds: { field: 'seconds', kind: 'integer', min: 1, max: 3_600 } },
	links: { mode: { field: 'mode', kind: 'choice', values: ['deny', 'allow'] } }
};

/** The localized names of the options a filter takes, joined ("limit, seconds, scope"). */
function optionNames(t: Translate, options: readonly SettingOption[]): string {
	const key = (option: SettingOption) => (option === 'min-letters' ? 'minLetters' : option);
	return options.map((option) => t(`automod:commands.automod.options.${key(option)}.name`)).join(', ');
}

/**
 * `/automod filter settings name [limit] [seconds] [scope] [percent] [min-letters] [mode]`: a filter's own settings
 * (mentions.limit, lines/emoji/attachments.max, rate.messages/seconds/scope, duplicates.count/seconds,
 * caps.percent/minLetters, links.mode). Without options, the current settings are shown.
 * @throws UserError `automod:errors.filterHasNoSettings` (a filter without settings),
 *   `automod:errors.settingNotForFilter` (an option the filter does not take, naming the ones it takes),
 *   `automod:errors.settingOutOfRange` (a value outside the filter's bounds); nothing changes.
 */
export const filterSettings: AutomodHandler = async (context) => {
	const { interaction, t, locale } = context;
	const name = readFilter(context);
	const filter = filterName(t, name);
	const specs = FILTER_SETTINGS[name] ?? {};
	const takes = Object.keys(specs) as SettingOption[];
	const values = new Map<SettingOption, number | string>();
	for (const option of SETTING_OPTIONS) {
		const value = option === 'scope' || option === 'mode' ? interaction.options.getString(option) : interaction.options.getInteger(option);
		if (value !== null) values.set(option, value);
	}
	if (takes.length === 0) throw translatedUserError('automod:errors.filterHasNoSettings', { filter });
	const changes: Record<string, number | string> = {};
	for (const [option, value] of values) {
		const spec = specs[option];
		if (!spec) throw translatedUserError('automod:errors.settingNotForFilter', { filter, option: optionNames(t, [option]), options: optionNames(t, takes) });
		if (spec.kind === 'integer' && (typeof value !== 'number' || value < spec.min || value > spec.max)) {
			throw translatedUserError('automod:errors.settingOutOfRange', { filter, option: optionNames(t, [option]), min: spec.min, max: spec.max });
		}
		if (spec.kind === 'choice' && !spec.values.includes(String(value))) throw new TypeError(`Unknown ${option} ${value}`); // Discord only sends the declared choices
		changes[spec.field] = value;
	}
	if (values.size === 0) {
		const config = await currentConfig(context);
		return answer(context, [t('automod:answers.settings', { filter, settings: filterSettingsText(t, locale, name, config) ?? '' })]);
	}
	const { after } = await saveConfig(context, (config) => withFilter(config, name, { ...config.filters[name], ...changes }));
	return answer(context, [t('automod:answers.settingsSet', { filter, settings: filterSettingsText(t, locale, name, after) ?? '' })]);
};
