/**
 * Helpers of the tests that take a dependency away from a running bot (tests/core/redisDown.e2e.test.ts,
 * tests/faults/): a slash command as a guild's admin and its answer, and what /healthz says.
 */
import type { DiscordEmulator, GuildHandle } from '@hearth/discord-emulator';
import type { TestBot } from './testBot.js';

/**
 * A function that runs `/<name> [subcommand] [options]` as `adminId` in the guild's #general and resolves to the
 * content of the answer they see.
 */
export function adminSays(emu: DiscordEmulator, guild: GuildHandle, adminId: string) {
	return async (name: string, subcommand?: string, options?: Record<string, string | number>): Promise<string> =>
		(
			await emu.interactions
				.command({
					guildId: guild.id,
					channelId: guild.channels.find((channel) => channel.name === 'general')!.id,
					userId: adminId,
					name,
					...(subcommand ? { subcommand } : {}),
					...(options ? { options } : {})
				})
				.waitForReply()
		).content;
}

/** `GET /healthz` of a bot started with `http: true`: the status code and the checks by name. */
export async function healthOf(bot: TestBot): Promise<{ status: number; body: { checks: Record<string, boolean> } }> {
	const response = await fetch(`http://127.0.0.1:${bot.handle.httpPort}/healthz`);
	return { status: response.status, body: (await response.json()) as { checks: Record<string, boolean> } };
}
