/**
 * How the bot is started as it ships, read from the two places that start it for real: `npm start` (package.json
 * `scripts.start`) and the Docker image (the Dockerfile's last stage: `CMD` and `ENV`). `npm run bench:memory` starts
 * the bot with these, so its figures are what a self-hoster gets; tests/core/shippedStart.test.ts keeps the two
 * places in step.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/lib/paths.js';

/**
 * The Node flags `npm start` runs the bot with (package.json `scripts.start`, the words between `node` and
 * `dist/index.js`), less `--env-file*` (a benchmark or test gives the environment itself).
 * @throws Error when the start script does not run `node … dist/index.js`.
 */
export function startScriptNodeFlags(root: string = projectRoot): string[] {
	const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
	const words = (scripts.start ?? '').split(/\s+/).filter(Boolean);
	const entry = words.indexOf('dist/index.js');
	if (words[0] !== 'node' || entry < 0) throw new Error(`package.json scripts.start is not "node … dist/index.js": ${scripts.start}`);
	return words.slice(1, entry).filter((flag) => !flag.startsWith('--env-file'));
}

/** The Dockerfile's instructions of its last stage (from the last `FROM`), continuation lines joined, comments dropped. */
function lastStageInstructions(root: string): string[] {
	const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
	const instructions = text
		.replace(/\\\r?\n/g, ' ')
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter((line) => line && !line.startsWith('#'));
	const stage = instructions.findLastIndex((line) => /^FROM\s/i.test(line));
	return instructions.slice(stage + 1);
}

/**
 * The Node flags of the Docker image's `CMD` (exec form `["node", …flags, "dist/index.js"]`).
 * @throws Error when the Dockerfile has no such `CMD` in its last stage.
 */
export function dockerfileNodeFlags(root: string = projectRoot): string[] {
	const cmd = lastStageInstructions(root).findLast((line) => /^CMD\s/i.test(line));
	const words = cmd ? (JSON.parse(cmd.replace(/^CMD\s+/i, '')) as unknown) : null;
	if (!Array.isArray(words) || words[0] !== 'node' || words.at(-1) !== 'dist/index.js') {
		throw new Error(`the Dockerfile's CMD is not ["node", …, "dist/index.js"]: ${cmd ?? 'none'}`);
	}
	return words.slice(1, -1) as string[];
}

/**
 * Variables that act before any JavaScript runs, read by the C library when the process starts (glibc's malloc
 * tunables, a preloaded allocator): Node's `--env-file` comes too late for them.
 */
export const ALLOCATOR_VARIABLE = /^(MALLOC_[A-Z_]+|GLIBC_TUNABLES|LD_PRELOAD)$/;

/**
 * The allocator variables ({@link ALLOCATOR_VARIABLE}) the Docker image sets (`ENV` of the Dockerfile's last stage,
 * `NAME=value` form, quotes removed), by name. Empty when it sets none.
 */
export function dockerfileAllocatorEnvironment(root: string = projectRoot): Record<string, string> {
	const environment: Record<string, string> = {};
	for (const line of lastStageInstructions(root)) {
		if (!/^ENV\s/i.test(line)) continue;
		for (const match of line.replace(/^ENV\s+/i, '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
			const [, name, raw] = match as unknown as [string, string, string];
			if (ALLOCATOR_VARIABLE.test(name)) environment[name] = raw.replace(/^"(.*)"$/, '$1');
		}
	}
	return environment;
}
