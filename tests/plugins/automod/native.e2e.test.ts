/**
 * The automod with the rest of Discord, the real bot on the Discord emulator (issue 9, "Done when"): edits checked
 * like new messages; attachments; invites resolved to their guild (the guild's own and allowlisted guilds pass);
 * webhook messages exempt unless the guild says otherwise; Discord's native AutoMod executions (a rule made by hand,
 * two actions, so two events) becoming one strike and one case naming the rule; `/automod native sync` rules then
 * enforced by Discord before the message exists, their executions recorded the same way.
 */
import { DEFAULT_BOT_PERMISSIONS, DiscordEmulator, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { automodPlugin } from '../../../src/plugins/automod/index.js';
import type { AutomodService } from '../../../src/plugins/automod/service/AutomodService.js';
import { moderationPlugin } from '../../../src/plugins/moderation/index.js';
import { startTestBot, type TestBot } from '../../helpers/testBot.js';
import { enableModeration, generalChannelId } from '../moderation/e2eHelpers.js';
import { CheckedMessages, firedOf, onlyFilters, replaceConfig, type AutomodPatch } from './e2eHelpers.js';

/** Replaces the automod config: defaults, `patch`, and only the filters named on (e2eHelpers.ts). */
const configure = (patch: AutomodPatch, filters: Record<string, object>) => replaceConfig(service, guild.id, { ...patch, filters: onlyFilters(filters) });

const P = PermissionFlagsBits;

let emu: DiscordEmulator;
let bot: TestBot;
let service: AutomodService;
let guild: GuildHandle;
let general: string;
let modLog: string;
let admin: MemberView;
let seq = 0;
let checked: CheckedMessages;

const newMember = () => guild.addMember({ username: `user${++seq}` });

/** The native execution events the bot handled so far, by outcome (its metric `hearth_automod_native_executions_total`). */
async function nativeExecutions(): Promise<Record<'counted' | 'other-action', number>> {
	const metric = await service.ctx.metrics.registry.getSingleMetric(service.ctx.metrics.name('native_executions_total'))?.get();
	const count = (outcome: string) => metric?.values.find((value) => value.labels.outcome === outcome)?.value ?? 0;
	return { counted: count('counted'), 'other-action': count('other-action') };
}

beforeAll(async () => {
	emu = await DiscordEmulator.start();
	guild = emu.world.createGuild({ name: 'Native', botPermissions: DEFAULT_BOT_PERMISSIONS | P.ManageGuild });
	general = generalChannelId(guild);
	modLog = guild.createChannel({ name: 'mod-log', type: ChannelType.GuildText }).id;
	admin = guild.addMember({ username: 'admin', permissions: P.ManageGuild | P.ModerateMembers });
	bot = await startTestBot({ emulator: emu, plugins: [moderationPlugin, automodPlugin] });
	await enableModeration(bot, guild);
	await bot.handle.settings.setPluginEnabled(guild.id, 'automod', true);
	service = bot.handle.pluginHost.service('automod');
	checked = new CheckedMessages(service);
}, 60_000);

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

describe('messages beyond plain text', () => {
	it('an edit that breaks a filter is caught; an edit that changes nothing is not checked again', async () => {
		await configure({ words: ['sneaky'] }, { words: { actions: { notify: 'none' } } });
		const alice = newMember();
		const sent = emu.messages.send({ channelId: general, userId: alice.id, content: 'totally harmless' });
		expect((await checked.of(sent.id)).decision).toBeNull();
		checked.forget(sent.id);
		emu.messages.edit({ channelId: general, messageId: sent.id, content: 'totally sneaky' });
		const edit = await checked.of(sent.id);
		expect(edit.kind).toBe('edit');
		expect(firedOf(edit)).toEqual(['words']);
		await vi.waitFor(() => expect(emu.messages.in(general).some((message) => message.id === sent.id)).toBe(false));
	});

	it('attachments and stickers above the limit', async () => {
		await configure({}, { attachments: { max: 2 } });
		const bob = newMember();
		const many = emu.messages.send({ channelId: general, userId: bob.id, content: 'pics', attachments: [{ filename: 'a.png' }, { filename: 'b.png' }], stickers: [{ name: 'wave' }] });
		expect(firedOf(await checked.of(many.id))).toEqual(['attachments']);
		const two = emu.messages.send({ channelId: general, userId: bob.id, attachments: [{ filename: 'a.png' }, { filename: 'b.png' }] });
		expect(firedOf(await checked.of(two.id))).toEqual([]);
	});

	it("invites: another guild's is caught; the guild's own and an allowlisted guild's pass", async () => {
		const partner = emu.world.createGuild({ name: 'Partner' });
		const stranger = emu.world.createGuild({ name: 'Stranger' });
		const own = guild.createInvite({ code: 'homebase' });
		const partners = partner.createInvite({ code: 'partners' });
		const strangers = stranger.createInvite({ code: 'strangers' });
		await configure({}, { invites: { allow: [partner.id] } });
		const carol = newMember();
		const send = (content: string) => checked.of(emu.messages.send({ channelId: general, userId: carol.id, content }).id);
		expect(firedOf(await send(`join discord.gg/${own}`))).toEqual([]);
		expect(firedOf(await send(`join discord.gg/${partners}`))).toEqual([]);
		expect(firedOf(await send(`join discord.gg/${strangers}`))).toEqual(['invites']);
		expect(firedOf(await send('join discord.gg/doesnotexist'))).toEqual(['invites']);
		// Resolved once, then answered from Redis.
		const lookups = emu.recorder.calls('GET /invites/:code').filter((call) => call.path.includes('strangers')).length;
		expect(firedOf(await send(`again discord.gg/${strangers}`))).toEqual(['invites']);
		expect(emu.recorder.calls('GET /invites/:code').filter((call) => call.path.includes('strangers'))).toHaveLength(lookups);
	});

	it('webhook messages are exempt unless the guild turns that off', async () => {
		await configure({ words: ['hookword'] }, { words: { actions: { notify: 'none' } } });
		const webhookId = '123456789012345678';
		const first = emu.messages.send({ channelId: general, webhookId, content: 'hookword' });
		expect((await checked.of(first.id)).decision).toBeNull();
		await configure({ words: ['hookword'], exempt: { webhooks: false } }, { words: { actions: { notify: 'none' } } });
		const second = emu.messages.send({ channelId: general, webhookId, content: 'hookword' });
		expect(firedOf(await checked.of(second.id))).toEqual(['words']);
	});
});

describe("Discord's native AutoMod", () => {
	it('a hand-made rule with two actions: one strike and one note case naming the rule and the keyword', async () => {
		await configure({ strikes: [{ points: 5, windowSeconds: 600, action: 'timeout', durationSeconds: 60 }] }, {});
		emu.autoModeration.createRule(guild.id, {
			creatorId: admin.id,
			name: 'No scams',
			event_type: 1,
			trigger_type: 1,
			enabled: true,
			trigger_metadata: { keyword_filter: ['free nitro'] },
			actions: [{ type: 1 }, { type: 2, metadata: { channel_id: modLog } }]
		});
		const dave = newMember();
		const before = await nativeExecutions();
		const outcome = emu.messages.trySend({ channelId: general, userId: dave.id, content: 'get FREE NITRO now' });
		expect(outcome.message).toBeNull();
		expect(outcome.executions).toHaveLength(2);
		// Both events handled: one counted, the other recognised as another action of the same execution.
		await vi.waitFor(async () => expect(await nativeExecutions()).toEqual({ counted: before.counted + 1, 'other-action': before['other-action'] + 1 }), { timeout: 10_000 });
		const cases = await service.moderation.casesOf(guild.id, dave.id);
		expect(cases.cases.map((record) => [record.type, record.source])).toEqual([['note', 'automod']]);
		expect(cases.cases[0]?.reason).toContain('No scams');
		expect(cases.cases[0]?.reason).toContain('free nitro');
		expect(await service.strikePoints(guild.id, dave.id)).toBe(1);
		for (const rule of emu.autoModeration.rules(guild.id)) emu.autoModeration.deleteRule(guild.id, rule.id, { actorId: admin.id });
	});

	it('words and the mention limit synced into native rules are enforced by Discord, and their executions recorded', async () => {
		await configure({ words: ['forbiddenword', 'scam*'], regexes: ['fr[e3]{2} ?n[i1]tro'] }, { words: {}, regex: {}, mentions: { limit: 3 } });
		const sync = emu.interactions.command({ guildId: guild.id, channelId: general, userId: admin.id, name: 'automod', subcommandGroup: 'native', subcommand: 'sync', options: {} });
		await vi.waitFor(() => expect(sync.edits.length + sync.followUps.length).toBeGreaterThan(0), { timeout: 10_000 });
		const rules = emu.autoModeration.rules(guild.id);
		expect(rules.map((rule) => [rule.trigger_type, rule.creator_id])).toEqual([
			[1, emu.bot.id],
			[5, emu.bot.id]
		]);
		expect(rules[0]?.trigger_metadata.keyword_filter).toEqual(['forbiddenword', 'scam*']);
		expect(rules[0]?.trigger_metadata.regex_patterns).toEqual(['fr[e3]{2} ?n[i1]tro']);
		expect(rules[1]?.trigger_metadata.mention_total_limit).toBe(3);
		const config = await service.ctx.config(guild.id);
		expect([config.native.keywordRuleId, config.native.mentionRuleId]).toEqual(rules.map((rule) => rule.id));

		const erin = newMember();
		const blocked = emu.messages.trySend({ channelId: general, userId: erin.id, content: 'what a scammer' });
		expect(blocked.message).toBeNull();
		const cases = await vi.waitFor(async () => {
			const page = await service.moderation.casesOf(guild.id, erin.id);
			if (page.cases.length === 0) throw new Error('no case yet');
			return page;
		});
		expect(cases.cases[0]?.reason).toContain(rules[0]!.name);

		// A second sync updates the same rules in place.
		await configure({ words: ['forbiddenword'], native: { keywordRuleId: config.native.keywordRuleId, mentionRuleId: config.native.mentionRuleId } }, { words: {}, mentions: { limit: 3 } });
		const again = emu.interactions.command({ guildId: guild.id, channelId: general, userId: admin.id, name: 'automod', subcommandGroup: 'native', subcommand: 'sync', options: {} });
		await vi.waitFor(() => expect(again.edits.length + again.followUps.length).toBeGreaterThan(0), { timeout: 10_000 });
		const after = emu.autoModeration.rules(guild.id);
		expect(after.map((rule) => rule.id)).toEqual(rules.map((rule) => rule.id));
		expect(after[0]?.trigger_metadata.keyword_filter).toEqual(['forbiddenword']);
		expect(after[0]?.trigger_metadata.regex_patterns).toEqual([]);
	});
});
