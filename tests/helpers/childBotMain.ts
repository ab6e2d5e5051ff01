/**
 * Entry point of a bot run as a separate process by ./childBot.ts (`node --require tsx/cjs --import tsx`): the real
 * `startBot` with signal handling on, so SIGTERM/SIGINT exercise the production shutdown path. Options come as JSON in
 * BOT_CHILD_OPTIONS; the parent is told over IPC when the bot is ready, drives its ManualClock and schedules tasks in it
 * over IPC.
 */
import { startBot } from '../../src/lib/bot.js';
import { ManualClock } from '../../src/lib/clock.js';
import type { AnyPluginManifest } from '../../src/lib/plugins/definePlugin.js';
import type { ChildBotMessage, ChildBotLaunch, ChildScheduleRequest, ChildServiceCall } from './childBot.js';

const send = (message: ChildBotMessage) => process.send?.(message);

try {
	const launch = JSON.parse(process.env.BOT_CHILD_OPTIONS ?? '{}') as ChildBotLaunch;
	let plugins: AnyPluginManifest[] | undefined;
	if (launch.plugins) {
		plugins = [];
		for (const spec of launch.plugins) {
			const module = (await import(spec.module)) as Record<string, AnyPluginManifest>;
			for (const name of spec.exports) {
				const plugin = module[name];
				if (!plugin) throw new Error(`${spec.module} has no export ${name}`);
				plugins.push(plugin);
			}
		}
	}
	const clock = launch.clockStartMs === undefined ? undefined : new ManualClock(launch.clockStartMs);
	let scheduleJob: ((message: ChildScheduleRequest) => void) | null = null;
	let callService: ((message: ChildServiceCall) => void) | null = null;
	process.on('message', (message: { type: string; id: number; op: 'set' | 'advance'; ms: number } | ChildScheduleRequest) => {
		if (message.type === 'schedule') {
			scheduleJob?.(message as ChildScheduleRequest);
			return;
		}
		if (message.type === 'call') {
			callService?.(message as unknown as ChildServiceCall);
			return;
		}
		if (message.type !== 'clock' || !clock || !('op' in message)) return;
		if (message.op === 'set') clock.set(message.ms);
		else clock.advance(message.ms);
		send({ type: 'clock-ack', id: message.id, now: clock.now() });
	});
	const handle = await startBot({
		env: launch.env,
		...(plugins ? { plugins } : {}),
		...(clock ? { clock } : {}),
		httpPort: launch.http ? 0 : null,
		httpHost: '127.0.0.1',
		handleSignals: true,
		redisPrefix: launch.redisPrefix
	});
	scheduleJob = (request) => {
		handle.taskQueue.schedule(request.task, request.options).then(
			(job) => send({ type: 'scheduled', id: request.id, jobId: job.jobId, outcome: job.outcome }),
			(error: unknown) => send({ type: 'scheduled', id: request.id, error: String(error) })
		);
	};
	callService = (request) => {
		// `method` may be a path through the service's parts (`opening.open`): the method is called on its owner.
		const path = request.method.split('.');
		const name = path.pop()!;
		let owner = handle.pluginHost.service(request.plugin as never) as Record<string, unknown>;
		for (const part of path) owner = owner[part] as Record<string, unknown>;
		Promise.resolve()
			.then(() => (owner[name] as (...args: unknown[]) => unknown).call(owner, ...request.args))
			.then(
				(result) => send({ type: 'called', id: request.id, result: JSON.parse(JSON.stringify(result ?? null)) as unknown }),
				(error: unknown) => send({ type: 'called', id: request.id, error: String(error) })
			);
	};
	await handle.ready;
	send({ type: 'ready', httpPort: handle.httpPort });
} catch (error) {
	console.error('Child bot failed to start:', error);
	process.exit(1);
}
