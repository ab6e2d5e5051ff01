/**
 * The command line of a benchmark script (bench/tasks.ts, bench/timers.ts, bench/voiceXp.ts): options parsed with
 * node:util `parseArgs`, `--help`, and bad options. Every script behaves the same way:
 *
 * - `--help` prints the script's usage on stdout and exits 0;
 * - an unknown option or a stray argument prints parseArgs' message and the usage on stderr and exits 2;
 * - a bad option value prints one line saying what is wrong and `See npm run bench:<script> -- --help` on stderr and
 *   exits 2.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { count } from './format.js';

/** The values `parseArgs` returns for `options` (strict, no positionals). */
export type OptionValues<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: O }>>['values'];

/** One benchmark script's command line. Declare the variable holding it with this type, so that `badOption` ends control flow for TypeScript. */
export interface BenchCommand {
	/**
	 * The options given (`--help` is added to `options`): exits 0 with the usage for `--help`, and 2 with parseArgs'
	 * message and the usage for an unknown option or a stray argument (checked before `--help`).
	 */
	parse<const O extends ParseArgsOptionsConfig>(options: O): OptionValues<O>;
	/** Exits 2 with `message` (a bad option value) and where to find the usage. */
	badOption(message: string): never;
	/** `text` as a whole number within [min, max] (digits only), or exit 2 through {@link BenchCommand.badOption}. */
	wholeNumber(name: string, text: string, min: number, max: number): number;
}

/**
 * The command line of the script run as `npm run bench:<script>`.
 * @param script the npm script's name after `bench:` (`tasks`, `timers`, `voice-xp`), named in bad-option messages.
 * @param usage the usage text printed for `--help` and after an unknown option.
 */
export function benchCommand(script: string, usage: string): BenchCommand {
	const badOption = (message: string): never => {
		process.stderr.write(`${message}\n\nSee npm run bench:${script} -- --help\n`);
		process.exit(2);
	};
	return {
		parse<const O extends ParseArgsOptionsConfig>(options: O): OptionValues<O> {
			let values: OptionValues<O> & { help?: boolean };
			try {
				values = parseArgs({ options: { ...options, help: { type: 'boolean', default: false } } }).values as OptionValues<O> & { help?: boolean };
			} catch (error) {
				process.stderr.write(`${(error as Error).message}\n\n${usage}`);
				process.exit(2);
			}
			if (values.help) {
				process.stdout.write(usage);
				process.exit(0);
			}
			return values;
		},
		badOption,
		wholeNumber(name: string, text: string, min: number, max: number): number {
			const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
			if (!Number.isSafeInteger(value) || value < min || value > max) badOption(`--${name} must be a whole number from ${count(min)} to ${count(max)}, got "${text}"`);
			return value;
		}
	};
}
