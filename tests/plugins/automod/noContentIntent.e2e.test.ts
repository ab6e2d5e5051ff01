/**
 * A bot whose application is not approved for the Message Content intent (issue 9, "Intents and permissions"): it
 * reads its application's flags, leaves the intent out instead of being refused by the gateway (close code 4014),
 * starts, and says why in one warning. Automod then reads empty messages: the word filter sees nothing, while the
 * filters that need no text (mentions) still act.
 */
import { DiscordEmulator, type GuildHandle } from '@hearth/discord-emulator';
import { GatewayIntentBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ConfigPatch } from '../../../src/lib/plugins/context.js';
import { automodPlugin } from '../../../src/plugins/automod/index.js';
import type { automodConfigSchema } from '../../../src/plugins/automod/lib/config.js';
import type { AutomodService, CheckedMessage } from '../../../src/plugins/automod/service/AutomodService.js';
import { moderationPlugin } from '../../../src/plugins/moderation/index.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { enableModeration, generalChannelId } from '../moderation/e2eHelpers.js';
import { CheckedMessages } from './e2eHelpers.js';

/** Every intent but Message Content. */
const APPROVED = Object.values(GatewayIntentBits)
	.filter((value): value is number => typeof value === 'number' && value !== GatewayIntentBits.MessageContent)
	.reduce((all, bit) => all | bit, 0);

let emu: DiscordEmulator;
let bot: TestBot;
let guild: GuildHandle;
let service: AutomodService;
let checked: CheckedMessages;

beforeAll(async () => {
	emu = await DiscordEmulator.start({ approvedIntents: APPROVED });
	guild = emu.world.createGuild({ name: 'No content' });
	bot = await startTestBot({ emulator: emu, plugins: [moderationPlugin, automodPlugin] });
	await enableModeration(bot, guild);
	await bot.handle.settings.setPluginEnabled(guild.id, 'automod', true);
	service = bot.handle.pluginHost.service('automod');
	checked = new CheckedMessages(service);
	const patch: ConfigPatch<typeof automodConfigSchema> = {
		words: ['secret'],
		strikes: [],
		filters: { words: { enabled: true }, mentions: { enabled: true, limit: 1 }, rate: { enabled: false }, duplicates: { enabled: false } }
	};
	await service.ctx.updateConfig(guild.id, () => patch);
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

/** Sends a message and waits until the automod checked it. */
function send(content: string, userId: string): Promise<CheckedMessage> {
	return checked.of(emu.messages.send({ channelId: generalChannelId(guild), userId, content }).id);
}

it('starts without the intent, warns once naming automod, and knows it cannot read content', () => {
	const session = emu.gateway.sessions[0]!;
	expect(session.intents & GatewayIntentBits.MessageContent).toBe(0);
	expect(session.intents & GatewayIntentBits.GuildMessages).not.toBe(0);
	expect(bot.logs.find(/not approved for the privileged intent MessageContent.*automod/)).toHaveLength(1);
	expect(service.canReadContent).toBe(false);
});

it('word filters see nothing; the mention filter still acts', async () => {
	const alice = guild.addMember({ username: 'alice' });
	const [a, b] = [guild.addMember({ username: 'a' }), guild.addMember({ username: 'b' })];
	const quiet = await send('this is secret', alice.id);
	expect(quiet.decision).toBeNull();
	const loud = await send(`<@${a.id}> <@${b.id}> secret`, alice.id);
	expect(loud.decision?.hits.map((hit) => hit.filter)).toEqual(['mentions']);
});
