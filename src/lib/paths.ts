import { join, resolve } from 'node:path';

/**
 * Folders the bot reads at run time. This file sits in `src/lib/` (tsx, vitest) or `dist/lib/` (the build),
 * so the project root is two levels up in both cases; `locales/` and `config/` live at the root (the Docker image
 * copies them next to `dist/`).
 */
export const projectRoot = resolve(import.meta.dirname, '..', '..');

/** `src/` or `dist/`: the base folder of the core's own pieces (commands/, listeners/, preconditions/, tasks/). */
export const coreSourceDirectory = resolve(import.meta.dirname, '..');

/** `locales/`: one folder per Discord locale code, one JSON file per namespace (`core.json`, `<plugin>.json`). */
export const localesDirectory = join(projectRoot, 'locales');

/** `config/`: bot-wide defaults (`defaults.json`). */
export const configDirectory = join(projectRoot, 'config');

/** The core's committed migrations (`src/migrations` or `dist/migrations`). */
export const coreMigrationsDirectory = join(coreSourceDirectory, 'migrations');
