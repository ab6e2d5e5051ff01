import { defineConfig } from 'tsup';

// Sapphire loads pieces (commands, listeners, tasks) from folders at run time, so the build keeps the
// layout of src/ file for file (bundle: false) instead of producing one bundle.
export default defineConfig({
	entry: ['src/**/*.ts'],
	outDir: 'dist',
	format: ['esm'],
	target: 'node24',
	platform: 'node',
	bundle: false,
	splitting: false,
	sourcemap: true,
	clean: true,
	dts: false
});
