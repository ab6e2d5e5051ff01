import { adminRun, answer, currentConfig, saveConfig, type AdminContext, type AdminHandler } from '../../../lib/commands/adminContext.js';
import type { ModerationService } from '../service/ModerationService.js';

/**
 * What every `/moderation` subcommand handler (commands/moderation.ts) gets, and the things they all do: read the
 * config ({@link currentConfig}), change it atomically ({@link saveConfig}) and answer ephemerally ({@link answer}).
 * The shared admin-command helper (src/lib/commands/adminContext.ts), typed for the moderation plugin.
 */

/** What every `/moderation` subcommand handler gets: `{ interaction, t, locale, logger, service }`. */
export type ConfigCommandContext = AdminContext<ModerationService>;

/** A `/moderation` subcommand handler. */
export type ConfigHandler = AdminHandler<ModerationService>;

/**
 * A handler as the `chatInputRun` of a subcommand mapping, called with the command as `this`: gives it the guild's
 * language, a logger with the guild and command, and the plugin's service (src/lib/commands/adminContext.ts `adminRun`).
 */
export const configRun = adminRun<ModerationService>;

export { answer, currentConfig, saveConfig };
