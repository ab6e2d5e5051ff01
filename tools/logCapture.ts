import { Writable } from 'node:stream';

/**
 * Log lines of a bot run (a test bot, a child bot, the benchmark's bot), kept in memory in order; echoed to stderr
 * too when `BOT_TEST_LOGS=1`. Feed it through {@link stream} (the bot's `logStream`) or {@link push}.
 */
export class LogCapture {
	/** Every non-empty line so far, in order. */
	public readonly lines: string[] = [];
	readonly #echo = process.env.BOT_TEST_LOGS === '1';

	/** A stream for the bot's logger. */
	public readonly stream = new Writable({
		write: (chunk: Buffer | string, _encoding, callback) => {
			this.push(String(chunk));
			callback();
		}
	});

	/** Adds raw output (one or more lines). */
	public push(text: string): void {
		for (const line of text.split('\n')) {
			if (!line) continue;
			this.lines.push(line);
			if (this.#echo) process.stderr.write(`${line}\n`);
		}
	}

	/** Lines containing `text` (or matching a RegExp). */
	public find(text: string | RegExp): string[] {
		return this.lines.filter((line) => (typeof text === 'string' ? line.includes(text) : text.test(line)));
	}
}
