import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../../src/lib/paths.js';
import { buildDrawRecord, commitmentOf, drawNextRound, type DrawRecord } from '../../../../src/plugins/giveaways/lib/draw.js';
import { runVerify } from '../../../../src/plugins/giveaways/scripts/verify.js';

const run = promisify(execFile);
const tsx = join(projectRoot, 'node_modules/tsx/dist/cli.mjs');
const directory = mkdtempSync(join(tmpdir(), 'hearth-draw-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const SECRET = 'ab'.repeat(32);
const ENTRIES = [
	{ userId: '300000000000000000', weight: 3 },
	{ userId: '100000000000000000', weight: 1 },
	{ userId: '200000000000000000', weight: 2 },
	{ userId: '99999999999999999', weight: 5 }
];

/** A valid record: round 0 with two winners, one reroll. */
function validRecord(): DrawRecord {
	const round0 = drawNextRound({ secret: SECRET, entries: ENTRIES, count: 2, earlierRounds: [] });
	const round1 = drawNextRound({ secret: SECRET, entries: ENTRIES, count: 1, earlierRounds: [round0] });
	return buildDrawRecord({ giveaway: { guildId: '111111111111111111', id: '3', prize: 'A mug' }, secret: SECRET, entries: ENTRIES, rounds: [round0, round1] });
}

/** A record whose round 0 names another winner (an entrant who did not win). */
function tamperedRecord(): DrawRecord {
	const record = validRecord();
	const loser = ENTRIES.map((entry) => entry.userId).find((userId) => !record.rounds.some((round) => round.winners.includes(userId)))!;
	return { ...record, rounds: [{ ...record.rounds[0]!, winners: [loser, record.rounds[0]!.winners[1]!] }, record.rounds[1]!] };
}

/** Runs the script as `npm run giveaway:verify -- <file>` does (one process per case: spawns are slow). */
async function script(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await run(process.execPath, [tsx, 'src/plugins/giveaways/scripts/verify.ts', file], { cwd: projectRoot, env: { PATH: process.env.PATH } });
		return { code: 0, stdout, stderr };
	} catch (error) {
		const failed = error as { code: number; stdout: string; stderr: string };
		return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
	}
}

/** `runVerify` in this process, reading `text` as the file. */
const inProcess = (text: string) => runVerify(['draw.json'], async () => text);

describe('npm run giveaway:verify', () => {
	it('verifies a valid file: exit 0, every check and the winners printed', async () => {
		const record = validRecord();
		const file = join(directory, 'valid.json');
		writeFileSync(file, JSON.stringify(record, null, '\t'));
		const { code, stdout } = await script(file);
		expect(code).toBe(0);
		expect(stdout).toContain(`ok      commitment ${record.commitment}`);
		expect(stdout).toContain('ok      entries: 4 valid entries in canonical order, total weight 11');
		expect(stdout).toContain(`winners in draw order: ${record.rounds[0]!.winners.join(', ')}`);
		expect(stdout).toContain(`round 1 (reroll, excluding 2 earlier winners): 1 asked, winners in draw order: ${record.rounds[1]!.winners[0]}`);
		expect(stdout).toContain('verified:');
	}, 60_000);

	it('refuses a tampered file: exit 1, the round named', async () => {
		const file = join(directory, 'tampered.json');
		writeFileSync(file, JSON.stringify(tamperedRecord()));
		const { code, stdout } = await script(file);
		expect(code).toBe(1);
		expect(stdout).toMatch(/^FAILED {2}round 0: the draw gives /m);
		expect(stdout).toContain('NOT verified: 1 check(s) failed');
	}, 60_000);

	it('a missing file is exit 2', async () => {
		const { code, stderr } = await script(join(directory, 'missing.json'));
		expect(code).toBe(2);
		expect(stderr).toContain('cannot read');
	}, 60_000);
});

describe('runVerify', () => {
	it('reads standard input for -, and checks the same way', async () => {
		const stdin = await runVerify(['-'], async (path) => (path === '-' ? JSON.stringify(validRecord()) : 'unexpected'));
		expect(stdin.code).toBe(0);
		const tampered = await inProcess(JSON.stringify(tamperedRecord()));
		expect(tampered.code).toBe(1);
	});

	it('reports a wrong commitment, hash and entry order in English', async () => {
		const record = validRecord();
		const swapped = { ...record, secret: 'cd'.repeat(32), entries: [record.entries[1]!, record.entries[0]!, ...record.entries.slice(2)] };
		const { code, out } = await inProcess(JSON.stringify(swapped));
		expect(code).toBe(1);
		expect(out).toContain(`FAILED  commitment: SHA-256 of the secret is ${commitmentOf(swapped.secret)}, the file says ${record.commitment}`);
		expect(out.join('\n')).toMatch(/FAILED {2}entries: not in canonical order at entry 0: 100000000000000000 where 99999999999999999 belongs/);
		expect(out.join('\n')).toMatch(/FAILED {2}entries hash: /);
	});

	it('bad usage, bad JSON, another version and a malformed record are exit 2', async () => {
		expect((await runVerify([])).code).toBe(2);
		expect((await runVerify(['a.json', 'b.json'])).code).toBe(2);
		expect(await inProcess('{ nope')).toMatchObject({ code: 2, err: [expect.stringMatching(/^cannot read draw\.json: /)] });
		expect(await inProcess(JSON.stringify({ ...validRecord(), version: 'hearth-draw-v2' }))).toMatchObject({ code: 2, err: ['not a hearth-draw-v1 draw record: version is "hearth-draw-v2"'] });
		const record = validRecord();
		const misnumbered = await inProcess(JSON.stringify({ ...record, rounds: [record.rounds[1], record.rounds[0]] }));
		expect(misnumbered.code).toBe(2);
		expect(misnumbered.err).toContain('  rounds.0.round: must be 0: rounds are numbered from 0, in order');
	});
});
