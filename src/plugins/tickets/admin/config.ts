import { ChannelType, type PermissionsString } from 'discord.js';
import { answer, currentConfig, saveConfig } from '../../../lib/commands/adminContext.js';
import { formatDuration } from '../../../lib/durations.js';
import { translatedUserError } from '../../../lib/errors.js';
import { formatPermissions, type Translate } from '../../../lib/i18n.js';
import type { TicketsConfig } from '../lib/config.js';
import { botMissing, guildChannel, parseDurationSeconds, type TicketsAdminContext, type TicketsHandler } from './inputs.js';

/**
 * `/tickets config [staff-log] [no-staff-log] [transcript-channel] [no-transcript-channel] [dm-transcript]
 * [attachment-cap-mb] [auto-close] [auto-close-warning] [close-request-delay] [reopen-window] [feedback]`: sets the
 * options given (the others are kept) and shows every setting; without options, only shows them. Saved atomically
 * (`saveConfig`): a refusal changes nothing.
 *
 * Bounds (lib/config.ts): auto-close after 1 minute to 90 days of inactivity (`0`: off), its warning 1 minute to 30
 * days before, the close-request delay 1 minute to 30 days, the reopen window 0 to 7 days, attachments 0 to 500 MiB.
 */

/** What the bot needs in the staff log channel: see it, post, embeds (the log entries are embeds with a Join button). */
export const STAFF_LOG_PERMISSIONS: readonly PermissionsString[] = ['ViewChannel', 'SendMessages', 'EmbedLinks'];

/** What the bot needs in the transcript channel: the same and Attach Files (the transcript is an HTML file). */
export const TRANSCRIPT_PERMISSIONS: readonly PermissionsString[] = ['ViewChannel', 'SendMessages', 'EmbedLinks', 'AttachFiles'];

/** Channels logs and transcripts can go to: text and announcement channels. */
export const LOG_CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

const MINUTE = 60;
const DAY = 86_400;

/**
 * A log or transcript channel named by an option: a text or announcement channel of the guild where the bot has
 * `permissions`.
 * @throws UserError `tickets:admin.errors.notTextChannel` (context: `channel`), `tickets:admin.errors.logPermissions`
 *   (context: `channel`, `permissions`).
 */
function checkLogChannel(context: TicketsAdminContext, channelId: string, permissions: readonly PermissionsString[]): string {
	const channel = guildChannel(context, channelId);
	if (!channel || !(LOG_CHANNEL_TYPES as readonly ChannelType[]).includes(channel.type)) throw translatedUserError('tickets:admin.errors.notTextChannel', { channel: `<#${channelId}>` });
	const missing = botMissing(channel, permissions);
	if (missing.length > 0) throw translatedUserError('tickets:admin.errors.logPermissions', { channel: `<#${channelId}>`, permissions: formatPermissions(context.t, missing) });
	return channel.id;
}

/** Every setting of the plugin but types, panels and the blocklist, one line each, in the guild's language. */
export function configLines(t: Translate, locale: string, config: TicketsConfig): string[] {
	const span = (seconds: number) => formatDuration(seconds * 1_000, locale);
	const yesNo = (value: boolean) => (value ? t('tickets:admin.config.on') : t('tickets:admin.config.off'));
	return [
		t('tickets:admin.config.staffLog', { channel: config.staffLogChannelId ? `<#${config.staffLogChannelId}>` : t('tickets:admin.config.nowhere') }),
		t('tickets:admin.config.transcriptChannel', { channel: config.transcriptChannelId ? `<#${config.transcriptChannelId}>` : t('tickets:admin.config.nowhere') }),
		t('tickets:admin.config.dmTranscript', { value: yesNo(config.dmTranscript) }),
		t('tickets:admin.config.attachmentCap', { megabytes: Math.round((config.transcriptAttachmentCapBytes / (1024 * 1024)) * 10) / 10 }),
		config.autoCloseInactiveSeconds === null
			? t('tickets:admin.config.autoCloseOff')
			: t('tickets:admin.config.autoClose', { inactive: span(config.autoCloseInactiveSeconds), warning: span(config.autoCloseWarningSeconds) }),
		t('tickets:admin.config.closeRequestDelay', { duration: span(config.closeRequestDelaySeconds) }),
		config.reopenWindowSeconds === 0 ? t('tickets:admin.config.reopenWindowNone') : t('tickets:admin.config.reopenWindow', { duration: span(config.reopenWindowSeconds) }),
		t('tickets:admin.config.feedback', { value: yesNo(config.feedback) }),
		t('tickets:admin.config.summary', { types: config.types.length, panels: config.panels.length, blocked: config.blockedUserIds.length + config.blockedRoleIds.length })
	];
}

