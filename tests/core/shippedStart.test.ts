/**
 * The two ways the bot is started for real, `npm start` and the Docker image, run Node with the same flags (issue 12:
 * the memory settings measured by `npm run bench:memory` are what both give), and the readers of tools/shippedStart.ts
 * understand the forms they meet.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerfileAllocatorEnvironment, dockerfileNodeFlags, startScriptNodeFlags } from '../../tools/shippedStart.js';

it('npm start and the Docker image run Node with the same flags', () => {
	expect(dockerfileNodeFlags()).toEqual(startScriptNodeFlags());
});

describe('reading a start script and a Dockerfile', () => {
	let root: string;
	beforeAll(async () => {
		root = await mkdtemp(join(tmpdir(), 'hearth-shipped-start-'));
		await writeFile(join(root, 'package.json'), JSON.stringify({ scripts: { start: 'node --env-file-if-exists=.env --max-semi-space-size=2 dist/index.js' } }));
		await writeFile(
			join(root, 'Dockerfile'),
			[
				'FROM node:24 AS build',
				'ENV MALLOC_ARENA_MAX=8',
				'CMD ["node", "--build-stage", "dist/index.js"]',
				'FROM node:24 AS runtime',
				'# ENV MALLOC_ARENA_MAX=99',
				'ENV NODE_ENV=production \\',
				'    MALLOC_ARENA_MAX=2 \\',
				'    LD_PRELOAD="libjemalloc.so.2" HTTP_PORT=8080',
				'CMD ["node", "--max-semi-space-size=2", "dist/index.js"]'
			].join('\n')
		);
	});
	afterAll(() => rm(root, { recursive: true, force: true }));

	it("takes npm start's flags without --env-file", () => {
		expect(startScriptNodeFlags(root)).toEqual(['--max-semi-space-size=2']);
	});

	it("takes the last stage's CMD flags and allocator variables only", () => {
		expect(dockerfileNodeFlags(root)).toEqual(['--max-semi-space-size=2']);
		expect(dockerfileAllocatorEnvironment(root)).toEqual({ MALLOC_ARENA_MAX: '2', LD_PRELOAD: 'libjemalloc.so.2' });
	});
});
