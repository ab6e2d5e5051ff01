/**
 * The gateway (Discord's "Gateway" documentation, API v10, JSON encoding): HELLO, heartbeats and ACKs, IDENTIFY
 * with READY and one GUILD_CREATE per guild, sharding by `(guild_id >> 22) % shard_count`, RESUME with replay,
 * op 7 / op 9 / close injection, identify rate limit per `max_concurrency` bucket, and Request Guild Members.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayCloseCodes, GatewayOpcodes } from 'discord-api-types/v10';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FailureLog, Recorder } from '../recorder.js';
import { shardForGuild } from '../snowflake.js';
import type { EmulatorBot, ShardSessionInfo } from '../types.js';
import { SKIP_DISPATCH, type DispatchData, type World } from '../world/world.js';
import { Connection, type GatewayPayload } from './connection.js';
import { handleGatewayCommand } from './commands.js';
import { filterMessageContent, receivesEvent } from './intents.js';
import { Session } from './session.js';

/** Discord's identify rate limit: one IDENTIFY per bucket (`shard_id % max_concurrency`) every 5 seconds. */
export const IDENTIFY_INTERVAL_MS = 5_000;

export interface GatewayOptions {
	bot: EmulatorBot;
	heartbeatInterval: number;
	approvedIntents: number;
	maxConcurrency: number;
	/** Minimum ms between IDENTIFYs of one bucket (Discord: 5000). */
	identifyIntervalMs: number;
	recommendedShards: number;
	/** ws:// URL of this gateway (for READY's resume_gateway_url). */
	url: () => string;
}

export class GatewayServer {
	/** Every session ever identified, by session id. */
	public readonly allSessions = new Map<string, Session>();
	/** The current session of each shard id. */
	public readonly shardSessions = new Map<number, Session>();
	public identifies = 0;
	readonly #wss = new WebSocketServer({ noServer: true });
	readonly #connections = new Set<Connection>();
	readonly #lastIdentifyByBucket = new Map<number, number>();
	readonly #readyWaiters = new Set<() => void>();
	#connectionIds = 0;

	public constructor(
		public readonly world: World,
		public readonly recorder: Recorder,
		public readonly failures: FailureLog,
		public readonly options: GatewayOptions
	) {
		world.setDispatcher((event, data, guildId) => this.dispatch(event, data, guildId));
	}

