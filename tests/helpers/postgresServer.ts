import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redisServer.js';

/**
 * A private PostgreSQL server for fault tests that stop the database (the machine's shared server on 5432 is never
 * touched): a fresh cluster (`initdb`, trust authentication, no fsync) in a temporary directory, on a free port.
 *
 * PostgreSQL refuses to run as root: when the tests run as root (CI containers), `initdb` and `postgres` run as the
 * `postgres` system user (spawned with its uid and gid), and the directory is given to that user.
 */
export interface TestPostgresServer {
	port: number;
	/** `postgres://postgres@127.0.0.1:<port>/postgres`. */
	url: string;
	/** Stops the server at once (SIGQUIT: PostgreSQL's immediate shutdown, as a crash; open connections are cut). */
	stop(): Promise<void>;
	/** Starts it again on the same port and directory (what was committed is still there, after crash recovery). */
	start(): Promise<void>;
	/** Stops it and removes its directory. */
	destroy(): Promise<void>;
}

/** The newest installed PostgreSQL's bin directory (Debian layout `/usr/lib/postgresql/<version>/bin`), or null (then PATH). */
function postgresBin(): string | null {
	try {
		const versions = readdirSync('/usr/lib/postgresql').filter((name) => /^\d+$/.test(name));
		versions.sort((a, b) => Number(b) - Number(a));
		return versions[0] ? join('/usr/lib/postgresql', versions[0], 'bin') : null;
	} catch {
		return null;
	}
}

/** The `postgres` system user's uid and gid when we are root (PostgreSQL will not run as root), else null. */
function postgresUser(): { uid: number; gid: number } | null {
	if (process.getuid?.() !== 0) return null;
	const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
	if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('running as root, and there is no postgres user to run PostgreSQL as');
	return { uid, gid };
}

/** The path of a PostgreSQL program. */
function program(name: string): string {
	const bin = postgresBin();
	return bin ? join(bin, name) : name;
}

/** Whether the server on `port` accepts connections (`pg_isready`, exit code 0). */
function isReady(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const probe = spawn(program('pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-t', '1'], { stdio: 'ignore' });
		probe.once('exit', (code) => resolve(code === 0));
		probe.once('error', () => resolve(false));
	});
}

/** Waits until the server on `port` accepts connections. @throws Error after `timeoutMs`. */
async function waitForConnection(port: number, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await isReady(port))) {
		if (Date.now() > deadline) throw new Error(`private PostgreSQL on port ${port} did not answer within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/**
 * Creates and starts a throw-away PostgreSQL cluster on a free port.
 * @throws Error when `initdb` fails or the server does not accept connections within 30 s.
 */
export async function startTestPostgresServer(): Promise<TestPostgresServer> {
	const port = await freePort();
	const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
	const dir = mkdtempSync(join(tmpdir(), 'hearth-pg-'));
	const user = postgresUser();
	if (user) chownSync(dir, user.uid, user.gid);
	const init = spawnSync(program('initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], {
		encoding: 'utf8',
		...(user ?? {})
	});
	if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);

	let child: ChildProcess | null = null;
	const start = async () => {
		const args = ['-D', dir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'full_page_writes=off'];
		child = spawn(program('postgres'), [...args, '-c', 'shared_buffers=32MB', '-c', 'max_connections=50'], { stdio: 'ignore', ...(user ?? {}) });
		await waitForConnection(port, 30_000);
	};
	const stop = async () => {
		const running = child;
		child = null;
		if (!running || running.exitCode !== null) return;
		const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
		// SIGQUIT to the postmaster is PostgreSQL's immediate shutdown: it ends its children and exits.
		running.kill('SIGQUIT');
		await exited;
		// The postmaster's children leave within moments; wait until the port refuses.
		const deadline = Date.now() + 10_000;
		while (Date.now() < deadline && (await isReady(port))) await new Promise((resolve) => setTimeout(resolve, 50));
	};
	await start();
	return {
		port,
		url,
		start,
		stop,
		async destroy() {
			await stop();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
