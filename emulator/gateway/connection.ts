/**
 * One WebSocket connection to the gateway: JSON encoding, optional transport compression (`compress=zlib-stream`,
 * one zlib context per connection, each frame ending with a Z_SYNC_FLUSH) or payload compression (IDENTIFY
 * `compress: true`, each frame zlib-deflated on its own), as described in Discord's gateway documentation.
 */
import { constants, createDeflate, deflateSync, type Deflate } from 'node:zlib';
import type { WebSocket } from 'ws';
import type { Session } from './session.js';

export interface GatewayPayload {
	op: number;
	d: unknown;
	s: number | null;
	t: string | null;
}

export class Connection {
	/** The session this connection carries (after IDENTIFY or RESUME). */
	public session: Session | null = null;
	/** Set when the client sent IDENTIFY with `compress: true`. */
	public payloadCompression = false;
	public closed = false;
	readonly #stream: Deflate | null;
	#queue: Promise<void> = Promise.resolve();

	public constructor(
		public readonly socket: WebSocket,
		public readonly id: number,
		transportCompression: boolean
	) {
		this.#stream = transportCompression ? createDeflate({ chunkSize: 65535 }) : null;
		socket.on('close', () => {
			this.closed = true;
			this.#stream?.close();
		});
	}

	/** Sends a payload (in order, even when compression makes writing asynchronous). */
	public send(payload: GatewayPayload): void {
		if (this.closed) return;
		const text = JSON.stringify(payload);
		if (this.#stream) {
			const stream = this.#stream;
			this.#queue = this.#queue.then(
				() =>
					new Promise<void>((resolve) => {
						const chunks: Buffer[] = [];
						const onData = (chunk: Buffer) => chunks.push(chunk);
						stream.on('data', onData);
						stream.write(text);
						stream.flush(constants.Z_SYNC_FLUSH, () => {
							stream.off('data', onData);
							if (!this.closed && this.socket.readyState === this.socket.OPEN) {
								this.socket.send(Buffer.concat(chunks), { binary: true });
							}
							resolve();
						});
					})
			);
			return;
		}
		if (this.payloadCompression) {
			this.socket.send(deflateSync(text), { binary: true });
			return;
		}
		if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
	}

	/** Closes the socket with a gateway close code (after frames already queued). */
	public close(code: number, reason = ''): void {
		if (this.closed) return;
		this.closed = true;
		void this.#queue.then(() => {
			if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
				this.socket.close(code, reason);
			}
		});
	}
}
