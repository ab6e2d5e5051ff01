/**
 * Checks a giveaway's published draw file (issue 11, `npm run giveaway:verify -- <file>`): the commitment, the entry
 * list and its hash, and every round's winners recomputed from the secret (docs/giveaways.md ("A draw anyone can verify")). A developer tool:
 * it prints in English; the bot's `/giveaway verify` translates the same problem codes.
 *
 * Usage: `giveaway:verify <file.json | ->` (`-` reads the file from standard input)
 * (run from source with `tsx src/plugins/giveaways/scripts/verify.ts draw.json`).
 * Exit codes: 0 verified; 1 a check failed; 2 bad usage (`--help` prints the usage and exits 0), a file that cannot be
 * read, is not JSON or not a draw record, or of another version than `hearth-draw-v1`.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { DRAW_VERSION, type DrawProblem, type DrawRecord, drawRecordSchema, verifyDrawRecord } from '../lib/draw.js';

const USAGE = 'usage: npm run giveaway:verify -- <draw file.json | - for standard input> [--help]';

/** What a run prints and its exit code: 0 verified, 1 a check failed, 2 bad usage or unreadable input. */
export interface VerifyRun {
	readonly code: 0 | 1 | 2;
	/** Lines for standard output. */
	readonly out: readonly string[];
	/** Lines for standard error. */
	readonly err: readonly string[];
}

/** A list of user ids for a line of output. */
function ids(list: string | readonly string[] | undefined): string {
	if (list === undefined) return '?';
	if (typeof list === 'string') return list;
	return list.length === 0 ? '(none)' : list.join(', ');
}

/** One problem in English (the bot translates the codes instead). */
function describeProblem(problem: DrawProblem): string {
	switch (problem.code) {
		case 'version':
			return `version: this tool verifies ${DRAW_VERSION} records, the file is "${ids(problem.actual)}"`;
		case 'commitment':
			return `commitment: SHA-256 of the secret is ${ids(problem.expected)}, the file says ${ids(problem.actual)}`;
		case 'entries':
			return problem.expected === undefined
				? `entries: entry ${problem.index} is invalid or repeated (${ids(problem.actual)}); winners not recomputed`
				: `entries: not in canonical order at entry ${problem.index}: ${ids(problem.actual)} where ${ids(problem.expected)} belongs`;
		case 'entriesHash':
			return `entries hash: SHA-256 of the entry list is ${ids(problem.expected)}, the file says ${ids(problem.actual)}`;
		case 'winners':
			return problem.field === 'exclude'
				? `round ${problem.round}: must exclude the earlier winners ${ids(problem.expected)}, the file says ${ids(problem.actual)}`
				: `round ${problem.round}: the draw gives ${ids(problem.expected)}, the file says ${ids(problem.actual)}`;
	}
}

/** The report of a record that parsed: every check with its outcome, then the verdict. */
function report(record: DrawRecord): VerifyRun {
	const verification = verifyDrawRecord(record);
	const problems = verification.ok ? [] : verification.problems;
	if (problems.some((problem) => problem.code === 'version')) return { code: 2, out: [], err: problems.map(describeProblem) };
	const failed = (code: DrawProblem['code'], round?: number) => problems.filter((problem) => problem.code === code && problem.round === round);
	const line = (found: DrawProblem[], okText: string) => (found.length > 0 ? found.map((problem) => `FAILED  ${describeProblem(problem)}`).join('\n') : `ok      ${okText}`);
	const totalWeight = record.entries.reduce((sum, entry) => sum + entry.weight, 0);
	// An `entries` problem with an `expected` id is an order problem: the draw sorts the list, so rounds are still checked.
	const recomputed = failed('entries').every((problem) => problem.expected !== undefined);
	const out = [
		`${DRAW_VERSION} draw of giveaway ${record.giveaway.id} in guild ${record.giveaway.guildId} (prize: ${JSON.stringify(record.giveaway.prize)})`,
		line(failed('commitment'), `commitment ${record.commitment} is SHA-256 of the published secret`),
		line(failed('entries'), `entries: ${record.entries.length} valid entries in canonical order, total weight ${totalWeight}`),
		line(failed('entriesHash'), `entries hash ${record.entriesHash} is SHA-256 of the entry list`)
	];
	for (const round of record.rounds) {
		const name = round.round === 0 ? 'round 0 (the end)' : `round ${round.round} (reroll, excluding ${round.exclude.length} earlier winners)`;
		if (!recomputed) {
			out.push(`skipped ${name}: ${round.count} asked, the file says ${ids(round.winners)}`);
		} else {
			out.push(line(failed('winners', round.round), `${name}: ${round.count} asked, winners in draw order: ${ids(round.winners)}`));
		}
	}
	out.push(problems.length === 0 ? 'verified: the winners follow from the published secret and entry list' : `NOT verified: ${problems.length} check(s) failed`);
	return { code: problems.length === 0 ? 0 : 1, out, err: [] };
}

/**
 * Parses the command line, reads the draw file and checks it.
 * @param argv the arguments after the script name: one path, or `-` for standard input, or `--help`.
 * @param readInput reads a path (`-`: standard input) as UTF-8 text; the file system (a gzip-compressed file, as the
 *   bot attaches a record over 8 MiB, is unpacked) and `process.stdin` by default.
 * @returns the lines to print and the exit code; never throws for bad input (exit 2).
 */
export async function runVerify(
	argv: readonly string[],
	readInput: (path: string) => Promise<string> = async (path) => (path === '-' ? text(process.stdin) : decodeDrawFile(await readFile(path)))
): Promise<VerifyRun> {
	let positionals: string[];
	try {
		const parsed = parseArgs({ args: [...argv], options: { help: { type: 'boolean', short: 'h', default: false } }, strict: true, allowPositionals: true });
		if (parsed.values.help) return { code: 0, out: [USAGE], err: [] };
		positionals = parsed.positionals;
	} catch (error) {
		return { code: 2, out: [], err: [error instanceof Error ? error.message : String(error), USAGE] };
	}
	if (positionals.length !== 1) return { code: 2, out: [], err: [`expected one draw file, got ${positionals.length}`, USAGE] };
	const path = positionals[0]!;
	let json: unknown;
	try {
		json = JSON.parse(await readInput(path));
	} catch (error) {
		return { code: 2, out: [], err: [`cannot read ${path === '-' ? 'standard input' : path}: ${error instanceof Error ? error.message : String(error)}`] };
	}
	const version = (json as { version?: unknown } | null)?.version;
	if (version !== DRAW_VERSION) {
		return { code: 2, out: [], err: [`not a ${DRAW_VERSION} draw record: version is ${JSON.stringify(version ?? null)}`] };
	}
	const parsed = drawRecordSchema.safeParse(json);
	if (!parsed.success) {
		const issues = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(file)'}: ${issue.message}`);
		return { code: 2, out: [], err: [`not a ${DRAW_VERSION} draw record:`, ...issues] };
	}
	return report(parsed.data);
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
	const run = await runVerify(process.argv.slice(2));
	for (const line of run.out) console.log(line);
	for (const line of run.err) console.error(line);
	process.exitCode = run.code;
}

/** A draw file's text: UTF-8 JSON, or the same gzip-compressed (`.json.gz`, recognised by gzip's magic bytes 1f 8b). */
export function decodeDrawFile(bytes: Buffer): string {
	return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
}
