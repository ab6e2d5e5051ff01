import { PermissionFlagsBits } from 'discord.js';
import { translatedUserError } from '../../../lib/errors.js';
import type { Translate } from '../../../lib/i18n.js';
import type { AutomodConfig } from '../lib/config.js';
import { describeHits } from '../views/messages.js';
import { answer, currentConfig, saveConfig, type AutomodHandler } from './context.js';
import { mention } from './format.js';
import { assertOwnChannel } from './guards.js';

/**
 * `/automod settings` (the guild-wide settings of lib/config.ts: alert channel, new-account days, notice seconds,
 * native AutoMod points and cases) and `/automod test text` (which filters would act on a text, from the service's
 * `test`).
 */

/** Permissions the bot needs in the alert channel to post an alert (an embed with buttons). */
const ALERT_PERMISSIONS = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks];

/** The guild-wide settings, one line each. */
function settingsLines(t: Translate, config: AutomodConfig): string[] {
	return [
		config.alertChannelId ? t('automod:status.alertChannel', { channel: mention.channel(config.alertChannelId) }) : t('automod:status.noAlertChannel'),
		config.newAccountDays === 0 ? t('automod:status.newAccountsOff') : t('automod:status.newAccounts', { days: config.newAccountDays }),
		t('automod:status.notices', { seconds: config.noticeSeconds }),
		t('automod:answers.nativePoints', { points: config.native.points }),
		t(config.native.recordCases ? 'automod:answers.nativeCasesOn' : 'automod:answers.nativeCasesOff')
	];
}

/**
 * `/automod settings [alert-channel] [alerts-off] [new-account-days] [notice-seconds] [native-points] [native-cases]`:
 * sets the options given (the others are kept) and shows every setting; without options, only shows them. Warns (and
 * still sets it) when the bot cannot post alerts in the channel.
 * @throws UserError `automod:errors.alertChannelConflict` (a channel and `alerts-off` together),
 *   `automod:errors.foreignChannel`, `core:errors.invalidConfig` (out of the schema's bounds); nothing changes.
 */
export const automodSettings: AutomodHandler = async (context) => {
	const { interaction, t } = context;
	const { options } = interaction;
	const channel = options.getChannel('alert-channel');
	const alertsOff = options.getBoolean('alerts-off') ?? false;
	const newAccountDays = options.getInteger('new-account-days');
	const noticeSeconds = options.getInteger('notice-seconds');
	const nativePoints = options.getInteger('native-points');
	const nativeCases = options.getBoolean('native-cases');
	if (channel && alertsOff) throw translatedUserError('automod:errors.alertChannelConflict');
	if (channel) await assertOwnChannel(context, channel.id);
	const given = channel !== null || alertsOff || newAccountDays !== null || noticeSeconds !== null || nativePoints !== null || nativeCases !== null;
	if (!given) return answer(context, [t('automod:answers.settingsTitle'), ...settingsLines(t, await currentConfig(context))]);
	const { after } = await saveConfig(context, (config) => ({
		...(channel ? { alertChannelId: channel.id } : alertsOff ? { alertChannelId: null } : {}),
		...(newAccountDays !== null ? { newAccountDays } : {}),
		...(noticeSeconds !== null ? { noticeSeconds } : {}),
		...(nativePoints !== null || nativeCases !== null
			? { native: { ...config.native, ...(nativePoints !== null ? { points: nativePoints } : {}), ...(nativeCases !== null ? { recordCases: nativeCases } : {}) } }
			: {})
	}));
	let warning = '';
	if (channel) {
		const cached = interaction.guild?.channels.cache.get(channel.id);
		const me = interaction.guild?.members.me;
		const canPost = cached && me ? cached.permissionsFor(me).has(ALERT_PERMISSIONS) : false;
		if (!canPost) warning = t('automod:answers.alertCannotPost', { channel: mention.channel(channel.id) });
	}
	return answer(context, [t('automod:answers.settingsSaved'), ...settingsLines(t, after), warning]);
};

/**
 * `/automod test text`: which filters would act on the text (service `test`: the content filters that are on, the
 * author taken as a member without exemptions), each hit explained; the message rate and repeated-message filters are
 * not tested (they count a member's recent messages).
 */
export const automodTest: AutomodHandler = async (context) => {
	const { interaction, t, locale, service } = context;
	const text = interaction.options.getString('text', true);
	const hits = await service.test(interaction.guildId, text);
	const lines = hits.length ? [t('automod:answers.testHits'), ...describeHits(t, hits, locale).map((line) => `• ${line}`)] : [t('automod:answers.testNothing')];
	lines.push(t('automod:answers.testNotes'));
	if (!service.canReadContent) lines.push(t('automod:status.noContent'));
	await answer(context, lines);
};
