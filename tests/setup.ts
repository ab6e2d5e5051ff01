// Shared vitest setup. Each test file runs in its own forked worker.
import { LoaderStrategy } from '@sapphire/pieces';
import { pathToFileURL } from 'node:url';

/**
 * Sapphire's loader imports piece files (commands/, listeners/, ...) with Node's own `import()`, outside vitest's
 * transform: TypeScript pieces would load without vitest's resolution of `.js` imports to `.ts` files, and as second
 * copies of the modules the test already holds (docs/stack-notes.md, "vitest 5"). Load them through vitest instead. The
 * Listener store's strategy is a subclass with its own instance, so the prototype is patched, not an instance.
 */
LoaderStrategy.prototype.preload = async function preloadThroughVitest(file) {
	return import(/* @vite-ignore */ pathToFileURL(file.path).href);
};
