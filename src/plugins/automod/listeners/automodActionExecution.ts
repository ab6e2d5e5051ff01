import type { Listener } from '@sapphire/framework';
import { Events, type AutoModerationActionExecution } from 'discord.js';
import { PluginListener } from '../../../lib/plugins/pieces.js';

/**
 * AUTO_MODERATION_ACTION_EXECUTION (intent AutoModerationExecution, permission Manage Server): Discord's native
 * AutoMod acted on a member (a rule our sync made, or one made by hand). It becomes a strike and a case naming the rule
 * (service/AutomodService.ts `handleNativeExecution`), so one history shows both.
 */
export class AutomodActionExecutionListener extends PluginListener<'automod', typeof Events.AutoModerationActionExecution> {
	public constructor(context: Listener.LoaderContext, options: Listener.Options) {
		super(context, { ...options, plugin: 'automod', event: Events.AutoModerationActionExecution });
	}

	public async handle(execution: AutoModerationActionExecution): Promise<void> {
		await this.service.handleNativeExecution(execution);
	}
}
