import type { APIEmbed } from 'discord.js';
import type { Translate } from '../../../lib/i18n.js';
import { liveStanding, progressBar, type LiveStanding } from '../lib/format.js';
import type { VoiceSessionExplanation } from '../lib/sessionTracker.js';
import type { MemberStats } from '../lib/stats.js';
import { formatDuration, formatNumber, formatReason, mention } from './common.js';

/** Everything `/rank` shows about a member. */
export interface RankFacts {
	/** Name shown in the title (the member's display name). */
	name: string;
	avatarUrl: string | null;
	stored: MemberStats | null;
	unflushed: { eligibleMs: number; xpUnits: number };
	/** Position in the guild (1 = first), or null when not ranked yet. */
	position: number | null;
	/** Members in the ranking. */
	rankedCount: number;
	session: VoiceSessionExplanation;
}

/** What the member is doing in voice right now, as one line. */
export function sessionLine(t: Translate, session: VoiceSessionExplanation): string {
	if (!session.inVoice) return t('voice-xp:rank.status.notInVoice');
	if (session.eligibility.eligible) return t('voice-xp:rank.status.earning', { channel: mention.channel(session.channelId) });
	return t('voice-xp:rank.status.notEarning', {
		channel: mention.channel(session.channelId),
		reason: formatReason(t, session.eligibility.reason ?? 'alone')
	});
}

/**
 * The `/rank` embed (issue 4): level, XP into the level out of the XP needed with a text progress bar, total XP, time in
 * voice as hours and minutes, position in the guild, and whether the member earns right now (and why not).
 * Figures include the time accrued since the last flush.
 */
export function rankEmbed(t: Translate, locale: string, facts: RankFacts): { embed: APIEmbed; standing: LiveStanding } {
	const standing = liveStanding(facts.stored, facts.unflushed);
	const { bar, percent } = progressBar(standing.xpIntoLevel, standing.xpForNextLevel);
	const n = (value: number) => formatNumber(locale, value);
	// A plain API embed, not discord.js's EmbedBuilder: the builder validates each setter with shapeshift, whose unions
	// build an Error (a stack trace) for every branch that does not match; a CPU profile of bench:rank put 14% of the
	// bot's time under 20 /rank at once in that validation. The figures here stay far inside Discord's embed limits.
	const embed: APIEmbed = {
		title: t('voice-xp:rank.title', { name: facts.name }),
		fields: [
			{ name: t('voice-xp:rank.level'), value: n(standing.level), inline: true },
			{
				name: t('voice-xp:rank.position'),
				value: facts.position === null ? t('voice-xp:rank.unranked') : t('voice-xp:rank.positionValue', { position: n(facts.position), total: n(facts.rankedCount) }),
				inline: true
			},
			{ name: t('voice-xp:rank.totalXp'), value: t('voice-xp:rank.xpValue', { xp: n(standing.totalXp) }), inline: true },
			{
				name: t('voice-xp:rank.progress', { level: n(standing.level + 1) }),
				value: t('voice-xp:rank.progressValue', { bar, percent, into: n(standing.xpIntoLevel), needed: n(standing.xpForNextLevel) })
			},
			{ name: t('voice-xp:rank.voiceTime'), value: formatDuration(t, standing.voiceSeconds), inline: true },
			{ name: t('voice-xp:rank.now'), value: sessionLine(t, facts.session), inline: true }
		],
		...(facts.avatarUrl ? { thumbnail: { url: facts.avatarUrl } } : {})
	};
	return { embed, standing };
}
