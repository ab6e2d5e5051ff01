/**
 * Helpers of the moderation plugin's end-to-end tests: the real bot (startTestBot, ManualClock) on the Discord
 * emulator. A test file's emulator, guilds, members and bot are its own (made in its beforeAll), so each helper takes
 * the ones it acts on.
 */
import type { AddMemberOptions, DiscordEmulator, EmulatedInteraction, GuildHandle, MemberView, MessageView } from '@hearth/discord-emulator';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { vi } from 'vitest';
import { unbanTaskKey, UNBAN_TASK } from '../../../src/plugins/moderation/service/ModerationService.js';
import type { TestBot } from '../../helpers/testBot.js';

/** Where the tests' manual clocks start: 5 January 2026, 12:00 UTC. */
export const START = Date.UTC(2026, 0, 5, 12);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The permissions of the tests' "Mods" role: Ban Members, Kick Members and Moderate Members (timeouts). */
export const MOD_PERMISSIONS = PermissionFlagsBits.BanMembers | PermissionFlagsBits.KickMembers | PermissionFlagsBits.ModerateMembers;

/** The id of a guild's #general (the emulator gives every new guild one). */
export function generalChannelId(where: GuildHandle): string {
	return where.channels.find((channel) => channel.name === 'general')!.id;
}

/**
 * Returns a `newMember(where, roles, options)` with a counter of its own: each call adds a new user to `where` as
 * `member1`, `member2`, … (in the order of the calls), with `roles` and any other option of `addMember` (`dmsOpen`…).
 */
export function memberMaker(): (where: GuildHandle, roles: string[], options?: Partial<AddMemberOptions>) => MemberView {
	let seq = 0;
	return (where, roles, options = {}) => where.addMember({ username: `member${++seq}`, roles, ...options });
}

/**
 * What the member finally sees of an interaction: its reply; for a deferred one, its last ephemeral follow-up (a
 * refusal after deferring) or else the last edit of the deferred answer (an action), waited for up to `timeoutMs`.
 * `label` names the interaction in the error of a wait that runs out.
 */
export async function finalAnswer(handle: EmulatedInteraction, label: string, timeoutMs = 10_000): Promise<MessageView> {
	await handle.response;
	if (!handle.deferred) return handle.waitForReply();
	return vi.waitFor(
		() => {
			const answer = handle.followUps.at(-1) ?? handle.edits.at(-1);
			if (!answer) throw new Error(`${label}: no answer yet`);
			return answer;
		},
		{ timeout: timeoutMs }
	);
}

/** Option values of a slash command, by option name. */
export type CommandOptions = Record<string, string | number | boolean>;

/** How {@link slashCommand} runs a command, beyond who, where and which. */
export interface SlashCommandRun {
	subcommandGroup?: string;
	subcommand?: string;
	/** The channel the command is used in; default the guild's #general. */
	channelId?: string;
	/** Runs it for a member Discord would hide it from (the server's integration settings show it to them). */
	permissionOverride?: boolean;
	/** How long to wait for the answer to a deferred command; default 10 s. */
	timeoutMs?: number;
}

/**
 * Runs a slash command as `actor` in `where` and returns what the actor finally sees: the reply, or for a deferred
 * answer its edit (an action) or its ephemeral follow-up (a refusal after deferring); see {@link finalAnswer}.
 */
export async function slashCommand(
	emu: DiscordEmulator,
	where: GuildHandle,
	actor: { id: string },
	name: string,
	options: CommandOptions,
	run: SlashCommandRun = {}
): Promise<MessageView> {
	const handle = emu.interactions.command({
		guildId: where.id,
		channelId: run.channelId ?? generalChannelId(where),
		userId: actor.id,
		name,
		options,
		...(run.subcommandGroup ? { subcommandGroup: run.subcommandGroup } : {}),
		...(run.subcommand ? { subcommand: run.subcommand } : {}),
		...(run.permissionOverride ? { permissionOverride: true } : {})
	});
	return finalAnswer(handle, `/${[name, run.subcommandGroup, run.subcommand].filter(Boolean).join(' ')}`, run.timeoutMs);
}

/**
 * How many REST calls the emulator has recorded that change something on Discord: all but GETs, and but the answers
 * to interactions (`/interactions/…`, `/webhooks/…`) unless `includeAnswers`. Taken before and after, it shows that
 * nothing changed.
 */
export function mutations(emu: DiscordEmulator, { includeAnswers = false }: { includeAnswers?: boolean } = {}): number {
	return emu.recorder.rest.filter((call) => call.method !== 'GET' && (includeAnswers || !/^\/(interactions|webhooks)\//.test(call.path))).length;
}

/** Whether a user is banned from a guild (as the emulator holds it). */
export function isBanned(where: GuildHandle, userId: string): boolean {
	return where.bans.some((ban) => ban.user.id === userId);
}

/** The unbans of a user that the bot asked Discord for (DELETE /guilds/:id/bans/:id), in order. */
export function unbanCalls(emu: DiscordEmulator, userId: string) {
	return emu.recorder.calls('DELETE /guilds/:id/bans/:id').filter((call) => call.path.endsWith(`/${userId}`));
}

/** The state of the task queue's job that ends a temporary ban (its case), or null when there is none. */
export function unbanState(bot: TestBot, guildId: string, userId: string, caseNumber: number) {
	return bot.handle.taskQueue.stateOf(UNBAN_TASK, guildId, unbanTaskKey(userId, caseNumber));
}

/** Turns the moderation plugin on in each guild, one after the other. */
export async function enableModeration(bot: TestBot, ...guilds: GuildHandle[]): Promise<void> {
	for (const where of guilds) await bot.handle.settings.setPluginEnabled(where.id, 'moderation', true);
}
