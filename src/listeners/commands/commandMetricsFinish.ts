import { Events, Listener, type ChatInputCommandFinishPayload, type Command } from '@sapphire/framework';
import type { ChatInputCommandInteraction } from 'discord.js';
import { performance } from 'node:perf_hooks';
import { commandStartTimes } from './commandMetricsStart.js';

/** Counts every finished slash command by outcome (`success`/`error`) and observes its duration in seconds. */
export class CommandMetricsFinishListener extends Listener<typeof Events.ChatInputCommandFinish> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.ChatInputCommandFinish });
	}

	public override run(interaction: ChatInputCommandInteraction, command: Command, payload: ChatInputCommandFinishPayload) {
		const started = commandStartTimes.get(interaction);
		const seconds = started === undefined ? Math.max(payload.duration, 0) / 1_000 : (performance.now() - started) / 1_000;
		this.container.metrics.recordCommand(command.name, payload.success ? 'success' : 'error', seconds);
	}
}