	/** Accepts a WebSocket upgrade on the HTTP server. */
	public handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
		this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, request));
	}

	#accept(ws: WebSocket, request: IncomingMessage): void {
		const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
		const connection = new Connection(ws, ++this.#connectionIds, query.get('compress') === 'zlib-stream');
		this.#connections.add(connection);
		ws.on('close', (code) => this.#onClose(connection, code));
		ws.on('error', () => {});
		if (query.get('v') && query.get('v') !== '10') {
			this.fail(`gateway connection with unsupported API version v=${query.get('v')}`);
			connection.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
			return;
		}
		if (query.get('encoding') && query.get('encoding') !== 'json') {
			this.fail(`gateway encoding ${query.get('encoding')} is not supported by the emulator (JSON only)`);
			connection.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
			return;
		}
		ws.on('message', (data, isBinary) => this.#onMessage(connection, data.toString(), isBinary));
		this.send(connection, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatInterval }, s: null, t: null });
	}

	#onMessage(connection: Connection, text: string, isBinary: boolean): void {
		let payload: { op?: unknown; d?: unknown };
		try {
			if (isBinary) throw new Error('binary frames are not accepted from clients');
			payload = JSON.parse(text) as { op?: unknown; d?: unknown };
		} catch {
			this.fail('the bot sent a gateway payload that is not valid JSON');
			connection.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
			return;
		}
		this.recorder.recordGateway({
			direction: 'receive',
			shardId: connection.session?.shardId ?? shardOf(payload) ?? this.#resumedShard(payload),
			sessionId: connection.session?.id ?? null,
			op: payload.op as GatewayOpcodes,
			t: null,
			s: null,
			d: payload.d,
			at: Date.now()
		});
		handleGatewayCommand(this, connection, payload);
	}

	/** The shard a RESUME refers to (its session id), for the recorder. */
	#resumedShard(payload: { op?: unknown; d?: unknown }): number | null {
		if (payload.op !== GatewayOpcodes.Resume) return null;
		const sessionId = (payload.d as { session_id?: unknown } | null)?.session_id;
		return typeof sessionId === 'string' ? (this.allSessions.get(sessionId)?.shardId ?? null) : null;
	}

	#onClose(connection: Connection, code: number): void {
		this.#connections.delete(connection);
		const session = connection.session;
		if (session && session.connection === connection) {
			session.connection = null;
			// Closing with 1000 or 1001 ends the session: it cannot be resumed (gateway docs, "Disconnections").
			if (code === 1000 || code === 1001) session.resumable = false;
		}
	}

	/** Sends a frame on a connection and records it. */
	public send(connection: Connection, payload: GatewayPayload): void {
		this.recorder.recordGateway({
			direction: 'send',
			shardId: connection.session?.shardId ?? null,
			sessionId: connection.session?.id ?? null,
			op: payload.op,
			t: payload.t,
			s: payload.s,
			d: payload.d,
			at: Date.now()
		});
		connection.send(payload);
	}

	/** Records a gateway failure ('gateway': a protocol error; 'rate-limited': an identify Discord would throttle). */
	public fail(message: string, kind: 'gateway' | 'rate-limited' = 'gateway'): void {
		this.failures.add({ kind, message });
	}

	/** Creates a session for an IDENTIFY that passed the checks (see commands.ts). */
	public createSession(
		connection: Connection,
		shard: [number, number],
		intents: number,
		largeThreshold: number,
		properties: Record<string, unknown>
	): Session {
		const previous = this.shardSessions.get(shard[0]);
		if (previous) previous.resumable = false;
		const session = new Session(
			randomBytes(16).toString('hex'),
			shard[0],
			shard[1],
			intents,
			largeThreshold,
			properties,
			(owner, payload) => {
				if (owner.connection) this.send(owner.connection, payload);
			}
		);
		this.allSessions.set(session.id, session);
		this.shardSessions.set(session.shardId, session);
		session.connection = connection;
		connection.session = session;
		this.identifies++;
		return session;
	}

	/** Milliseconds the identify bucket of `shardId` must still wait, or 0 (and the bucket is taken). */
	public takeIdentifySlot(shardId: number): number {
		const bucket = shardId % this.options.maxConcurrency;
		const now = Date.now();
		const last = this.#lastIdentifyByBucket.get(bucket);
		// 250 ms of tolerance for timer jitter between the client's throttle and this check.
		const interval = this.options.identifyIntervalMs;
		if (last !== undefined && interval > 0 && now - last < interval - 250) return interval - (now - last);
		this.#lastIdentifyByBucket.set(bucket, now);
		return 0;
	}

	/** Marks a session ready (READY and all GUILD_CREATEs sent) and wakes waitForReady. */
	public markReady(session: Session): void {
		session.ready = true;
		for (const waiter of this.#readyWaiters) waiter();
	}

	/** Routes a dispatch to the session of the shard that owns the guild (shard 0 for DMs), honouring intents. */
	public dispatch(event: string, data: DispatchData, guildId: string | null): void {
		for (const session of this.shardSessions.values()) {
			if (!session.resumable && !session.connection) continue;
			if (!session.ready && event !== 'GUILD_CREATE') continue;
			const target = guildId ? shardForGuild(guildId, session.shardCount) : 0;
			if (target !== session.shardId) continue;
			const aboutBot = (data as { user?: { id?: string } } | null)?.user?.id === this.options.bot.id;
			if (!receivesEvent(session.intents, event, guildId !== null, aboutBot)) continue;
			let payload = typeof data === 'function' ? (data as (s: Session) => unknown)(session) : data;
			if (payload === SKIP_DISPATCH) continue;
			if (event === 'MESSAGE_CREATE' || event === 'MESSAGE_UPDATE') {
				payload = filterMessageContent(session.intents, this.options.bot.id, payload as Record<string, unknown>);
			}
			session.dispatch(event, payload);
		}
	}

	// ----- test controls -----

	/** The current session of each shard, connected or waiting to be resumed. */
	public get sessions(): ShardSessionInfo[] {
		return [...this.shardSessions.values()].sort((a, b) => a.shardId - b.shardId).map((session) => session.info());
	}

	/** Resolves once `shardCount` shards have a connected session that received READY and its GUILD_CREATEs. */
	public waitForReady(shardCount: number, timeoutMs = 20_000): Promise<ShardSessionInfo[]> {
		const readySessions = () =>
			[...this.shardSessions.values()].filter((session) => session.ready && session.connection !== null);
		return new Promise((resolve, reject) => {
			const check = () => {
				const ready = readySessions();
				if (ready.length < shardCount) return false;
				this.#readyWaiters.delete(check);
				clearTimeout(timer);
				resolve(ready.map((session) => session.info()));
				return true;
			};
			const timer = setTimeout(() => {
				this.#readyWaiters.delete(check);
				reject(new Error(`emulator: ${readySessions().length} of ${shardCount} shards ready after ${timeoutMs} ms`));
			}, timeoutMs);
			this.#readyWaiters.add(check);
			check();
		});
	}

	#current(shardId: number): Session {
		const session = this.shardSessions.get(shardId);
		if (!session) throw new Error(`emulator: shard ${shardId} has no session`);
		return session;
	}

	/**
	 * Closes the shard's connection with a close code (default 4000 Unknown error, which clients resume after).
	 * The session stays resumable unless the code ends it (4007 invalid seq, 4009 session timed out, 4004, 4010-4014),
	 * and events sent meanwhile are buffered for the replay.
	 */
	public closeShard(shardId: number, code: number = GatewayCloseCodes.UnknownError): void {
		const session = this.#current(shardId);
		const connection = session.connection;
		session.connection = null;
		if (code === 1000 || code === 1001 || code === 4004 || code === 4007 || code === 4009 || code >= 4010) {
			session.resumable = false;
		}
		connection?.close(code, 'closed by the emulator');
	}

	/** Sends op 7 RECONNECT: the client should reconnect and resume. */
	public sendReconnect(shardId: number): void {
		const connection = this.#current(shardId).connection;
		if (connection) this.send(connection, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
	}

	/** Sends op 9 INVALID_SESSION with `d: resumable`; when false the session can no longer be resumed. */
	public invalidateSession(shardId: number, resumable: boolean): void {
		const session = this.#current(shardId);
		const connection = session.connection;
		if (!resumable) session.resumable = false;
		if (connection) {
			this.send(connection, { op: GatewayOpcodes.InvalidSession, d: resumable, s: null, t: null });
			// The client answers on the same socket with RESUME or a fresh IDENTIFY.
			connection.session = null;
			session.connection = null;
		}
	}

	/** Sends op 1 HEARTBEAT (the client must heartbeat at once). */
	public requestHeartbeat(shardId: number): void {
		const connection = this.#current(shardId).connection;
		if (connection) this.send(connection, { op: GatewayOpcodes.Heartbeat, d: null, s: null, t: null });
	}

	/** Closes every connection (1001 Going Away) and the WebSocket server. */
	public async close(): Promise<void> {
		for (const connection of this.#connections) connection.close(1001, 'emulator stopping');
		for (const client of this.#wss.clients) client.terminate();
		await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
	}
}

function shardOf(payload: { op?: unknown; d?: unknown }): number | null {
	const shard = (payload.d as { shard?: unknown } | null | undefined)?.shard;
	return Array.isArray(shard) && typeof shard[0] === 'number' ? shard[0] : null;
}
