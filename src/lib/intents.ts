import { ApplicationFlags, GatewayIntentBits, REST, Routes, type APIApplication } from 'discord.js';

/**
 * Privileged intents and the application's approval of them. Discord closes the gateway with 4014 ("Disallowed
 * intent(s)") when a bot asks for a privileged intent its application is not approved for, so the bot would not start
 * at all. Instead, at start-up the bot reads its application's flags (`GET /applications/@me`, "Application Flags":
 * GATEWAY_* for verified applications, GATEWAY_*_LIMITED for those in fewer than 100 servers) and leaves out the
 * privileged intents that are not approved, naming the plugins that wanted them; those plugins see less (automod without
 * Message Content reads empty messages and says so in `/automod status`).
 */

/** Each privileged intent and the application flags that approve it. */
export const PRIVILEGED_INTENTS: ReadonlyMap<GatewayIntentBits, readonly number[]> = new Map([
	[GatewayIntentBits.GuildPresences, [ApplicationFlags.GatewayPresence, ApplicationFlags.GatewayPresenceLimited]],
	[GatewayIntentBits.GuildMembers, [ApplicationFlags.GatewayGuildMembers, ApplicationFlags.GatewayGuildMembersLimited]],
	[GatewayIntentBits.MessageContent, [ApplicationFlags.GatewayMessageContent, ApplicationFlags.GatewayMessageContentLimited]]
]);

/**
 * Splits the requested intents into those the application may use and the privileged ones it is not approved for.
 * @param requested the intents the core and the plugins ask for.
 * @param applicationFlags the application's `flags` bitfield.
 */
export function approvedIntents(requested: readonly GatewayIntentBits[], applicationFlags: number): { granted: GatewayIntentBits[]; refused: GatewayIntentBits[] } {
	const granted: GatewayIntentBits[] = [];
	const refused: GatewayIntentBits[] = [];
	for (const intent of requested) {
		const flags = PRIVILEGED_INTENTS.get(intent);
		if (flags && !flags.some((flag) => (applicationFlags & flag) !== 0)) refused.push(intent);
		else granted.push(intent);
	}
	return { granted, refused };
}

/**
 * The application's flags, read with the bot's token before logging in.
 * @param restUrl the REST base URL (`DISCORD_REST_URL`; Discord's when undefined).
 * @returns the flags, or null when they could not be read (then every intent is asked for, as before).
 */
export async function fetchApplicationFlags(token: string, restUrl: string | undefined): Promise<number | null> {
	try {
		const rest = new REST(restUrl ? { api: restUrl } : {}).setToken(token);
		const application = (await rest.get(Routes.currentApplication())) as APIApplication;
		return application.flags ?? 0;
	} catch {
		return null;
	}
}
