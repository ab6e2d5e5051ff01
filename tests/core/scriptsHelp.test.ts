/**
 * Every npm script answers `--help` (usage, exit 0) and refuses an unknown option (the problem and the usage, exit 2)
 * before doing any work (issue 12). `npm run migrate` runs the build (dist/scripts/migrate.js); its source runs here
 * through tsx instead of building: tests/core/builtBot.e2e.test.ts builds dist/ (with tsup's clean) at the same time
 * in another worker, and two builds of one folder at once would delete each other's files.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { projectRoot } from '../../src/lib/paths.js';

const run = promisify(execFile);
const tsx = join(projectRoot, 'node_modules/tsx/dist/cli.mjs');
const SCRIPTS: Record<string, string[]> = {
	'bench:automod': [tsx, 'bench/automod.ts'],
	'bench:rank': [tsx, 'bench/rank.ts'],
	'bench:giveaways': [tsx, 'bench/giveaways.ts'],
	'bench:memory': [tsx, 'bench/memory.ts'],
	'bench:transcript': [tsx, 'bench/transcript.ts'],
	demo: [tsx, 'demo/voiceXpDemo.ts'],
	'giveaway:verify': [tsx, 'src/plugins/giveaways/scripts/verify.ts'],
	levels: [tsx, 'src/plugins/voice-xp/scripts/levels.ts'],
	'migration:create': [tsx, 'src/scripts/createMigration.ts'],
	migrate: [tsx, 'src/scripts/migrate.ts']
};

/** Runs a script as `npm run <name> -- <arg>` would (same entry point, same Node); exit code and output. */
async function script(name: string, arg: string): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await run(process.execPath, [...SCRIPTS[name]!, arg], { cwd: projectRoot, env: { PATH: process.env.PATH } });
		return { code: 0, stdout, stderr };
	} catch (error) {
		const failed = error as { code: number; stdout: string; stderr: string };
		return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
	}
}

// Concurrent: each test is a separate Node process starting tsx (about 2 s of CPU), so two cores run them side by side.
describe.concurrent.each(Object.keys(SCRIPTS))('npm run %s', (name) => {
	it('--help prints the usage and exits 0', async ({ expect }) => {
		const { code, stdout } = await script(name, '--help');
		expect(code).toBe(0);
		expect(stdout).toContain(`usage: npm run ${name}`);
	}, 60_000);

	it('--nope names the option, prints the usage and exits 2', async ({ expect }) => {
		const { code, stderr } = await script(name, '--nope');
		expect(code).toBe(2);
		expect(stderr).toContain("Unknown option '--nope'");
		expect(stderr).toContain(`usage: npm run ${name}`);
	}, 60_000);
});
