import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { translateInteraction, type Translate } from '../../../lib/i18n.js';
import type { BotLogger } from '../../../lib/observability/logger.js';
import { fitContent } from '../../../lib/replies.js';
import type { TierOutcome } from '../service/effects.js';
import type { VoiceXpPlugin } from '../service/runtime.js';
import { formatTierProblems, mention, NO_PINGS } from '../views/common.js';

/** What every `/xp` subcommand handler gets. */
export interface AdminContext {
	interaction: ChatInputCommandInteraction<'cached' | 'raw'>;
	t: Translate;
	/** The guild's language (number formats). */
	locale: string;
	/** Logger with the guild and command. */
	logger: BotLogger;
	/** The plugin's service: its context (config, database, tasks) and the live sessions. */
	voiceXp: VoiceXpPlugin;
}

/** A `/xp` subcommand handler. */
export type AdminHandler = (context: AdminContext) => Promise<unknown>;

/**
 * A `/xp` subcommand handler as the `chatInputRun` of a subcommand mapping (@sapphire/plugin-subcommands, see
 * commands/xp.ts), called with the command as `this`: gives it the guild's language, a logger with the guild,
 * command and plugin, and the plugin's service (`this.service`).
 */
export function adminRun(handler: AdminHandler): (this: { service: VoiceXpPlugin }, interaction: ChatInputCommandInteraction) => Promise<unknown> {
	return async function run(this: { service: VoiceXpPlugin }, interaction: ChatInputCommandInteraction) {
		// `/xp` is a guild-only BotCommand: the interaction always comes from a guild.
		const guildInteraction = interaction as ChatInputCommandInteraction<'cached' | 'raw'>;
		const { locale, t } = await translateInteraction(interaction);
		const voiceXp = this.service;
		const logger = voiceXp.ctx.logger.child({ guildId: guildInteraction.guildId, command: 'xp' });
		return handler({ interaction: guildInteraction, t, locale, logger, voiceXp });
	};
}

/**
 * Answers an admin command, ephemeral and without pings: edits the deferred reply, or replies. Lines are joined and
 * cut to Discord's 2,000 characters.
 */
export async function answer(context: AdminContext, lines: readonly string[]): Promise<void> {
	const content = fitContent(lines.filter(Boolean).join('\n'));
	const { interaction } = context;
	if (interaction.deferred) await interaction.editReply({ content, ...NO_PINGS });
	else await interaction.reply({ content, flags: MessageFlags.Ephemeral, ...NO_PINGS });
}

/** One line about a member's tier after an admin change (voice-xp:xp.tier.*). */
export function tierLine(t: Translate, outcome: TierOutcome | null): string {
	if (outcome === null) return '';
	const role = outcome.tierRoleId ? mention.role(outcome.tierRoleId) : null;
	switch (outcome.kind) {
		case 'applied':
			return role ? t('voice-xp:xp.tier.applied', { role }) : t('voice-xp:xp.tier.removed');
		case 'none':
			return role ? t('voice-xp:xp.tier.unchanged', { role }) : t('voice-xp:xp.tier.noTier');
		case 'blocked':
			return t('voice-xp:xp.tier.blocked', {
				reasons: outcome.blocked.map((status) => `${mention.role(status.roleId)} (${formatTierProblems(t, status.problems)})`).join(', ')
			});
		case 'skipped':
			return t('voice-xp:xp.tier.skipped');
	}
}
