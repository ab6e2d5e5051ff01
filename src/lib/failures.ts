import { container, UserError } from '@sapphire/framework';
import type { Interaction } from 'discord.js';
import { newErrorId } from './errors.js';
import { translateInteraction } from './i18n.js';
import { replyEphemeral, replyUserError } from './replies.js';
import { pluginNameOf } from './plugins/pieces.js';

/** Where a failure happened, for its log line. */
export interface FailureContext {
	guildId?: string | null;
	shardId?: number;
	command?: string;
	plugin?: string;
	/** What failed, e.g. "Command /plugins" or "Listener voiceXpStateUpdate". */
	what: string;
}

/**
 * Logs an unexpected error at error level with a new error id, the guild, shard, command or plugin, and its stack.
 * @returns the error id, to show the user.
 */
export function logFailure(error: unknown, context: FailureContext): string {
	const errorId = newErrorId();
	const logger = container.botLogger ?? container.logger;
	const scoped =
		'child' in logger
			? logger.child({
					errorId,
					guildId: context.guildId ?? undefined,
					shardId: context.shardId,
					command: context.command,
					plugin: context.plugin
				})
			: logger;
	scoped.error(`${context.what} failed (error id ${errorId}):`, error instanceof Error ? error : new Error(String(error)));
	return errorId;
}

/**
 * Answers a failed interaction: a UserError with its translated message (no error id: the user can fix it), anything
 * else with the translated "something went wrong" and a fresh error id that is also logged with the stack.
 * Always ephemeral, in the guild's language. Never throws.
 */
export async function answerFailure(interaction: Interaction, error: unknown, context: Omit<FailureContext, 'guildId' | 'shardId'>): Promise<void> {
	try {
		if (error instanceof UserError) {
			container.logger.debug(`${context.what} refused: ${error.identifier}`);
			if (interaction.isRepliable()) await replyUserError(interaction, error);
			return;
		}
		const plugin = context.plugin ?? (context.command ? pluginOfCommand(context.command) : undefined);
		const errorId = logFailure(error, { ...context, plugin, guildId: interaction.guildId, shardId: interaction.guild?.shardId });
		if (interaction.isRepliable()) {
			const { t } = await translateInteraction(interaction);
			await replyEphemeral(interaction, t('core:errors.unexpected', { errorId }));
		} else if (interaction.isAutocomplete() && !interaction.responded) {
			await interaction.respond([]).catch(() => undefined);
		}
	} catch (secondary) {
		container.logger.error('Could not answer a failed interaction:', secondary);
	}
}

function pluginOfCommand(name: string): string | undefined {
	const command = container.stores.get('commands').get(name);
	return command ? pluginNameOf(command) ?? undefined : undefined;
}
