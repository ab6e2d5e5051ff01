import type { ScheduledTask } from '@sapphire/plugin-scheduled-tasks';
import { RESTJSONErrorCodes, Routes } from 'discord.js';
import { PluginTask } from '../../../lib/plugins/pieces.js';
import type { TaskRunContext } from '../../../lib/tasks/types.js';
import { isDiscordError } from '../../moderation/service/discord.js';
import { NOTICE_DELETE_TASK } from '../service/AutomodService.js';

/** The payload of {@link AutomodNoticeDeleteTask}: the notice to delete. */
export interface AutomodNoticeDeletePayload {
	channelId: string;
	messageId: string;
}

/**
 * `automodNoticeDelete` (one-off, per guild, key `notice-<messageId>`): deletes the short notice the automod posted to
 * a member, `noticeSeconds` after it was posted. A scheduled task rather than a timer, so a restart does not leave
 * notices behind; runs even if the plugin was turned off meanwhile (`whenDisabled: 'run'`). A notice already deleted
 * (by a moderator, or with its channel) is fine.
 */
export class AutomodNoticeDeleteTask extends PluginTask<'automod', typeof NOTICE_DELETE_TASK> {
	public constructor(context: ScheduledTask.LoaderContext, options: ScheduledTask.Options) {
		super(context, { ...options, name: NOTICE_DELETE_TASK, plugin: 'automod', whenDisabled: 'run' });
	}

	public async handle(payload: AutomodNoticeDeletePayload, _context: TaskRunContext): Promise<void> {
		try {
			await this.container.client.rest.delete(Routes.channelMessage(payload.channelId, payload.messageId));
		} catch (error) {
			if (!isDiscordError(error, RESTJSONErrorCodes.UnknownMessage, RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess)) throw error;
		}
	}
}

declare module '../../../lib/tasks/types.js' {
	interface TaskPayloads {
		automodNoticeDelete: AutomodNoticeDeletePayload;
	}
}
