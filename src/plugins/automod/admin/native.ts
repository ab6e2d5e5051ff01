import { MessageFlags } from 'discord.js';
import type { Translate } from '../../../lib/i18n.js';
import type { NotSynced } from '../lib/native.js';
import type { NativeSyncReport } from '../service/nativeRules.js';
import { answer, type AutomodHandler } from './context.js';
import { code, mention } from './format.js';

/**
 * `/automod native sync | status`: Discord's own AutoMod rules (service/nativeRules.ts). Both call Discord several
 * times, so they defer their (ephemeral) answer first. The service refuses with the translated
 * `automod:errors.nativeNeedsManageGuild` when the bot lacks Manage Server; the core answers it (after the deferral,
 * as an ephemeral follow-up).
 */

/** Discord's AutoMod trigger types by number ("Trigger Types" of the Auto Moderation resource). */
const TRIGGER_TYPES = new Map<number, 'keyword' | 'spam' | 'keywordPreset' | 'mentionSpam' | 'memberProfile'>([
	[1, 'keyword'],
	[3, 'spam'],
	[4, 'keywordPreset'],
	[5, 'mentionSpam'],
	[6, 'memberProfile']
]);

/** Why something was not synced, in the order the answer lists them. */
const NOT_SYNCED_REASONS = ['keywordSyntax', 'noKeywordRoom', 'mentionRuleTaken', 'tooManyExemptRoles', 'tooManyExemptChannels', 'refused'] as const satisfies readonly NotSynced['reason'][];

/** A not-synced item as shown: a role or channel mention for exemptions, else quoted. */
function itemText(item: NotSynced): string {
	if (item.reason === 'tooManyExemptRoles') return mention.role(item.item);
	if (item.reason === 'tooManyExemptChannels') return mention.channel(item.item);
	return code(item.item);
}

/** What a sync did, one line per rule, then every item that was not synced, grouped by reason. */
export function syncLines(t: Translate, report: NativeSyncReport): string[] {
	const { keyword, mention: mentionRule } = report;
	const lines = [t('automod:native.syncDone')];
	if (keyword.change === 'created' || keyword.change === 'updated') {
		lines.push(t(`automod:native.keyword_${keyword.change}`, { keywords: keyword.keywords, regexes: keyword.regexes }));
	} else {
		lines.push(t(`automod:native.keyword_${keyword.change}`));
	}
	if (mentionRule.change === 'created' || mentionRule.change === 'updated') {
		lines.push(t(`automod:native.mention_${mentionRule.change}`, { limit: mentionRule.limit ?? 0 }));
	} else {
		lines.push(t(`automod:native.mention_${mentionRule.change}`));
	}
	if (report.notSynced.length > 0) {
		lines.push(t('automod:native.notSyncedTitle', { count: report.notSynced.length }));
		for (const reason of NOT_SYNCED_REASONS) {
			const items = report.notSynced.filter((item) => item.reason === reason);
			if (items.length > 0) lines.push(t('automod:native.notSyncedLine', { reason: t(`automod:native.notSynced.${reason}`), items: items.map(itemText).join(', ') }));
		}
	}
	return lines;
}

/** `/automod native sync`: puts the word list, regexes and mention limit into Discord's AutoMod; says what changed and what did not fit. */
export const nativeSync: AutomodHandler = async (context) => {
	const { interaction, t, service } = context;
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	const report = await service.native.sync(interaction.guildId);
	context.logger.info(`/automod native sync by ${interaction.user.id}: keyword ${report.keyword.change}, mention ${report.mention.change}, ${report.notSynced.length} not synced`);
	await answer(context, syncLines(t, report));
};

/** `/automod native status`: every native rule of the guild (name, type, on/off, ours, list sizes) and the slots used. */
export const nativeStatus: AutomodHandler = async (context) => {
	const { interaction, t, service } = context;
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	const status = await service.native.status(interaction.guildId);
	const lines = [t('automod:native.statusTitle')];
	if (status.rules.length === 0) lines.push(t('automod:native.noRules'));
	for (const rule of status.rules) {
		const type = TRIGGER_TYPES.get(rule.triggerType) ?? 'other';
		const parts = [t('automod:native.rule', { name: rule.name, type: t(`automod:native.types.${type}`), state: t(rule.enabled ? 'automod:native.enabled' : 'automod:native.disabled') })];
		if (rule.ours) parts.push(t('automod:native.ours'));
		if (type === 'keyword') parts.push(t('automod:native.lists', { keywords: rule.keywords, regexes: rule.regexes }));
		lines.push(`• ${parts.join(' · ')}`);
	}
	lines.push(
		t('automod:native.slots', {
			keyword: status.keywordRules.used,
			keywordMax: status.keywordRules.max,
			mention: status.mentionRules.used,
			mentionMax: status.mentionRules.max
		})
	);
	await answer(context, lines);
};
