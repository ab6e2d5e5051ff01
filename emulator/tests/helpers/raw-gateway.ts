/**
 * A minimal gateway client for protocol tests: raw frames in, raw frames out, no library in between.
 */
import { createInflate, constants } from 'node:zlib';
import WebSocket from 'ws';

export interface Frame {
	op: number;
	d: any;
	s: number | null;
	t: string | null;
}

export class RawGateway {
	public readonly frames: Frame[] = [];
	public closeCode: number | null = null;
	readonly #waiters = new Set<() => void>();
	readonly #socket: WebSocket;
	#cursor = 0;
	#minSeq = 0;

	private constructor(socket: WebSocket, zlibStream: boolean) {
		this.#socket = socket;
		const inflate = zlibStream ? createInflate({ chunkSize: 65535 }) : null;
		let pending = '';
		inflate?.on('data', (chunk: Buffer) => {
			pending += chunk.toString('utf8');
		});
		socket.on('message', (data: Buffer, isBinary) => {
			if (inflate && isBinary) {
				inflate.write(data);
				inflate.flush(constants.Z_SYNC_FLUSH, () => {
					if (!pending) return;
					const text = pending;
					pending = '';
					this.#push(JSON.parse(text) as Frame);
				});
				return;
			}
			this.#push(JSON.parse(data.toString('utf8')) as Frame);
		});
		socket.on('close', (code) => {
			this.closeCode = code;
			this.#wake();
		});
	}

	/** Connects to a gateway URL (query `v=10&encoding=json` added, plus `compress=zlib-stream` if asked). */
	public static async connect(url: string, options: { zlibStream?: boolean } = {}): Promise<RawGateway> {
		const query = `?v=10&encoding=json${options.zlibStream ? '&compress=zlib-stream' : ''}`;
		const socket = new WebSocket(`${url}${query}`);
		const client = new RawGateway(socket, options.zlibStream ?? false);
		await new Promise<void>((resolve, reject) => {
			socket.once('open', () => resolve());
			socket.once('error', reject);
		});
		return client;
	}

	#push(frame: Frame): void {
		this.frames.push(frame);
		this.#wake();
	}

	#wake(): void {
		for (const waiter of this.#waiters) waiter();
	}

	public send(op: number, d: unknown): void {
		this.#socket.send(JSON.stringify({ op, d }));
	}

	public identify(token: string, intents: number, shard: [number, number] = [0, 1], extra: Record<string, unknown> = {}): void {
		this.send(2, { token, intents, shard, properties: { os: 'linux', browser: 'raw', device: 'raw' }, ...extra });
	}

	/** The next frame (after the ones already consumed) that matches, waiting up to `timeoutMs`. */
	public next(predicate: (frame: Frame) => boolean = () => true, timeoutMs = 5_000): Promise<Frame> {
		return new Promise((resolve, reject) => {
			const check = () => {
				for (let index = this.#cursor; index < this.frames.length; index++) {
					const frame = this.frames[index]!;
					if (frame.op === 0 && frame.s !== null && frame.s <= this.#minSeq) continue;
					if (predicate(frame)) {
						this.#cursor = index + 1;
						this.#waiters.delete(check);
						clearTimeout(timer);
						resolve(frame);
						return;
					}
				}
				if (this.closeCode !== null) {
					this.#waiters.delete(check);
					clearTimeout(timer);
					reject(new Error(`gateway closed with ${this.closeCode}`));
				}
			};
			const timer = setTimeout(() => {
				this.#waiters.delete(check);
				reject(new Error(`no matching frame within ${timeoutMs} ms (got ${this.frames.map((f) => f.t ?? f.op).join(', ')})`));
			}, timeoutMs);
			this.#waiters.add(check);
			check();
		});
	}

	/** Ignores dispatches up to sequence `seq` (e.g. `emu.gateway.sessions[0].seq`), even those still in flight. */
	public skipTo(seq: number): void {
		this.#minSeq = seq;
	}

	/** Dispatch with event name `t`. */
	public dispatch(t: string, timeoutMs?: number): Promise<Frame> {
		return this.next((frame) => frame.op === 0 && frame.t === t, timeoutMs);
	}

	/** Resolves with the close code. */
	public closed(timeoutMs = 5_000): Promise<number> {
		return new Promise((resolve, reject) => {
			const check = () => {
				if (this.closeCode === null) return;
				this.#waiters.delete(check);
				clearTimeout(timer);
				resolve(this.closeCode);
			};
			const timer = setTimeout(() => reject(new Error('socket still open')), timeoutMs);
			this.#waiters.add(check);
			check();
		});
	}

	/** Dispatches received so far with this name. */
	public received(t: string): Frame[] {
		return this.frames.filter((frame) => frame.op === 0 && frame.t === t);
	}

	public close(code = 1000): void {
		this.#socket.close(code);
	}
}
