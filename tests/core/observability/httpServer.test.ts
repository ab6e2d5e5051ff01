import { afterEach, describe, expect, it } from 'vitest';
import { BotMetrics, runHealthChecks, startHttpServer, type HealthReport, type RunningHttpServer } from '../../../src/lib/observability/index.js';

const running: RunningHttpServer[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(health: () => Promise<HealthReport>, metrics = new BotMetrics()): Promise<{ base: string; server: RunningHttpServer }> {
	const server = await startHttpServer({ port: 0, host: '127.0.0.1', metrics, health, healthTimeoutMs: 50 });
	running.push(server);
	return { base: `http://127.0.0.1:${server.port}`, server };
}

/** A promise that never settles: a check that hangs. */
const never = <T>(): Promise<T> => new Promise<T>(() => {});

describe('startHttpServer', () => {
	it('binds a free port when asked for port 0', async () => {
		const { server } = await start(async () => ({ ready: true, checks: {} }));
		expect(server.port).toBeGreaterThan(0);
	});

	it('answers /healthz 200 when ready', async () => {
		const { base } = await start(async () => ({ ready: true, checks: { gateway: true, postgres: true, redis: true } }));
		const response = await fetch(`${base}/healthz`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^application\/json/);
		expect(await response.json()).toEqual({ status: 'ready', checks: { gateway: true, postgres: true, redis: true } });
	});

	it('answers /healthz 503 when not ready', async () => {
		const { base } = await start(async () => ({ ready: false, checks: { gateway: true, redis: false } }));
		const response = await fetch(`${base}/healthz?verbose=1`);
		expect(response.status).toBe(503);
		expect(await response.json()).toEqual({ status: 'not_ready', checks: { gateway: true, redis: false } });
	});

	it('answers 503 when the health function throws', async () => {
		const { base } = await start(async () => {
			throw new Error('pool destroyed');
		});
		const response = await fetch(`${base}/healthz`);
		expect(response.status).toBe(503);
		expect(await response.json()).toEqual({ status: 'not_ready', checks: {}, error: 'pool destroyed' });
	});

	it('answers 503 when the health function is too slow', async () => {
		const { base } = await start(never);
		const response = await fetch(`${base}/healthz`);
		expect(response.status).toBe(503);
		expect(await response.json()).toMatchObject({ status: 'not_ready', error: 'Health check took longer than 50 ms' });
	});

	it('serves incremented metrics at /metrics in Prometheus text format', async () => {
		const metrics = new BotMetrics();
		const { base } = await start(async () => ({ ready: true, checks: {} }), metrics);
		metrics.recordCommand('language', 'success', 0.1);
		const response = await fetch(`${base}/metrics`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
		const text = await response.text();
		expect(text).toContain('# TYPE hearth_commands_total counter');
		expect(text).toContain('hearth_commands_total{command="language",outcome="success"} 1');
	});

	it('answers 404 elsewhere and 405 for other methods', async () => {
		const { base } = await start(async () => ({ ready: true, checks: {} }));
		expect((await fetch(`${base}/`)).status).toBe(404);
		expect((await fetch(`${base}/metricsx`)).status).toBe(404);
		const post = await fetch(`${base}/healthz`, { method: 'POST' });
		expect(post.status).toBe(405);
		expect(post.headers.get('allow')).toBe('GET, HEAD');
	});

	it('closes despite open keep-alive connections and frees the port', async () => {
		const { base, server } = await start(async () => ({ ready: true, checks: {} }));
		const response = await fetch(`${base}/healthz`, { headers: { connection: 'keep-alive' } });
		await response.text();
		await server.close();
		await expect(fetch(`${base}/healthz`)).rejects.toThrow();
		// The same port can be bound again.
		const again = await startHttpServer({ port: server.port, host: '127.0.0.1', metrics: new BotMetrics(), health: async () => ({ ready: true, checks: {} }) });
		running.push(again);
		expect(again.port).toBe(server.port);
	});

	it('rejects when the port is taken', async () => {
		const { server } = await start(async () => ({ ready: true, checks: {} }));
		await expect(startHttpServer({ port: server.port, host: '127.0.0.1', metrics: new BotMetrics(), health: async () => ({ ready: true, checks: {} }) })).rejects.toThrow(/EADDRINUSE/);
	});
});

describe('runHealthChecks', () => {
	it('is ready only when every check passes in time', async () => {
		expect(await runHealthChecks({ gateway: () => true, postgres: async () => true }, 50)).toEqual({
			ready: true,
			checks: { gateway: true, postgres: true }
		});
		const report = await runHealthChecks(
			{
				gateway: () => true,
				postgres: async () => {
					throw new Error('ECONNREFUSED');
				},
				redis: never,
				shards: () => false
			},
			50
		);
		expect(report).toEqual({ ready: false, checks: { gateway: true, postgres: false, redis: false, shards: false } });
	});

	it('feeds /healthz', async () => {
		const { base } = await start(() => runHealthChecks({ gateway: () => true, redis: never }, 20));
		const response = await fetch(`${base}/healthz`);
		expect(response.status).toBe(503);
		expect(await response.json()).toEqual({ status: 'not_ready', checks: { gateway: true, redis: false } });
	});
});
