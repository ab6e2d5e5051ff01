/**
 * The baseline of `npm run bench:timers` (started by ./timersChild.ts): the cheapest thing that ends a temporary ban
 * at its time, in its own process like a bot process: a bare BullMQ `Worker` (the bot's concurrency, 10) whose job
 * is one `DELETE /guilds/{guild}/bans/{user}` through @discordjs/rest (the REST client discord.js uses in the bot, with
 * the same rate-limit handling), and nothing else: no database, no lock, no check that the ban is still the latest,
 * no metrics. Options come as JSON in BENCH_CHILD_OPTIONS. Requests from the parent: `count` (jobs this worker
 * processed, and how many of them failed). SIGTERM closes the worker and exits.
 */
import { REST } from '@discordjs/rest';
import { Worker } from 'bullmq';
import { Routes } from 'discord.js';
import { Redis } from 'ioredis';
import { serveParent } from './timersChild.js';

/** What the parent gives this child. */
export interface BareWorkerLaunch {
	redisUrl: string;
	/** BullMQ prefix of the baseline's queue. */
	prefix: string;
	queue: string;
	/** The emulator's REST base (without /v10) and the bot's token. */
	restUrl: string;
	token: string;
	concurrency: number;
}

/** A baseline job: whose ban ends, where. */
export interface BareUnbanJob {
	guildId: string;
	userId: string;
}

const launch = JSON.parse(process.env.BENCH_CHILD_OPTIONS ?? '{}') as BareWorkerLaunch;
const rest = new REST({ version: '10', api: launch.restUrl }).setToken(launch.token);
const connection = new Redis(launch.redisUrl, { maxRetriesPerRequest: null });
connection.on('error', () => undefined);
let processed = 0;
let failed = 0;
const worker = new Worker<BareUnbanJob>(
	launch.queue,
	async (job) => {
		try {
			await rest.delete(Routes.guildBan(job.data.guildId, job.data.userId), { reason: 'bench:timers baseline' });
			processed++;
		} catch (error) {
			failed++;
			throw error;
		}
	},
	{ connection, prefix: launch.prefix, concurrency: launch.concurrency }
);
worker.on('error', () => undefined);
await worker.waitUntilReady();
process.once('SIGTERM', () => {
	void worker
		.close()
		.catch(() => undefined)
		.finally(() => {
			connection.disconnect();
			process.exit(0);
		});
});
serveParent({ count: () => ({ processed, failed }) }).ready();
