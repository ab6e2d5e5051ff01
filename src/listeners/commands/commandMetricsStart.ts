import { Events, Listener } from '@sapphire/framework';
import type { ChatInputCommandInteraction } from 'discord.js';
import { performance } from 'node:perf_hooks';

/** When each running slash command started (`performance.now()` milliseconds), for its duration metric. */
export const commandStartTimes = new WeakMap<ChatInputCommandInteraction, number>();

/** Notes the start of every slash command that passed its preconditions. */
export class CommandMetricsStartListener extends Listener<typeof Events.ChatInputCommandRun> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ChatInputCommandRun });
	}

	public override run(interaction: ChatInputCommandInteraction) {
		commandStartTimes.set(interaction, performance.now());
	}
}
