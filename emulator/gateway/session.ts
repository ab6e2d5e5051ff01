/**
 * A gateway session of one shard: its sequence numbers and the buffer of dispatches that RESUME replays. A session
 * outlives its connection: while disconnected (but resumable) the events for its shard are buffered, as Discord does.
 */
import type { ShardSessionInfo } from '../types.js';
import type { Connection, GatewayPayload } from './connection.js';

/** Dispatches kept for RESUME (at least this many, at most twice); a RESUME from before them gets INVALID_SESSION. */
export const REPLAY_BUFFER_SIZE = 20_000;

export class Session {
	public seq = 0;
	public connection: Connection | null = null;
	public resumable = true;
	/** True once READY was sent and every guild's GUILD_CREATE followed. */
	public ready = false;
	public replayed = 0;
	public resumes = 0;
	readonly #buffer: GatewayPayload[] = [];

	public constructor(
		public readonly id: string,
		public readonly shardId: number,
		public readonly shardCount: number,
		public readonly intents: number,
		public readonly largeThreshold: number,
		public readonly properties: Record<string, unknown>,
		private readonly onSend: (session: Session, payload: GatewayPayload) => void
	) {}

	/** Numbers and sends (or buffers, while disconnected) a dispatch. */
	public dispatch(t: string, d: unknown): void {
		const payload: GatewayPayload = { op: 0, t, s: ++this.seq, d };
		this.#buffer.push(payload);
		// Trim in batches: shifting one element per event would cost O(n) each time.
		if (this.#buffer.length > REPLAY_BUFFER_SIZE * 2) this.#buffer.splice(0, this.#buffer.length - REPLAY_BUFFER_SIZE);
		if (this.connection) this.onSend(this, payload);
	}

	/** Dispatches after `seq`, or null when some of them are no longer buffered. */
	public after(seq: number): GatewayPayload[] | null {
		if (seq > this.seq || seq < 0) return null;
		const first = this.#buffer[0];
		if (seq < this.seq && (!first || first.s! > seq + 1)) return null;
		return this.#buffer.filter((payload) => payload.s! > seq);
	}

	public info(): ShardSessionInfo {
		return {
			shardId: this.shardId,
			shardCount: this.shardCount,
			intents: this.intents,
			sessionId: this.id,
			seq: this.seq,
			connected: this.connection !== null,
			resumable: this.resumable,
			properties: this.properties,
			replayed: this.replayed,
			resumes: this.resumes
		};
	}
}
