import { describe, expect, it } from 'vitest';
import { BotMetrics } from '../../../src/lib/observability/index.js';

describe('BotMetrics', () => {
	it('exposes incremented command, gateway and shard metrics in Prometheus text', async () => {
		const metrics = new BotMetrics();
		metrics.recordCommand('ping', 'success', 0.04);
		metrics.recordCommand('ping', 'success', 0.2);
		metrics.recordCommand('plugins', 'denied', 0.005);
		metrics.gatewayEvents.inc({ event: 'GUILD_CREATE' }, 3);
		metrics.setShardPing(1, 87);
		const text = await metrics.render();
		expect(text).toContain('hearth_commands_total{command="ping",outcome="success"} 2');
		expect(text).toContain('hearth_commands_total{command="plugins",outcome="denied"} 1');
		expect(text).toContain('hearth_command_duration_seconds_bucket{le="0.05",command="ping"} 1');
		expect(text).toContain('hearth_command_duration_seconds_bucket{le="0.25",command="ping"} 2');
		expect(text).toContain('hearth_command_duration_seconds_count{command="ping"} 2');
		expect(text).toContain('hearth_gateway_events_total{event="GUILD_CREATE"} 3');
		expect(text).toContain('hearth_shard_ping_milliseconds{shard="1"} 87');
	});

	it('includes default process metrics, all prefixed hearth_', async () => {
		const text = await new BotMetrics().render();
		expect(text).toMatch(/^hearth_process_cpu_user_seconds_total \d/m);
		expect(text).toMatch(/^hearth_nodejs_heap_size_used_bytes \d/m);
		const names = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
		expect(names.every((line) => line.startsWith('hearth_'))).toBe(true);
	});

	it('keeps instances independent', async () => {
		const first = new BotMetrics();
		const second = new BotMetrics();
		first.recordCommand('ping', 'error', 1);
		expect(await first.render()).toContain('hearth_commands_total{command="ping",outcome="error"} 1');
		expect(await second.render()).not.toContain('command="ping"');
	});

	it('times a command with an injected clock (milliseconds in, seconds out)', async () => {
		const metrics = new BotMetrics();
		let now = 1_000;
		const finish = metrics.startCommand('rank', () => now);
		now += 2_500;
		finish('success');
		const text = await metrics.render();
		expect(text).toContain('hearth_command_duration_seconds_sum{command="rank"} 2.5');
		expect(text).toContain('hearth_command_duration_seconds_bucket{le="2",command="rank"} 0');
		expect(text).toContain('hearth_command_duration_seconds_bucket{le="3",command="rank"} 1');
		expect(text).toContain('hearth_commands_total{command="rank",outcome="success"} 1');
	});
});
