import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files that replace a module with `vi.mock`: they need a module registry of their own (isolation), since a mock
 * cannot replace a module another file of the same worker already imported.
 */
const MOCKING = ['tests/plugins/voice-xp/lib/sessionTrackerScale.test.ts'];

export default defineConfig({
	test: {
		setupFiles: ['tests/setup.ts'],
		pool: 'forks',
		// One worker per core, at least two: the files spend most of their time waiting on the emulator, PostgreSQL and
		// Redis, so two workers on a 2-core machine take the suite from about 250 s to about 115 s (vitest's default
		// is the cores less one: a single worker there). Files are independent (each its own database and Redis prefix).
		maxWorkers: Math.max(2, availableParallelism()),
		testTimeout: 30_000,
		hookTimeout: 60_000,
		projects: [
			{
				extends: true,
				test: {
					name: 'shared',
					// The bot's tests, and the Discord emulator's own (the workspace package in emulator/).
					include: ['tests/**/*.test.ts', 'emulator/tests/**/*.test.ts'],
					exclude: MOCKING,
					// The files of a worker share one module registry: discord.js, Sapphire, MikroORM and the bot's
					// modules are evaluated once per worker instead of once per file (about 1.3 s a file, two minutes
					// of the suite). What a bot leaves in process-wide state is reset by startTestBot
					// (tests/helpers/sapphireReset.ts), as it is between two bots of one file. See docs/stack-notes.md.
					isolate: false
				}
			},
			{ extends: true, test: { name: 'isolated', include: MOCKING, isolate: true } }
		]
	}
});
