import type { AnyPluginManifest } from '../lib/plugins/definePlugin.js';
import { automodPlugin } from './automod/index.js';
import { giveawaysPlugin } from './giveaways/index.js';
import { ticketsPlugin } from './tickets/index.js';
import { moderationPlugin } from './moderation/index.js';
import { voiceXpPlugin } from './voice-xp/index.js';

/**
 * The one list of the bot's plugins. The core knows a plugin only through this list: add a plugin by creating its
 * folder `src/plugins/<name>/` (see docs/writing-a-plugin.md) and adding its manifest here.
 */
export const plugins: readonly AnyPluginManifest[] = [voiceXpPlugin, moderationPlugin, automodPlugin, giveawaysPlugin, ticketsPlugin];
