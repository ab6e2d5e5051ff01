/**
 * The demo's readable transcript on stdout: scenario steps stamped with the simulated time since the scenario began,
 * and indented details under them (what the bot answered or did).
 */
import type { Clock } from '../../src/lib/clock.js';

/** Milliseconds in a second and a minute. */
const MS_PER_SECOND = 1_000;
const SECONDS_PER_MINUTE = 60;

/** `+mm:ss` (or `+h:mm:ss` past an hour) for a number of milliseconds, rounded down to the second. */
export function formatElapsed(ms: number): string {
	const total = Math.max(0, Math.floor(ms / MS_PER_SECOND));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / SECONDS_PER_MINUTE);
	const seconds = total % SECONDS_PER_MINUTE;
	const mmss = `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
	return hours ? `+${hours}:${mmss}` : `+${mmss}`;
}

/** Writes the transcript. Every line goes through {@link Transcript.write}, so it can be redirected or captured. */
export class Transcript {
	/** Everything written, line by line (for the final report or a test). */
	public readonly lines: string[] = [];

	/**
	 * @param clock the bot's clock (simulated time)
	 * @param startMs the simulated time of the scenario's start, ms since the epoch
	 * @param out where lines go (default stdout)
	 */
	public constructor(
		private readonly clock: Clock,
		private readonly startMs: number,
		private readonly out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)
	) {}

	/** Writes one raw line. */
	public write(line = ''): void {
		this.lines.push(line);
		this.out(line);
	}

	/** A section title, underlined. */
	public heading(title: string): void {
		this.write();
		this.write(title);
		this.write('─'.repeat(Math.min(100, [...title].length)));
	}

	/** A scenario step at the current simulated time: `[+05:00] text`. */
	public step(text: string): void {
		this.write(`[${formatElapsed(this.clock.now() - this.startMs)}] ${text}`);
	}

	/** Lines under the last step: the first gets `   ↳ ` (or `label`), the rest are aligned under it. */
	public detail(lines: readonly string[], label = '↳'): void {
		const head = `         ${label} `;
		const pad = ' '.repeat([...head].length);
		lines.forEach((line, index) => this.write(`${index === 0 ? head : pad}${line}`.trimEnd()));
	}

	/** A plain note (not a step): indented, without a time. */
	public note(text: string): void {
		this.write(`  ${text}`);
	}
}
