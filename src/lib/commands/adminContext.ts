import { DiscordAPIError, MessageFlags, RESTJSONErrorCodes, Routes, type APIChannel, type APIEmbed, type ChatInputCommandInteraction } from 'discord.js';
import type { z } from 'zod';
import { translateInteraction, type Translate } from '../i18n.js';
import type { BotLogger } from '../observability/logger.js';
import type { ConfigPatch, FrozenConfig, PluginContext } from '../plugins/context.js';
import type { PluginName } from '../plugins/services.js';
import { fitContent, NO_PINGS } from '../replies.js';
import type { GuildChatInputInteraction } from './BotCommand.js';

/**
 * The shared plumbing of a plugin's admin command (`/moderation`, `/xp`, `/automod`): each subcommand is a handler
 * given `{ interaction, t, locale, logger, service }` ({@link AdminContext}) by {@link adminRun}; it reads the config
 * with {@link currentConfig}, changes it atomically with {@link saveConfig} (over `ctx.updateConfig`: a refusal thrown
 * inside changes nothing) and answers ephemerally, without pings, with {@link answer}. Also the two checks such
 * commands make on the ids an admin names ({@link isGuildChannel}, {@link isGuildRole}): a hand-made request can name
 * another guild's channel or role.
 */

/** What a plugin's service must hold for {@link adminRun}: its plugin context (a logger at least). */
export interface AdminService {
	readonly ctx: { readonly logger: BotLogger };
}

/** What every subcommand handler of a plugin's admin command gets. */
export interface AdminContext<Service> {
	/** The slash command, always in a guild (admin commands are guild-only BotCommands). */
	interaction: GuildChatInputInteraction;
	/** Translations in the guild's language. */
	t: Translate;
	/** The guild's language (durations and numbers are written in it). */
	locale: string;
	/** Logger with the guild and the command. */
	logger: BotLogger;
	/** The plugin's service (`this.service` of the command): its `ctx` holds the config. */
	service: Service;
}

/** A subcommand handler of a plugin's admin command. */
export type AdminHandler<Service> = (context: AdminContext<Service>) => Promise<unknown>;

/**
 * A handler as the `chatInputRun` of a subcommand mapping (@sapphire/plugin-subcommands), called with the command as
 * `this` (a PluginCommand, whose `service` is the plugin's): gives it the guild's language, a logger with the guild and
 * the command's name, and the plugin's service.
 * @returns the mapping's `chatInputRun`; it resolves to what the handler resolves to and throws what it throws (the
 *   core answers a thrown UserError, translated).
 */
export function adminRun<Service extends AdminService>(
	handler: AdminHandler<Service>
): (this: { service: Service }, interaction: ChatInputCommandInteraction) => Promise<unknown> {
	return async function run(this: { service: Service }, interaction: ChatInputCommandInteraction) {
		// Admin commands are guild-only BotCommands: the interaction always comes from a guild.
		const guildInteraction = interaction as GuildChatInputInteraction;
		const { locale, t } = await translateInteraction(interaction);
		const service = this.service;
		const logger = service.ctx.logger.child({ guildId: guildInteraction.guildId, command: interaction.commandName });
		return handler({ interaction: guildInteraction, t, locale, logger, service });
	};
}

/** A service whose context is a plugin context of config schema `Schema` (what {@link saveConfig} needs). */
export interface ConfiguredService<Schema extends z.ZodObject, Dependencies extends PluginName = never> {
	readonly ctx: PluginContext<Schema, Dependencies>;
}

/** What a change computes from the current config: the fields to set, or undefined to change nothing. */
export type ConfigChange<Schema extends z.ZodObject> = (current: FrozenConfig<Schema>) => ConfigPatch<Schema> | undefined;

/** What {@link saveConfig} did: the config before and after (the same object when nothing changed). */
export interface SavedConfig<Schema extends z.ZodObject> {
	before: FrozenConfig<Schema>;
	after: FrozenConfig<Schema>;
	/** Whether `change` returned a patch (false: it returned undefined and nothing was written). */
	changed: boolean;
}

/**
 * Applies a change with `ctx.updateConfig`: `change` runs inside the write's transaction, under the guild's settings
 * row lock, so a concurrent change in any process is never lost, and a refusal it throws (a translated UserError)
 * leaves the config as it was. The result is validated by the plugin's schema. A change is logged at info level with
 * the admin and the patch.
 * @returns the config before and after ({@link SavedConfig}).
 * @throws what `change` throws; UserError `core:errors.invalidConfig` when the result does not pass the schema
 *   (nothing changes either way).
 */
