import { GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import { definePlugin } from '../../lib/plugins/definePlugin.js';
import { Giveaway } from './entities/Giveaway.js';
import { GiveawayCounter } from './entities/GiveawayCounter.js';
import { GiveawayEntry } from './entities/GiveawayEntry.js';
import { GIVEAWAYS_PLUGIN_NAME, giveawaysConfigSchema } from './lib/config.js';
import { GiveawayService, type GiveawaysContext } from './service/GiveawayService.js';

/**
 * Giveaways (issue 11): a message with an Enter button, entry requirements (roles, account and membership age, a voice
 * level where voice-xp is on) and bonus entries; an end that is a scheduled task, exactly once after any restart;
 * rerolls that never pick an earlier winner; claims replaced once per place; a draw anyone can verify from the
 * published secret and entry list (lib/draw.ts). Off until a guild turns it on. See docs/giveaways.md.
 *
 * - Intents: Guilds (channels and roles), GuildMembers (privileged; members' roles and join dates come with the
 *   interaction, the intent keeps the member cache current for requirement checks).
 * - Permissions: View Channel, Send Messages, Embed Links (the giveaway message), Attach Files (the draw record),
 *   Read Message History (replying to the giveaway message).
 */
export const giveawaysPlugin = definePlugin({
	name: GIVEAWAYS_PLUGIN_NAME,
	configSchema: giveawaysConfigSchema,
	entities: [Giveaway, GiveawayEntry, GiveawayCounter],
	enabledByDefault: false,
	directory: import.meta.dirname,
	intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers],
	permissions: [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks, PermissionFlagsBits.AttachFiles, PermissionFlagsBits.ReadMessageHistory],
	// Nothing cached: an entry's checks read the member the button interaction carries; messages are edited through REST.
	caches: {},
	/** The service (service/GiveawayService.ts): state in PostgreSQL and the task queue, none in memory. */
	setup: (ctx: GiveawaysContext) => new GiveawayService(ctx),
	/** After a restart: end jobs put back, ends never announced announced (service `reconcile`). */
	async onReady(service) {
		const checked = await service.reconcile();
		if (checked > 0) service.ctx.logger.info(`Checked the scheduled end of ${checked} running giveaway(s)`);
	}
});

declare module '../../lib/plugins/services.js' {
	interface PluginServices {
		giveaways: GiveawayService;
	}
}
