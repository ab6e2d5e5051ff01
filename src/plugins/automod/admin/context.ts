import { adminRun, answer, currentConfig, saveConfig, type AdminContext, type AdminHandler } from '../../../lib/commands/adminContext.js';
import type { AutomodService } from '../service/AutomodService.js';

/**
 * What every `/automod` subcommand handler (commands/automod.ts) gets, `{ interaction, t, locale, logger, service }`,
 * and what they all do: read the config ({@link currentConfig}), change it atomically ({@link saveConfig}: a refusal
 * thrown inside changes nothing) and answer ephemerally without pings ({@link answer}). The shared admin-command
 * helper of src/lib/commands/adminContext.ts, typed for the automod plugin.
 */

/** What every `/automod` subcommand handler gets. */
export type AutomodAdminContext = AdminContext<AutomodService>;

/** A `/automod` subcommand handler. */
export type AutomodHandler = AdminHandler<AutomodService>;

/**
 * A handler as the `chatInputRun` of a subcommand mapping, called with the command as `this`: gives it the guild's
 * language, a logger with the guild and command, and the plugin's service (src/lib/commands/adminContext.ts `adminRun`).
 */
export const automodRun = adminRun<AutomodService>;

export { answer, currentConfig, saveConfig };
