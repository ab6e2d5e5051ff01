/**
 * `/xp config exclude|include` and `/xp tiers add|remove` change lists in the guild's config. Sent at the same moment,
 * each change must survive: they are read-modify-writes done under the settings row lock (ctx.updateConfig), not a
 * read followed by a write that overwrites the other admin's change. The real bot on the Discord emulator.
 */
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiscordEmulator, type MemberView } from '@hearth/discord-emulator';
import { ManualClock } from '../../../src/lib/clock.js';
import { voiceXpPlugin } from '../../../src/plugins/voice-xp/index.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { buildVoiceGuild, command, START, type VoiceGuild } from './e2eHelpers.js';

let emu: DiscordEmulator;
let bot: TestBot;
let home: VoiceGuild;
let admins: MemberView[];
const channels: Record<string, string> = {};

const xp = (adminIndex: number, options: Record<string, string | number | boolean>, subcommand: string, subcommandGroup: string) =>
	command(emu, home, admins[adminIndex]!.id, 'xp', { subcommand, subcommandGroup, options });
const config = () => bot.handle.pluginHost.service('voice-xp').ctx.config(home.guild.id);

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	home = buildVoiceGuild(emu, 'Busy admins');
	admins = ['ada', 'bea', 'cid', 'dot'].map((username) => home.guild.addMember({ username, permissions: PermissionFlagsBits.ManageGuild }));
	for (const name of ['One', 'Two', 'Three', 'Four']) channels[name] = home.guild.createChannel({ name, type: ChannelType.GuildVoice }).id;
	bot = await startTestBot({ emulator: emu, plugins: [voiceXpPlugin], clock: new ManualClock(START) });
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('changes sent at the same moment', () => {
	it('four excludes and includes by four admins all take effect', async () => {
		expect((await xp(0, { channel: channels.Three! }, 'exclude', 'config')).content).toBe(`No more XP in <#${channels.Three}>.`);
		const answers = await Promise.all([
			xp(0, { channel: channels.One! }, 'exclude', 'config'),
			xp(1, { channel: channels.Two! }, 'exclude', 'config'),
			xp(2, { channel: channels.Three! }, 'include', 'config'),
			xp(3, { channel: channels.Four! }, 'exclude', 'config')
		]);
		expect(answers.map((answer) => answer.content)).toEqual([
			`No more XP in <#${channels.One}>.`,
			`No more XP in <#${channels.Two}>.`,
			`XP counts again in <#${channels.Three}>.`,
			`No more XP in <#${channels.Four}>.`
		]);
		expect([...(await config()).excludedChannelIds].sort()).toEqual([channels.One!, channels.Two!, channels.Four!].sort());
	});

	it('two tiers added at once are both kept, sorted by minimum', async () => {
		const silver = home.guild.createRole({ name: 'Silver' }).id;
		const bronze = home.guild.createRole({ name: 'Bronze' }).id;
		const answers = await Promise.all([
			xp(0, { role: silver, minutes: 60 }, 'add', 'tiers'),
			xp(1, { role: bronze, minutes: 10 }, 'add', 'tiers')
		]);
		expect(answers.map((answer) => answer.content.split('\n')[0])).toEqual([
			`<@&${silver}> is now the tier for 60 min of voice time.`,
			`<@&${bronze}> is now the tier for 10 min of voice time.`
		]);
		await vi.waitFor(async () =>
			expect((await config()).tiers).toEqual([
				{ roleId: bronze, minMinutes: 10 },
				{ roleId: silver, minMinutes: 60 }
			])
		);
	});

	it('a change refused inside the lock (the same minimum twice at once) changes nothing for the refused one', async () => {
		const gold = home.guild.createRole({ name: 'Gold' }).id;
		const platinum = home.guild.createRole({ name: 'Platinum' }).id;
		const answers = await Promise.all([xp(0, { role: gold, minutes: 120 }, 'add', 'tiers'), xp(1, { role: platinum, minutes: 120 }, 'add', 'tiers')]);
		const accepted = answers.filter((answer) => answer.content.includes('is now the tier for 120 min'));
		const refused = answers.filter((answer) => answer.content.includes('already'));
		expect(accepted).toHaveLength(1);
		expect(refused).toHaveLength(1);
		expect(refused[0]!.ephemeral).toBe(true);
		expect((await config()).tiers.filter((tier) => tier.minMinutes === 120)).toHaveLength(1);
	});
});
