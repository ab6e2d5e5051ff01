import { MessageFlags, type APIEmbed, type ChatInputCommandInteraction } from 'discord.js';
import { translateInteraction, type Translate } from '../../../lib/i18n.js';
import type { BotLogger } from '../../../lib/observability/logger.js';
import type { ConfigPatch } from '../../../lib/plugins/context.js';
import { fitContent } from '../../../lib/replies.js';
import type { ModerationConfig, moderationConfigSchema } from '../lib/config.js';
import type { ModerationService } from '../service/ModerationService.js';
import { NO_PINGS } from '../views/answers.js';

/**
 * What every `/moderation` subcommand handler (commands/moderation.ts) gets, and the two things they all do: change the
 * config atomically ({@link saveConfig}) and answer ephemerally ({@link answer}).
 */

/** What every `/moderation` subcommand handler gets. */
export interface ConfigCommandContext {
	/** The slash command, always in a guild (`/moderation` is a guild-only BotCommand). */
	interaction: ChatInputCommandInteraction<'cached' | 'raw'>;
	/** Translations in the guild's language. */
	t: Translate;
	/** The guild's language (durations and numbers are written in it). */
	locale: string;
	/** Logger with the guild and the command. */
	logger: BotLogger;
	/** The plugin's service: its context holds the config. */
	moderation: ModerationService;
}

/** A `/moderation` subcommand handler. */
export type ConfigHandler = (context: ConfigCommandContext) => Promise<unknown>;

/**
 * A handler as the `chatInputRun` of a subcommand mapping (@sapphire/plugin-subcommands), called with the command as
 * `this`: gives it the guild's language, a logger with the guild and command, and the plugin's service.
 */
export function configRun(handler: ConfigHandler): (this: { service: ModerationService }, interaction: ChatInputCommandInteraction) => Promise<unknown> {
	return async function run(this: { service: ModerationService }, interaction: ChatInputCommandInteraction) {
		const guildInteraction = interaction as ChatInputCommandInteraction<'cached' | 'raw'>;
		const { locale, t } = await translateInteraction(interaction);
		const moderation = this.service;
		const logger = moderation.ctx.logger.child({ guildId: guildInteraction.guildId, command: 'moderation' });
		return handler({ interaction: guildInteraction, t, locale, logger, moderation });
	};
}

/** What a change computes from the current config: the fields to set, or undefined to change nothing. */
export type ConfigChange = (current: ModerationConfig) => ConfigPatch<typeof moderationConfigSchema> | undefined;

/**
 * Applies a change with `ctx.updateConfig`: `change` runs inside the write's transaction, under the guild's settings
 * row lock, so a concurrent `/moderation` in any process is never lost and a refusal it throws (a translated UserError)
 * leaves the config as it was. The result is validated by the plugin's schema (lib/config.ts).
 * @returns the config before and after (the same when `change` returned undefined).
 * @throws what `change` throws; UserError `core:errors.invalidConfig` when the result does not pass the schema
 *   (nothing changes either way).
 */
export async function saveConfig(context: ConfigCommandContext, change: ConfigChange): Promise<{ before: ModerationConfig; after: ModerationConfig; changed: boolean }> {
	let before: ModerationConfig | undefined;
	let patch: ReturnType<ConfigChange>;
	const after = await context.moderation.ctx.updateConfig(context.interaction.guildId, (current) => {
		before = current;
		patch = change(current);
		return patch;
	});
	if (patch !== undefined) context.logger.info(`/moderation by ${context.interaction.user.id}: ${JSON.stringify(patch)}`);
	return { before: before ?? after, after, changed: patch !== undefined };
}

/** The guild's moderation config as it is now (frozen). */
export function currentConfig(context: ConfigCommandContext): Promise<ModerationConfig> {
	return context.moderation.ctx.config(context.interaction.guildId);
}

/**
 * Answers a `/moderation` subcommand, ephemeral and without pings. Lines are joined (empty ones left out) and cut to
 * Discord's 2,000 characters; `embeds` go with them.
 */
export async function answer(context: ConfigCommandContext, lines: readonly string[], embeds: APIEmbed[] = []): Promise<void> {
	const content = fitContent(lines.filter(Boolean).join('\n'));
	await context.interaction.reply({ ...(content ? { content } : {}), embeds, flags: MessageFlags.Ephemeral, ...NO_PINGS });
}
