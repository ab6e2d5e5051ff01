/**
 * The baseline of `npm run bench:giveaways` (started by ./giveawaysBaseline.ts): the cheapest thing that answers a
 * button on Discord, in its own process like the bot: a bare discord.js `Client` (Guilds intent only; no Sapphire, no
 * bot code, no database, no Redis) that answers every button interaction with an ephemeral "ok" callback. Once ready
 * it posts the message with the button the clicks press. Options come as JSON in BENCH_CHILD_OPTIONS.
 *
 * Requests from the parent: `message` (the button message's id and custom id), `measure` (starts counting: CPU,
 * event-loop delay, answers), `stats` (the counts since). SIGTERM destroys the client and exits.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ButtonStyle, Client, ComponentType, Events, GatewayIntentBits, MessageFlags, type ClientOptions, type TextChannel } from 'discord.js';
import { serveParent } from './timersChild.js';

/** What the parent gives this child. */
export interface BaselineLaunch {
	/** The emulator's REST base (without /v10) and the bot's token. */
	restUrl: string;
	token: string;
	/** Where to post the button. */
	channelId: string;
}

/** The baseline's counts since `measure`. */
export interface BaselineStats {
	answered: number;
	failed: number;
	/** CPU of this process, µs (user + system). */
	cpuUs: number;
	/** How late a 1-ms timer ran, ms: p99 and max (perf_hooks monitorEventLoopDelay, less its period). */
	loopDelayP99: number;
	loopDelayMax: number;
}

/** The custom id of the baseline's button. */
export const BASELINE_CUSTOM_ID = 'bench:ok';

const launch = JSON.parse(process.env.BENCH_CHILD_OPTIONS ?? '{}') as BaselineLaunch;
// The bot's @sapphire/plugin-scheduled-tasks augments ClientOptions with a required `tasks` (project-wide); a bare
// client has none (as in emulator/tests/discordjs.test.ts).
const options = { intents: [GatewayIntentBits.Guilds], rest: { api: launch.restUrl } } satisfies Omit<ClientOptions, 'tasks'>;
const client = new Client(options as unknown as ClientOptions);
let answered = 0;
let failed = 0;
let cpuAtStart = process.cpuUsage();
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
client.on(Events.InteractionCreate, (interaction) => {
	if (!interaction.isButton()) return;
	interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral }).then(
		() => answered++,
		() => failed++
	);
});
const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
await client.login(launch.token);
await ready;
const channel = (await client.channels.fetch(launch.channelId)) as TextChannel;
const message = await channel.send({
	content: 'Baseline: a button answered with an ephemeral "ok".',
	components: [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'OK', custom_id: BASELINE_CUSTOM_ID }] }]
});
process.once('SIGTERM', () => {
	void client.destroy().finally(() => process.exit(0));
});
const late = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - 1);
serveParent({
	message: () => ({ messageId: message.id, customId: BASELINE_CUSTOM_ID }),
	measure: () => {
		answered = 0;
		failed = 0;
		cpuAtStart = process.cpuUsage();
		loopDelay.reset();
		return null;
	},
	stats: (): BaselineStats => {
		const cpu = process.cpuUsage(cpuAtStart);
		return { answered, failed, cpuUs: cpu.user + cpu.system, loopDelayP99: late(loopDelay.percentile(99)), loopDelayMax: late(loopDelay.max) };
	}
}).ready();
