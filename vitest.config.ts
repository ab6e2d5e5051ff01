import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		// The bot's tests, and the Discord emulator's own (the workspace package in emulator/).
		include: ['tests/**/*.test.ts', 'emulator/tests/**/*.test.ts'],
		setupFiles: ['tests/setup.ts'],
		pool: 'forks',
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