export async function saveConfig<Schema extends z.ZodObject, Dependencies extends PluginName>(
	context: AdminContext<ConfiguredService<Schema, Dependencies>>,
	change: ConfigChange<Schema>
): Promise<SavedConfig<Schema>> {
	let before: FrozenConfig<Schema> | undefined;
	let patch: ConfigPatch<Schema> | undefined;
	const { interaction } = context;
	const after = await context.service.ctx.updateConfig(interaction.guildId, (current) => {
		before = current;
		patch = change(current);
		return patch;
	});
	if (patch !== undefined) context.logger.info(`/${interaction.commandName} by ${interaction.user.id}: ${JSON.stringify(patch)}`);
	return { before: before ?? after, after, changed: patch !== undefined };
}

/** The plugin's config in the interaction's guild as it is now (frozen). */
export function currentConfig<Schema extends z.ZodObject, Dependencies extends PluginName>(
	context: AdminContext<ConfiguredService<Schema, Dependencies>>
): Promise<FrozenConfig<Schema>> {
	return context.service.ctx.config(context.interaction.guildId);
}

/**
 * Answers an admin subcommand, ephemeral and without pings: lines are joined (empty ones left out) and cut to
 * Discord's 2,000 characters; `embeds` go with them. Edits the reply when the command deferred (deferred replies of
 * admin commands are ephemeral), else replies.
 */
export async function answer(context: Pick<AdminContext<unknown>, 'interaction'>, lines: readonly string[], embeds: APIEmbed[] = []): Promise<void> {
	const content = fitContent(lines.filter(Boolean).join('\n'));
	const { interaction } = context;
	if (interaction.deferred) await interaction.editReply({ content, embeds, ...NO_PINGS });
	else await interaction.reply({ ...(content ? { content } : {}), embeds, flags: MessageFlags.Ephemeral, ...NO_PINGS });
}

/** Discord's "this does not exist (for you)" answers: the id is not the guild's. */
const NOT_THERE = new Set<number | string>([
	RESTJSONErrorCodes.UnknownMember,
	RESTJSONErrorCodes.UnknownUser,
	RESTJSONErrorCodes.UnknownChannel,
	RESTJSONErrorCodes.UnknownRole,
	RESTJSONErrorCodes.MissingAccess
]);

/** Runs a REST read; `null` when Discord answers that the thing is unknown or out of reach (404/403), rethrows else. */
async function restRead<T>(read: () => Promise<unknown>): Promise<T | null> {
	try {
		return (await read()) as T;
	} catch (error) {
		if (error instanceof DiscordAPIError && (NOT_THERE.has(error.code) || error.status === 404 || error.status === 403)) return null;
		throw error;
	}
}

/**
 * Whether a channel an option names is one of the interaction's guild. Discord's client only offers the guild's own,
 * but a hand-made request can name any; discord.js adds a resolved channel to the interaction's guild cache whatever
 * guild it belongs to, so that cache cannot answer. The client's cache answers "no" for a channel it knows in another
 * guild; otherwise Discord's REST API is asked (`GET /channels/{id}`, its `guild_id`).
 * @throws the REST client's error for anything but "unknown"/"no access" (then: false).
 */
export async function isGuildChannel(interaction: GuildChatInputInteraction, channelId: string): Promise<boolean> {
	const known = interaction.client.channels.cache.get(channelId);
	if (known && 'guildId' in known && known.guildId !== interaction.guildId) return false;
	const channel = await restRead<APIChannel>(() => interaction.client.rest.get(Routes.channel(channelId)));
	return channel !== null && 'guild_id' in channel && channel.guild_id === interaction.guildId;
}

/**
 * Whether a role an option names is one of the interaction's guild: not a role of another cached guild, and known to
 * Discord's REST API in this guild (`GET /guilds/{guild}/roles/{role}`). See {@link isGuildChannel} for why.
 * @throws the REST client's error for anything but "unknown"/"no access" (then: false).
 */
export async function isGuildRole(interaction: GuildChatInputInteraction, roleId: string): Promise<boolean> {
	const elsewhere = interaction.client.guilds.cache.some((guild) => guild.id !== interaction.guildId && guild.roles.cache.has(roleId));
	if (elsewhere) return false;
	return (await restRead(() => interaction.client.rest.get(Routes.guildRole(interaction.guildId, roleId)))) !== null;
}

/**
 * Whether a user is a member of the interaction's guild now: the member Discord resolved with the option `option` (it
 * sends one only for members), else the guild's member cache, else a REST fetch (the member may not be cached).
 * @throws the REST client's error for anything but "unknown"/"no access" (then: false).
 */
export async function isGuildMember(interaction: GuildChatInputInteraction, userId: string, option = 'user'): Promise<boolean> {
	if (interaction.options.getMember(option)) return true;
	if (interaction.guild?.members.cache.has(userId)) return true;
	return (await restRead(() => interaction.client.rest.get(Routes.guildMember(interaction.guildId, userId)))) !== null;
}
