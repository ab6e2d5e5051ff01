/**
 * Prints the voice XP level table for tuning a guild's rate (issue 4, `npm run levels`): level, XP to the next level,
 * total XP, and the hours of eligible voice time needed at a given XP per minute.
 *
 * Usage: `levels [--max <last level, default 50>] [--rate <XP per minute, default 6>]`
 * (run from source with `tsx src/plugins/voice-xp/scripts/levels.ts --max 50 --rate 6`).
 * `--help` prints the usage (exit 0); an unknown option or an invalid value prints the problem and the usage (exit 2).
 */
import { parseArgs } from 'node:util';
import { defaultVoiceXpConfig } from '../lib/config.js';
import { formatLevelTable, levelTable } from '../lib/levels.js';

const USAGE = 'usage: npm run levels -- [--max <last level 1-10000, default 50>] [--rate <XP per minute > 0, default 6>] [--help]';

/**
 * Parses the command line and returns the table text (the usage for `--help`).
 *
 * @param argv the arguments after the script name
 * @throws Error with a message naming the bad argument
 */
export function runLevels(argv: readonly string[]): string {
	const { values } = parseArgs({
		args: [...argv],
		options: {
			max: { type: 'string', default: '50' },
			rate: { type: 'string', default: String(defaultVoiceXpConfig.xpPerMinute) },
			help: { type: 'boolean', short: 'h', default: false }
		},
		strict: true,
		allowPositionals: false
	});
	if (values.help) return USAGE;
	const max = Number(values.max);
	const rate = Number(values.rate);
	if (!Number.isInteger(max) || max < 1 || max > 10_000) throw new Error(`--max must be an integer from 1 to 10000, got "${values.max}"`);
	if (!Number.isFinite(rate) || rate <= 0) throw new Error(`--rate must be a number above 0, got "${values.rate}"`);
	return formatLevelTable(levelTable(max, rate), rate);
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
	try {
		console.log(runLevels(process.argv.slice(2)));
	} catch (error) {
		console.error(error instanceof Error ? error.message : String(error));
		console.error(USAGE);
		process.exitCode = 2;
	}
}
