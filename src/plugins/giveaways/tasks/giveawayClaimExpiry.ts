import type { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { PluginTask } from '../../../lib/plugins/pieces.js';
import type { TaskRunContext } from '../../../lib/tasks/types.js';
import { CLAIM_TASK } from '../service/GiveawayService.js';

/** The payload of {@link GiveawayClaimExpiryTask}: the giveaway and the winner whose claim is due. */
export interface GiveawayClaimExpiryPayload {
	number: number;
	userId: string;
}

/**
 * `giveawayClaimExpiry` (one-off, per guild, key `claim-<id>-<userId>`, at the winner's claim deadline): a winner who
 * has not claimed is replaced by one new winner, once per place (service `expireClaim`); a claim cancels it. Runs where
 * the plugin was turned off too (`whenDisabled: 'run'`): the deadline was announced.
 */
export class GiveawayClaimExpiryTask extends PluginTask<'giveaways', typeof CLAIM_TASK> {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: CLAIM_TASK, plugin: 'giveaways', whenDisabled: 'run' });
	}

	public async handle(payload: GiveawayClaimExpiryPayload, { guildId }: TaskRunContext): Promise<void> {
		if (guildId === null) throw new Error('giveawayClaimExpiry runs for a guild');
		await this.service.expireClaim(guildId, payload.number, payload.userId);
	}
}

declare module '../../../lib/tasks/types.js' {
	interface TaskPayloads {
		giveawayClaimExpiry: GiveawayClaimExpiryPayload;
	}
}