/**
 * `/tickets config ...`: see the file's comment.
 * @throws UserError `tickets:admin.errors.conflict`, `notTextChannel`, `logPermissions`, `badDuration`,
 *   `durationRange`, `core:errors.invalidConfig` (outside the schema's bounds).
 */
export const ticketsConfig: TicketsHandler = async (context) => {
	const { interaction, t, locale } = context;
	const { options } = interaction;
	const staffLog = options.getChannel('staff-log')?.id ?? null;
	const noStaffLog = options.getBoolean('no-staff-log') ?? false;
	const transcript = options.getChannel('transcript-channel')?.id ?? null;
	const noTranscript = options.getBoolean('no-transcript-channel') ?? false;
	const dmTranscript = options.getBoolean('dm-transcript');
	const capMb = options.getInteger('attachment-cap-mb');
	const autoClose = options.getString('auto-close');
	const warning = options.getString('auto-close-warning');
	const closeRequest = options.getString('close-request-delay');
	const reopen = options.getString('reopen-window');
	const feedback = options.getBoolean('feedback');
	const given =
		staffLog !== null || noStaffLog || transcript !== null || noTranscript || dmTranscript !== null || capMb !== null ||
		autoClose !== null || warning !== null || closeRequest !== null || reopen !== null || feedback !== null;
	if (!given) return answer(context, [t('tickets:admin.config.title'), ...configLines(t, locale, await currentConfig(context))]);
	if (staffLog !== null && noStaffLog) throw translatedUserError('tickets:admin.errors.conflict', { first: '`staff-log`', second: '`no-staff-log`' });
	if (transcript !== null && noTranscript) throw translatedUserError('tickets:admin.errors.conflict', { first: '`transcript-channel`', second: '`no-transcript-channel`' });
	const staffLogChannelId = staffLog !== null ? checkLogChannel(context, staffLog, STAFF_LOG_PERMISSIONS) : noStaffLog ? null : undefined;
	const transcriptChannelId = transcript !== null ? checkLogChannel(context, transcript, TRANSCRIPT_PERMISSIONS) : noTranscript ? null : undefined;
	const autoCloseInactiveSeconds = autoClose === null ? undefined : parseDurationSeconds(autoClose, { min: MINUTE, max: 90 * DAY, zeroAllowed: true }, locale);
	const autoCloseWarningSeconds = warning === null ? undefined : parseDurationSeconds(warning, { min: MINUTE, max: 30 * DAY }, locale);
	const closeRequestDelaySeconds = closeRequest === null ? undefined : parseDurationSeconds(closeRequest, { min: MINUTE, max: 30 * DAY }, locale);
	const reopenWindowSeconds = reopen === null ? undefined : parseDurationSeconds(reopen, { min: 1, max: 7 * DAY, zeroAllowed: true }, locale);
	const { before, after } = await saveConfig(context, () => ({
		...(staffLogChannelId === undefined ? {} : { staffLogChannelId }),
		...(transcriptChannelId === undefined ? {} : { transcriptChannelId }),
		...(dmTranscript === null ? {} : { dmTranscript }),
		...(capMb === null ? {} : { transcriptAttachmentCapBytes: capMb * 1024 * 1024 }),
		...(autoCloseInactiveSeconds === undefined ? {} : { autoCloseInactiveSeconds: autoCloseInactiveSeconds === 0 ? null : autoCloseInactiveSeconds }),
		...(autoCloseWarningSeconds === undefined ? {} : { autoCloseWarningSeconds }),
		...(closeRequestDelaySeconds === undefined ? {} : { closeRequestDelaySeconds }),
		...(reopenWindowSeconds === undefined ? {} : { reopenWindowSeconds }),
		...(feedback === null ? {} : { feedback })
	}));
	await answer(context, [t('tickets:admin.config.saved'), ...configLines(t, locale, after)]);
	// Auto-close turned on or made shorter: open tickets get jobs due by the new time, after the answer (a guild may
	// have many open tickets). A longer time needs nothing: each job reads the config when it fires and re-arms itself.
	const inactive = after.autoCloseInactiveSeconds;
	if (inactive !== null && (before.autoCloseInactiveSeconds === null || inactive < before.autoCloseInactiveSeconds)) {
		try {
			const armed = await context.service.closing.armAutoCloseAll(context.interaction.guildId);
			context.logger.info(`Auto-close armed for ${armed} open ticket(s)`);
		} catch (error) {
			context.logger.warn('Auto-close could not be armed for the open tickets; each is armed at the next start-up:', error);
		}
	}
};
