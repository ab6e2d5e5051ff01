/**
 * Discord's AutoMod in the emulator, over plain HTTP and raw gateways (three shards: shard 0 with MESSAGE_CONTENT and
 * every AutoMod intent, shard 1 without MESSAGE_CONTENT nor AUTO_MODERATION_CONFIGURATION, shard 2 without
 * AUTO_MODERATION_EXECUTION): rule CRUD, its limits and permissions, enforcement on `emu.messages.send` / `edit`
 * (keywords, allow list, regexes, mention spam, exemptions; block, alert, timeout), the execution event and its
 * intents, rules made by hand, attachments / stickers / webhook messages, and invites. Then a bare discord.js client.
 */
import { once } from 'node:events';
import {
	AuditLogEvent,
	AutoModerationActionType,
	ChannelType,
	GatewayIntentBits as I,
	MessageType,
	PermissionFlagsBits as P
} from 'discord-api-types/v10';
import {
	AutoModerationActionType as DjsActionType,
	AutoModerationRuleEventType,
	AutoModerationRuleTriggerType,
	Client,
	GatewayIntentBits,
	type AutoModerationActionExecution,
	type AutoModerationRule,
	type ClientOptions
} from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
	AutoModerationBlockedError,
	DEFAULT_BOT_PERMISSIONS,
	DiscordEmulator,
	type GuildHandle,
	type MessageOutcome
} from '../index.js';
import { RawGateway } from './helpers/raw-gateway.js';
import { restClient } from './helpers/rest.js';

const SHARDS = 3;
const BASE = I.Guilds | I.GuildMembers | I.GuildModeration | I.GuildMessages | I.GuildInvites;
const INTENTS = [
	BASE | I.MessageContent | I.AutoModerationConfiguration | I.AutoModerationExecution,
	BASE | I.AutoModerationExecution,
	BASE | I.AutoModerationConfiguration
];

let emu: DiscordEmulator;
let gateways: RawGateway[];
let api: ReturnType<typeof restClient>;

beforeAll(async () => {
	emu = await DiscordEmulator.start({ shardCount: SHARDS });
	api = restClient(emu);
	gateways = [];
	for (let shard = 0; shard < SHARDS; shard++) {
		const gateway = await RawGateway.connect(emu.gatewayUrl);
		gateway.identify(emu.bot.token, INTENTS[shard]!, [shard, SHARDS]);
		await gateway.dispatch('READY');
		gateways.push(gateway);
	}
	await emu.gateway.waitForReady(SHARDS);
});

afterEach(() => emu.assertNoFailures());

afterAll(async () => {
	for (const gateway of gateways ?? []) gateway.close();
	await emu?.stop();
});

/** A guild on `shard` whose bot holds MANAGE_GUILD (unless `botPermissions` says otherwise). */
function makeGuild(name: string, shard = 0, botPermissions: bigint = DEFAULT_BOT_PERMISSIONS | P.ManageGuild): GuildHandle {
	return emu.world.createGuild({ name, shard: [shard, SHARDS], botPermissions });
}

function general(guild: GuildHandle): string {
	return guild.channels.find((channel) => channel.name === 'general')!.id;
}

/** Ignore what a shard's gateway received so far: the next `dispatch()` waits for something sent after now. */
function fresh(shard: number): RawGateway {
	const gateway = gateways[shard]!;
	gateway.skipTo(emu.gateway.sessions[shard]!.seq);
	return gateway;
}

const RULES = (guild: GuildHandle) => `/guilds/${guild.id}/auto-moderation/rules`;

/** A KEYWORD rule body, enabled, blocking by default. */
function keywordRule(metadata: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	return {
		name: 'Words',
		event_type: 1,
		trigger_type: 1,
		trigger_metadata: metadata,
		actions: [{ type: AutoModerationActionType.BlockMessage }],
		enabled: true,
		...extra
	};
}

/** The `_errors` of a 50035 answer at a dot path ('' for the root). */
function errorsAt(body: any, path: string): { code: string; message: string }[] | undefined {
	let node = body?.errors;
	for (const key of path.split('.').filter(Boolean)) node = node?.[key];
	return node?._errors;
}

describe('rules over REST', () => {
	test('create, list, get, modify, delete: Discord\'s defaults, the gateway events and audit log entries 140–142', async () => {
		const guild = makeGuild('CRUD');
		const gateway = fresh(0);
		const created = await api('POST', RULES(guild), {
			name: 'Bad words',
			event_type: 1,
			trigger_type: 1,
			trigger_metadata: { keyword_filter: ['cat*'] },
			actions: [{ type: 1 }]
		}, { reason: 'setup' });
		expect(created.status).toBe(200);
		const rule = created.body;
		expect(rule).toEqual({
			id: expect.stringMatching(/^\d+$/),
			guild_id: guild.id,
			name: 'Bad words',
			creator_id: emu.bot.id,
			event_type: 1,
			trigger_type: 1,
			trigger_metadata: { keyword_filter: ['cat*'], regex_patterns: [], allow_list: [] },
			actions: [{ type: 1, metadata: {} }],
			enabled: false,
			exempt_roles: [],
			exempt_channels: []
		});
		expect((await gateway.dispatch('AUTO_MODERATION_RULE_CREATE')).d).toEqual(rule);
		expect((await api('GET', RULES(guild))).body).toEqual([rule]);
		expect((await api('GET', `${RULES(guild)}/${rule.id}`)).body).toEqual(rule);
		expect(guild.autoModerationRules).toEqual([rule]);

		const modified = await api('PATCH', `${RULES(guild)}/${rule.id}`, { name: 'Renamed', enabled: true, trigger_type: 5 });
		expect(modified.body).toEqual({ ...rule, name: 'Renamed', enabled: true });
		expect((await gateway.dispatch('AUTO_MODERATION_RULE_UPDATE')).d).toEqual(modified.body);

		expect((await api('DELETE', `${RULES(guild)}/${rule.id}`, undefined, { reason: 'cleanup' })).status).toBe(204);
		expect((await gateway.dispatch('AUTO_MODERATION_RULE_DELETE')).d).toEqual(modified.body);
		expect(await api('GET', `${RULES(guild)}/${rule.id}`)).toMatchObject({ status: 404, body: { message: '404: Not Found', code: 0 } });
		expect((await api('PATCH', `${RULES(guild)}/${rule.id}`, { enabled: false })).status).toBe(404);
		expect(guild.autoModerationRules).toEqual([]);

		expect(guild.auditLog.map((entry) => [entry.action_type, entry.user_id, entry.target_id, entry.reason])).toEqual([
			[AuditLogEvent.AutoModerationRuleCreate, emu.bot.id, rule.id, 'setup'],
			[AuditLogEvent.AutoModerationRuleUpdate, emu.bot.id, rule.id, undefined],
			[AuditLogEvent.AutoModerationRuleDelete, emu.bot.id, rule.id, 'cleanup']
		]);
		expect(guild.auditLog[1]!.changes).toEqual([
			{ key: 'name', old_value: 'Bad words', new_value: 'Renamed' },
			{ key: 'enabled', old_value: false, new_value: true }
		]);
		expect(guild.auditLog[0]!.changes).toContainEqual({ key: 'trigger_metadata', new_value: rule.trigger_metadata });
	});

	test('the audit log lists the rules its entries name', async () => {
		const guild = makeGuild('Audit rules');
		const rule = (await api('POST', RULES(guild), keywordRule({ keyword_filter: ['x'] }))).body;
		const log = (await api('GET', `/guilds/${guild.id}/audit-logs?action_type=${AuditLogEvent.AutoModerationRuleCreate}`)).body;
		expect(log.audit_log_entries).toHaveLength(1);
		expect(log.auto_moderation_rules).toEqual([rule]);
	});

	test('rules per trigger type: KEYWORD 6, SPAM, KEYWORD_PRESET, MENTION_SPAM and MEMBER_PROFILE 1 (400 50035 at the root)', async () => {
		emu.expectFailures((failure) => failure.code === 50035);
		const guild = makeGuild('Limits');
		for (let index = 0; index < 6; index++) {
			expect((await api('POST', RULES(guild), keywordRule({ keyword_filter: [`w${index}`] }))).status).toBe(200);
		}
		const seventh = await api('POST', RULES(guild), keywordRule({ keyword_filter: ['w6'] }));
		expect(seventh).toMatchObject({ status: 400 });
		expect(seventh.body).toEqual({
			code: 50035,
			message: 'Invalid Form Body',
			errors: { _errors: [{ code: 'AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED', message: 'Maximum number of rules with trigger type 1 is 6' }] }
		});
		const others = [
			{ name: 'Spam', event_type: 1, trigger_type: 3, actions: [{ type: 1 }] },
			{ name: 'Preset', event_type: 1, trigger_type: 4, trigger_metadata: { presets: [1, 3] }, actions: [{ type: 1 }] },
			{ name: 'Mentions', event_type: 1, trigger_type: 5, trigger_metadata: { mention_total_limit: 5 }, actions: [{ type: 1 }] },
			{ name: 'Profiles', event_type: 2, trigger_type: 6, trigger_metadata: { keyword_filter: ['x'] }, actions: [{ type: 4 }] }
		];
		for (const body of others) {
			expect((await api('POST', RULES(guild), body)).status).toBe(200);
			const again = await api('POST', RULES(guild), body);
			expect(errorsAt(again.body, '')).toEqual([
				{ code: 'AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED', message: `Maximum number of rules with trigger type ${body.trigger_type} is 1` }
			]);
		}
		expect(guild.autoModerationRules).toHaveLength(10);
		const mention = guild.autoModerationRules.find((rule) => rule.trigger_type === 5)!;
		expect(mention.trigger_metadata).toEqual({ mention_total_limit: 5, mention_raid_protection_enabled: false });
		expect(guild.autoModerationRules.find((rule) => rule.trigger_type === 4)!.trigger_metadata).toEqual({ presets: [1, 3], allow_list: [] });
		expect(guild.autoModerationRules.find((rule) => rule.trigger_type === 3)!.trigger_metadata).toEqual({});
		// A guild's own limit, not a malformed body: recorded as 'refused'.
		expect(emu.failures.filter((failure) => failure.code === 50035).every((failure) => failure.kind === 'refused')).toBe(true);
	});

	test('the documented field limits, an invalid regex, the alert channel and TIMEOUT\'s trigger types: 400 50035 with the field', async () => {
		emu.expectFailures((failure) => failure.code === 50035);
		const guild = makeGuild('Fields');
		const other = makeGuild('Elsewhere');
		const category = guild.createChannel({ name: 'Staff', type: ChannelType.GuildCategory });
		const long = (length: number) => 'x'.repeat(length);
		const many = (count: number, make: (index: number) => unknown) => Array.from({ length: count }, (_, index) => make(index));
		const cases: [string, Record<string, unknown>, string, string][] = [
			['1001 keywords', keywordRule({ keyword_filter: many(1001, (i) => `k${i}`) }), 'trigger_metadata.keyword_filter', 'BASE_TYPE_MAX_LENGTH'],
			['a 61-character keyword', keywordRule({ keyword_filter: [long(61)] }), 'trigger_metadata.keyword_filter.0', 'BASE_TYPE_MAX_LENGTH'],
			['11 regexes', keywordRule({ regex_patterns: many(11, (i) => `r${i}`) }), 'trigger_metadata.regex_patterns', 'BASE_TYPE_MAX_LENGTH'],
			['a 261-character regex', keywordRule({ regex_patterns: [long(261)] }), 'trigger_metadata.regex_patterns.0', 'BASE_TYPE_MAX_LENGTH'],
			['a regex Rust refuses', keywordRule({ regex_patterns: ['ok', 'a(?=b)'] }), 'trigger_metadata.regex_patterns.1', 'AUTO_MODERATION_INVALID_REGEX'],
			['101 allowed words', keywordRule({ keyword_filter: ['x'], allow_list: many(101, (i) => `a${i}`) }), 'trigger_metadata.allow_list', 'BASE_TYPE_MAX_LENGTH'],
			[
				'1001 allowed words of a preset rule',
				{ name: 'P', event_type: 1, trigger_type: 4, trigger_metadata: { presets: [1], allow_list: many(1001, (i) => `a${i}`) }, actions: [{ type: 1 }] },
				'trigger_metadata.allow_list',
				'BASE_TYPE_MAX_LENGTH'
			],
			[
				'51 mentions',
				{ name: 'M', event_type: 1, trigger_type: 5, trigger_metadata: { mention_total_limit: 51 }, actions: [{ type: 1 }] },
				'trigger_metadata.mention_total_limit',
				'NUMBER_TYPE_MAX'
			],
			['a keyword rule without metadata', { name: 'K', event_type: 1, trigger_type: 1, actions: [{ type: 1 }] }, 'trigger_metadata', 'BASE_TYPE_REQUIRED'],
			['no actions', { name: 'K', event_type: 1, trigger_type: 1, trigger_metadata: { keyword_filter: ['x'] } }, 'actions', 'BASE_TYPE_REQUIRED'],
			['6 actions', keywordRule({ keyword_filter: ['x'] }, { actions: many(6, () => ({ type: 1 })) }), 'actions', 'BASE_TYPE_MAX_LENGTH'],
			['a 101-character name', keywordRule({ keyword_filter: ['x'] }, { name: long(101) }), 'name', 'BASE_TYPE_MAX_LENGTH'],
			[
				'a 151-character block message',
				keywordRule({ keyword_filter: ['x'] }, { actions: [{ type: 1, metadata: { custom_message: long(151) } }] }),
				'actions.0.metadata.custom_message',
				'BASE_TYPE_MAX_LENGTH'
			],
			[
				'a timeout over 4 weeks',
				keywordRule({ keyword_filter: ['x'] }, { actions: [{ type: 3, metadata: { duration_seconds: 2_419_201 } }] }),
				'actions.0.metadata.duration_seconds',
				'NUMBER_TYPE_MAX'
			],
			[
				'a timeout on a SPAM rule',
				{ name: 'S', event_type: 1, trigger_type: 3, actions: [{ type: 3, metadata: { duration_seconds: 60 } }] },
				'actions.0.type',
				'AUTO_MODERATION_ACTION_NOT_ALLOWED_FOR_TRIGGER_TYPE'
			],
			['an alert without a channel', keywordRule({ keyword_filter: ['x'] }, { actions: [{ type: 2, metadata: {} }] }), 'actions.0.metadata.channel_id', 'BASE_TYPE_REQUIRED'],
			[
				'an alert channel of another guild',
				keywordRule({ keyword_filter: ['x'] }, { actions: [{ type: 2, metadata: { channel_id: general(other) } }] }),
				'actions.0.metadata.channel_id',
				'AUTO_MODERATION_INVALID_ALERT_CHANNEL'
			],
			[
				'an alert to a category',
				keywordRule({ keyword_filter: ['x'] }, { actions: [{ type: 2, metadata: { channel_id: category.id } }] }),
				'actions.0.metadata.channel_id',
				'AUTO_MODERATION_INVALID_ALERT_CHANNEL'
			],
			['21 exempt roles', keywordRule({ keyword_filter: ['x'] }, { exempt_roles: many(21, (i) => String(10n ** 17n + BigInt(i))) }), 'exempt_roles', 'BASE_TYPE_MAX_LENGTH'],
			['51 exempt channels', keywordRule({ keyword_filter: ['x'] }, { exempt_channels: many(51, (i) => String(10n ** 17n + BigInt(i))) }), 'exempt_channels', 'BASE_TYPE_MAX_LENGTH']
		];
		for (const [what, body, path, code] of cases) {
			const answer = await api('POST', RULES(guild), body);
			expect({ what, status: answer.status, code: answer.body.code }).toEqual({ what, status: 400, code: 50035 });
			expect({ what, errors: errorsAt(answer.body, path)?.map((error) => error.code) }).toEqual({ what, errors: [code] });
		}
		expect(guild.autoModerationRules).toEqual([]);
		// At their limits, the same fields are accepted.
		const edge = await api('POST', RULES(guild), keywordRule(
			{ keyword_filter: many(1000, (i) => `k${i}`), regex_patterns: many(10, (i) => `r${i}\\d+`), allow_list: many(100, (i) => `a${i}`) },
			{ actions: [{ type: 1, metadata: { custom_message: long(150) } }, { type: 3, metadata: { duration_seconds: 2_419_200 } }], name: long(100) }
		));
		expect(edge.status).toBe(200);
		const preset = await api('POST', RULES(guild), { name: 'P', event_type: 1, trigger_type: 4, trigger_metadata: { presets: [2], allow_list: many(1000, (i) => `a${i}`) }, actions: [{ type: 1 }] });
		expect(preset.status).toBe(200);
		// A modify request is checked the same way.
		const patched = await api('PATCH', `${RULES(guild)}/${edge.body.id}`, { trigger_metadata: { keyword_filter: [long(61)] } });
		expect(errorsAt(patched.body, 'trigger_metadata.keyword_filter.0')?.[0]?.code).toBe('BASE_TYPE_MAX_LENGTH');
	});

	test('MANAGE_GUILD for every route, MODERATE_MEMBERS too for a TIMEOUT action (403 50013)', async () => {
		emu.expectFailures((failure) => failure.code === 50013);
		const weak = makeGuild('No manage guild', 0, DEFAULT_BOT_PERMISSIONS);
		expect(await api('GET', RULES(weak))).toMatchObject({ status: 403, body: { code: 50013 } });
		expect((await api('POST', RULES(weak), keywordRule({ keyword_filter: ['x'] }))).body.code).toBe(50013);
		const noTimeouts = makeGuild('No timeouts', 0, P.ViewChannel | P.ManageGuild);
		const timeout = keywordRule({ keyword_filter: ['x'] }, { actions: [{ type: 3, metadata: { duration_seconds: 60 } }] });
		expect((await api('POST', RULES(noTimeouts), timeout)).body.code).toBe(50013);
		const rule = await api('POST', RULES(noTimeouts), keywordRule({ keyword_filter: ['x'] }));
		expect(rule.status).toBe(200);
		expect((await api('PATCH', `${RULES(noTimeouts)}/${rule.body.id}`, { actions: timeout.actions })).body.code).toBe(50013);
		expect(noTimeouts.autoModerationRules[0]!.actions).toEqual([{ type: 1, metadata: {} }]);
	});
});

/** Sends as `userId` in `channelId` and says whether AutoMod blocked it, and on what. */
function attempt(guild: GuildHandle, userId: string, content: string, channelId = general(guild)): MessageOutcome {
	return emu.messages.trySend({ channelId, userId, content });
}

describe('enforcement on messages members send', () => {
	test('keywords: whole word, prefix, suffix, anywhere, phrases; case-insensitive; whitespace as the word boundary', async () => {
		const guild = makeGuild('Keywords');
		await api('POST', RULES(guild), keywordRule({ keyword_filter: ['cat', 'dog*', '*fish', '*ana*', 'the mat'] }));
		const member = guild.addMember({ username: 'member' });
		const cases: [string, string | null, string | null][] = [
			['a cat here', 'cat', 'cat'],
			['CAT', 'cat', 'CAT'],
			['concatenate', null, null],
			['cats', null, null],
			['cat!', null, null],
			['my doghouse', 'dog*', 'doghouse'],
			['hotdog', null, null],
			['a catfish', '*fish', 'catfish'],
			['fisherman', null, null],
			['bananas split', '*ana*', 'bananas'],
			['on The   Mat now', 'the mat', 'The   Mat'],
			['themat', null, null]
		];
		for (const [content, keyword, matched] of cases) {
			const outcome = attempt(guild, member.id, content);
			expect({ content, blocked: outcome.message === null, keyword: outcome.executions[0]?.matched_keyword ?? null, matched: outcome.executions[0]?.matched_content ?? null }).toEqual({
				content,
				blocked: keyword !== null,
				keyword,
				matched
			});
		}
		expect(guild.messages(general(guild)).map((message) => message.content)).toEqual(cases.filter(([, keyword]) => keyword === null).map(([content]) => content));
	});

	test('allow list and regexes (Rust syntax, case-insensitive): allowed matches do not trigger', async () => {
		const guild = makeGuild('Regexes');
		const rule = (await api('POST', RULES(guild), keywordRule({
			keyword_filter: ['*cat*'],
			regex_patterns: ['d[i1]sc[o0]rd\\.gg/\\w+'],
			allow_list: ['education', 'discord.gg/official']
		}))).body;
		const member = guild.addMember({ username: 'member' });
		expect(attempt(guild, member.id, 'education matters').message).not.toBeNull();
		expect(attempt(guild, member.id, 'join discord.gg/official').message).not.toBeNull();
		const keyword = attempt(guild, member.id, 'education for cats');
		expect(keyword.message).toBeNull();
		expect(keyword.executions[0]).toMatchObject({ rule_id: rule.id, matched_keyword: '*cat*', matched_content: 'cats' });
		const regex = attempt(guild, member.id, 'free nitro at DISC0RD.gg/abc now');
		expect(regex.blockedBy.map((blocking) => blocking.id)).toEqual([rule.id]);
		expect(regex.executions[0]).toMatchObject({ matched_keyword: 'd[i1]sc[o0]rd\\.gg/\\w+', matched_content: 'DISC0RD.gg/abc' });
	});

	test('mention spam: unique user and role mentions above mention_total_limit (@everyone not counted)', async () => {
		const guild = makeGuild('Mentions');
		const rule = (await api('POST', RULES(guild), {
			name: 'Mentions',
			event_type: 1,
			trigger_type: 5,
			trigger_metadata: { mention_total_limit: 2, mention_raid_protection_enabled: true },
			actions: [{ type: 1 }],
			enabled: true
		})).body;
		const member = guild.addMember({ username: 'member' });
		const [a, b] = ['a', 'b'].map((username) => guild.addMember({ username }));
		const role = guild.createRole({ name: 'Team' });
		expect(attempt(guild, member.id, `<@${a!.id}> <@!${a!.id}> <@${b!.id}>`).message).not.toBeNull();
		expect(attempt(guild, member.id, `@everyone <@${a!.id}> <@${b!.id}>`).message).not.toBeNull();
		const spam = attempt(guild, member.id, `<@${a!.id}> <@${b!.id}> <@&${role.id}>`);
		expect(spam.message).toBeNull();
		expect(spam.executions).toEqual([expect.objectContaining({ rule_id: rule.id, rule_trigger_type: 5, matched_keyword: null, matched_content: null })]);
	});

	test('exemptions: roles, channels (a category covers its channels, a channel its threads), disabled rules, managers, bots, webhooks', async () => {
		const guild = makeGuild('Exemptions');
		const trusted = guild.createRole({ name: 'Trusted' });
		const exemptChannel = guild.createChannel({ name: 'memes', type: ChannelType.GuildText });
		const category = guild.createChannel({ name: 'Staff', type: ChannelType.GuildCategory });
		const inCategory = guild.createChannel({ name: 'staff-chat', type: ChannelType.GuildText, parentId: category.id });
		const thread = guild.createChannel({ name: 'meme thread', type: ChannelType.PublicThread, parentId: exemptChannel.id });
		const rule = (await api('POST', RULES(guild), keywordRule({ keyword_filter: ['spam'] }, {
			exempt_roles: [trusted.id],
			exempt_channels: [exemptChannel.id, category.id]
		}))).body;
		const plain = guild.addMember({ username: 'plain' });
		const blocked = (outcome: MessageOutcome) => outcome.message === null;
		expect(blocked(attempt(guild, plain.id, 'spam'))).toBe(true);
		expect(blocked(attempt(guild, guild.addMember({ username: 'trusted', roles: [trusted.id] }).id, 'spam'))).toBe(false);
		expect(blocked(attempt(guild, plain.id, 'spam', exemptChannel.id))).toBe(false);
		expect(blocked(attempt(guild, plain.id, 'spam', inCategory.id))).toBe(false);
		expect(blocked(attempt(guild, plain.id, 'spam', thread.id))).toBe(false);
		for (const exempt of [
			guild.addMember({ username: 'admin', permissions: P.Administrator }),
			guild.addMember({ username: 'manager', permissions: P.ManageGuild }),
			guild.addMember({ username: 'other bot', bot: true })
		]) {
			expect({ who: exempt.user.username, blocked: blocked(attempt(guild, exempt.id, 'spam')) }).toEqual({ who: exempt.user.username, blocked: false });
		}
		expect(blocked(attempt(guild, guild.ownerId, 'spam'))).toBe(false);
		expect(emu.messages.trySend({ channelId: general(guild), webhookId: '123456789012345678', content: 'spam' }).message).not.toBeNull();
		await api('PATCH', `${RULES(guild)}/${rule.id}`, { enabled: false });
		expect(blocked(attempt(guild, plain.id, 'spam'))).toBe(false);
		expect(emu.autoModeration.executions(guild.id)).toHaveLength(1);
	});

	test('block, alert and timeout: no message, a type 24 alert by the member, a timeout, entries 143–145, one execution each', async () => {
		emu.clock.freeze();
		try {
			const guild = makeGuild('Actions');
			const modLog = guild.createChannel({ name: 'mod-log', type: ChannelType.GuildText });
			const rule = (await api('POST', RULES(guild), keywordRule({ keyword_filter: ['scam'] }, {
				name: 'Scams',
				actions: [
					{ type: 1, metadata: { custom_message: 'No scams here.' } },
					{ type: 2, metadata: { channel_id: modLog.id } },
					{ type: 3, metadata: { duration_seconds: 60 } }
				]
			}))).body;
			const member = guild.addMember({ username: 'scammer' });
			const gateway = fresh(0);
			const mark = emu.recorder.seq;
			let error: unknown;
			try {
				emu.messages.send({ channelId: general(guild), userId: member.id, content: 'this is a scam' });
			} catch (caught) {
				error = caught;
			}
			expect(error).toBeInstanceOf(AutoModerationBlockedError);
			expect((error as Error).message).toContain('"Scams"');
			const outcome = (error as AutoModerationBlockedError).outcome;
			expect(outcome.message).toBeNull();
			expect(outcome.blockedBy.map((blocking) => blocking.id)).toEqual([rule.id]);
			expect(emu.recorder.dispatchesSince(mark, guild.id)).toEqual([
				'GUILD_AUDIT_LOG_ENTRY_CREATE',
				'AUTO_MODERATION_ACTION_EXECUTION',
				'MESSAGE_CREATE',
				'GUILD_AUDIT_LOG_ENTRY_CREATE',
				'AUTO_MODERATION_ACTION_EXECUTION',
				'GUILD_MEMBER_UPDATE',
				'GUILD_AUDIT_LOG_ENTRY_CREATE',
				'AUTO_MODERATION_ACTION_EXECUTION'
			]);
			expect(guild.messages(general(guild))).toEqual([]);

			const [alert] = outcome.alerts;
			expect(guild.messages(modLog.id)).toEqual([alert]);
			expect(alert).toMatchObject({ type: MessageType.AutoModerationAction, channel_id: modLog.id, content: '', author: { id: member.id } });
			expect(alert!.embeds).toEqual([
				{
					type: 'auto_moderation_message',
					description: 'this is a scam',
					fields: [
						{ name: 'rule_name', value: 'Scams', inline: false },
						{ name: 'channel_id', value: general(guild), inline: false },
						{ name: 'decision_id', value: expect.stringMatching(/^\d+$/), inline: false },
						{ name: 'keyword', value: 'scam', inline: false },
						{ name: 'keyword_matched_content', value: 'scam', inline: false },
						{ name: 'timeout_duration', value: '60', inline: false }
					]
				}
			]);
			const created = await gateway.dispatch('MESSAGE_CREATE');
			expect(created.d).toMatchObject({ id: alert!.id, type: 24, guild_id: guild.id, member: expect.any(Object) });

			const until = new Date(emu.clock.now() + 60_000).toISOString().replace('Z', '000+00:00');
			expect(guild.member(member.id)?.communication_disabled_until).toBe(until);
			expect((await gateway.dispatch('GUILD_MEMBER_UPDATE')).d).toMatchObject({ user: { id: member.id }, communication_disabled_until: until });

			const options = { channel_id: general(guild), auto_moderation_rule_name: 'Scams', auto_moderation_rule_trigger_type: '1' };
			expect(guild.auditLog.slice(1)).toEqual([
				{ id: expect.any(String), action_type: AuditLogEvent.AutoModerationBlockMessage, user_id: member.id, target_id: member.id, options },
				{ id: expect.any(String), action_type: AuditLogEvent.AutoModerationFlagToChannel, user_id: member.id, target_id: member.id, options },
				{ id: expect.any(String), action_type: AuditLogEvent.AutoModerationUserCommunicationDisabled, user_id: member.id, target_id: member.id, options }
			]);
			const base = { guild_id: guild.id, rule_id: rule.id, rule_trigger_type: 1, user_id: member.id, channel_id: general(guild), content: 'this is a scam', matched_keyword: 'scam', matched_content: 'scam' };
			expect(outcome.executions).toEqual([
				{ ...base, action: rule.actions[0] },
				{ ...base, action: rule.actions[1], alert_system_message_id: alert!.id },
				{ ...base, action: rule.actions[2] }
			]);
			expect(emu.autoModeration.executions(guild.id)).toEqual(outcome.executions);
		} finally {
			emu.clock.unfreeze();
		}
	});

	test('an alert without a block: the message is posted, then the alert names it', async () => {
		const guild = makeGuild('Alert only');
		const modLog = guild.createChannel({ name: 'mod-log', type: ChannelType.GuildText });
		await api('POST', RULES(guild), keywordRule({ keyword_filter: ['*coin*'] }, { actions: [{ type: 2, metadata: { channel_id: modLog.id } }] }));
		const member = guild.addMember({ username: 'trader' });
		const mark = emu.recorder.seq;
		const message = emu.messages.send({ channelId: general(guild), userId: member.id, content: 'buy bitcoins' });
		expect(emu.recorder.dispatchesSince(mark, guild.id)).toEqual(['MESSAGE_CREATE', 'MESSAGE_CREATE', 'GUILD_AUDIT_LOG_ENTRY_CREATE', 'AUTO_MODERATION_ACTION_EXECUTION']);
		const [alert] = guild.messages(modLog.id);
		expect(alert!.embeds[0]!.fields).toContainEqual({ name: 'flagged_message_id', value: message.id, inline: false });
		expect(alert!.embeds[0]!.fields).toContainEqual({ name: 'keyword_matched_content', value: 'bitcoins', inline: false });
		expect(emu.autoModeration.executions(guild.id)).toEqual([expect.objectContaining({ message_id: message.id, alert_system_message_id: alert!.id })]);
	});
});

describe('the execution event', () => {
	async function alertRule(guild: GuildHandle) {
		const modLog = guild.createChannel({ name: 'mod-log', type: ChannelType.GuildText });
		return (await api('POST', RULES(guild), keywordRule({ keyword_filter: ['pills'] }, { actions: [{ type: 2, metadata: { channel_id: modLog.id } }] }))).body;
	}

	test('its fields; content and matched_content empty on a session without MESSAGE_CONTENT', async () => {
		const withContent = makeGuild('With content', 0);
		const without = makeGuild('Without content', 1);
		for (const [guild, shard, content, matched] of [
			[withContent, 0, 'buy cheap pills', 'pills'],
			[without, 1, '', '']
		] as const) {
			const rule = await alertRule(guild);
			const member = guild.addMember({ username: 'seller' });
			const gateway = fresh(shard);
			const outcome = attempt(guild, member.id, 'buy cheap pills');
			const event = await gateway.dispatch('AUTO_MODERATION_ACTION_EXECUTION');
			expect(event.d).toEqual({
				guild_id: guild.id,
				action: { type: 2, metadata: { channel_id: rule.actions[0].metadata.channel_id } },
				rule_id: rule.id,
				rule_trigger_type: 1,
				user_id: member.id,
				channel_id: general(guild),
				message_id: outcome.message!.id,
				alert_system_message_id: outcome.alerts[0]!.id,
				content,
				matched_keyword: 'pills',
				matched_content: matched
			});
		}
	});

	test('not sent to a session without AUTO_MODERATION_EXECUTION, nor to a bot without MANAGE_GUILD (rule events neither)', async () => {
		const noIntent = makeGuild('No execution intent', 2);
		const gateway = fresh(2);
		await alertRule(noIntent);
		expect((await gateway.dispatch('AUTO_MODERATION_RULE_CREATE')).d.guild_id).toBe(noIntent.id);
		const member = noIntent.addMember({ username: 'seller' });
		expect(attempt(noIntent, member.id, 'pills').executions).toHaveLength(1);
		expect(emu.recorder.dispatches('AUTO_MODERATION_ACTION_EXECUTION', 2)).toEqual([]);
		expect(emu.recorder.dispatches('AUTO_MODERATION_ACTION_EXECUTION', 1).some((record) => (record.d as { guild_id?: string }).guild_id === noIntent.id)).toBe(false);

		const notManaging = makeGuild('Bot without manage guild', 0, DEFAULT_BOT_PERMISSIONS);
		const admin = notManaging.addMember({ username: 'admin', permissions: P.ManageGuild });
		const mark = emu.recorder.seq;
		emu.autoModeration.createRule(notManaging.id, { creatorId: admin.id, ...keywordRule({ keyword_filter: ['pills'] }) });
		const seller = notManaging.addMember({ username: 'seller' });
		expect(attempt(notManaging, seller.id, 'pills').executions).toHaveLength(1);
		const events = emu.recorder.dispatchesSince(mark, notManaging.id);
		expect(events).toContain('GUILD_AUDIT_LOG_ENTRY_CREATE');
		expect(events.filter((event) => event.startsWith('AUTO_MODERATION'))).toEqual([]);
	});
});

describe('edits', () => {
	test('a member edits a message: MESSAGE_UPDATE with edited_timestamp and the new mentions; AutoMod checks the new content', async () => {
		const guild = makeGuild('Edits');
		const modLog = guild.createChannel({ name: 'mod-log', type: ChannelType.GuildText });
		const rule = (await api('POST', RULES(guild), keywordRule({ keyword_filter: ['secret'] }, {
			actions: [{ type: 1 }, { type: 2, metadata: { channel_id: modLog.id } }]
		}))).body;
		const member = guild.addMember({ username: 'editor' });
		const [a, b] = ['a', 'b'].map((username) => guild.addMember({ username }));
		const message = emu.messages.send({ channelId: general(guild), userId: member.id, content: `hello <@${a!.id}>` });
		const gateway = fresh(0);
		const edited = emu.messages.edit({ channelId: general(guild), messageId: message.id, content: `hello <@${b!.id}> again` });
		expect(edited).toMatchObject({ id: message.id, content: `hello <@${b!.id}> again`, edited_timestamp: expect.any(String), mentions: [{ id: b!.id }] });
		const update = await gateway.dispatch('MESSAGE_UPDATE');
		expect(update.d).toMatchObject({ id: message.id, guild_id: guild.id, content: `hello <@${b!.id}> again`, mentions: [{ id: b!.id }] });
		expect(update.d.edited_timestamp).not.toBeNull();

		const mark = emu.recorder.seq;
		expect(() => emu.messages.edit({ channelId: general(guild), messageId: message.id, content: 'the secret is out' })).toThrow(AutoModerationBlockedError);
		expect(emu.recorder.dispatchesSince(mark, guild.id)).not.toContain('MESSAGE_UPDATE');
		expect(guild.messages(general(guild))[0]!.content).toBe(`hello <@${b!.id}> again`);
		const outcome = emu.messages.tryEdit({ channelId: general(guild), messageId: message.id, content: 'still a secret' });
		expect(outcome.message).toBeNull();
		expect(outcome.executions.map((execution) => [execution.action.type, execution.message_id, execution.content])).toEqual([
			[1, message.id, 'still a secret'],
			[2, message.id, 'still a secret']
		]);
		expect(outcome.executions[0]!.rule_id).toBe(rule.id);
		expect(outcome.alerts[0]!.embeds[0]!.fields).toContainEqual({ name: 'flagged_message_id', value: message.id, inline: false });

		const reply = await api('POST', `/channels/${general(guild)}/messages`, { content: 'bot here' });
		expect(() => emu.messages.edit({ channelId: general(guild), messageId: reply.body.id, content: 'x' })).toThrow(/own message/);
	});
});

describe('message controls', () => {
	test('attachments, stickers and tts; attachments blanked without MESSAGE_CONTENT like content', async () => {
		const withContent = makeGuild('Files', 0);
		const without = makeGuild('Files, no content intent', 1);
		for (const [guild, shard] of [[withContent, 0], [without, 1]] as const) {
			const member = guild.addMember({ username: 'uploader' });
			const gateway = fresh(shard);
			const message = emu.messages.send({
				channelId: general(guild),
				userId: member.id,
				content: 'look',
				attachments: [{ filename: 'cat.png', size: 2048, width: 10, height: 8 }, { filename: 'notes.txt', description: 'my notes' }],
				stickers: [{ name: 'wave' }, { id: '123456789012345678', name: 'dance', format_type: 4 }],
				tts: true
			});
			const [png, txt] = message.attachments;
			const path = (file: { id: string; filename: string }) => `attachments/${general(guild)}/${file.id}/${file.filename}`;
			const signed = /\?ex=[0-9a-f]+&is=[0-9a-f]+&hm=[0-9a-f]{64}&$/;
			expect(png).toEqual({ id: expect.stringMatching(/^\d+$/), filename: 'cat.png', content_type: 'image/png', size: 2048, url: expect.stringMatching(signed), proxy_url: expect.stringMatching(signed), width: 10, height: 8 });
			expect(png!.url.startsWith(`${emu.attachments.baseUrl}/${path(png!)}?`)).toBe(true);
			expect(png!.proxy_url.startsWith(`${emu.attachments.baseUrl}/media/${path(png!)}?`)).toBe(true);
			expect(emu.attachments.get(png!.url)?.bytes).toEqual(Buffer.alloc(2048));
			expect(txt).toMatchObject({ filename: 'notes.txt', description: 'my notes', content_type: 'text/plain; charset=utf-8', size: 1024 });
			expect(message.sticker_items).toEqual([
				{ id: expect.stringMatching(/^\d+$/), name: 'wave', format_type: 1 },
				{ id: '123456789012345678', name: 'dance', format_type: 4 }
			]);
			expect(message.tts).toBe(true);
			const created = (await gateway.dispatch('MESSAGE_CREATE')).d;
			expect(created.sticker_items).toEqual(message.sticker_items);
			if (shard === 0) expect(created).toMatchObject({ content: 'look', attachments: message.attachments });
			else expect(created).toMatchObject({ content: '', attachments: [], embeds: [] });
		}
		const member = withContent.addMember({ username: 'lazy' });
		expect(() => emu.messages.send({ channelId: general(withContent), userId: member.id, content: '' })).toThrow(/needs content/);
		expect(() => emu.messages.send({ channelId: general(withContent), userId: member.id, stickers: [1, 2, 3, 4].map((n) => ({ name: `s${n}` })) })).toThrow(/3 stickers/);
		expect(emu.messages.send({ channelId: general(withContent), userId: member.id, attachments: [{ filename: 'only.gif' }] }).content).toBe('');
	});

	test('a webhook message: webhook_id, a bot-like author, no member', async () => {
		const guild = makeGuild('Webhooks');
		const gateway = fresh(0);
		const message = emu.messages.send({ channelId: general(guild), webhookId: '223456789012345678', webhookName: 'GitHub', content: 'New push' });
		expect(message).toMatchObject({ webhook_id: '223456789012345678', author: { id: '223456789012345678', username: 'GitHub', bot: true, discriminator: '0000' } });
		const created = (await gateway.dispatch('MESSAGE_CREATE')).d;
		expect(created).toMatchObject({ webhook_id: '223456789012345678', content: 'New push' });
		expect(created).not.toHaveProperty('member');
		expect(() => emu.messages.send({ channelId: general(guild), content: 'who?' })).toThrow(/userId/);
	});
});

describe('rules made by hand (emu.autoModeration)', () => {
	test('the client\'s checks, then the same events and entries, naming the member', async () => {
		const guild = makeGuild('By hand');
		const member = guild.addMember({ username: 'member' });
		const manager = guild.addMember({ username: 'manager', permissions: P.ManageGuild });
		const moderator = guild.addMember({ username: 'moderator', permissions: P.ManageGuild | P.ModerateMembers });
		const control = emu.autoModeration;
		const body = keywordRule({ keyword_filter: ['x'] });
		expect(() => control.createRule(guild.id, { creatorId: member.id, ...body })).toThrow(/member lacks ManageGuild/);
		const timeout = { ...body, actions: [{ type: 3, metadata: { duration_seconds: 60 } }] };
		expect(() => control.createRule(guild.id, { creatorId: manager.id, ...timeout })).toThrow(/manager lacks ModerateMembers/);
		expect(() => control.createRule(guild.id, { creatorId: manager.id, ...keywordRule({ keyword_filter: ['y'.repeat(61)] }) })).toThrow(
			/trigger_metadata\.keyword_filter\.0: BASE_TYPE_MAX_LENGTH/
		);
		expect(() => control.createRule(guild.id, { creatorId: manager.id, ...keywordRule({ regex_patterns: ['(unclosed'] }) })).toThrow(/AUTO_MODERATION_INVALID_REGEX/);

		const gateway = fresh(0);
		const rule = control.createRule(guild.id, { creatorId: moderator.id, reason: 'raid season', ...timeout });
		expect(rule).toMatchObject({ creator_id: moderator.id, guild_id: guild.id, actions: [{ type: 3, metadata: { duration_seconds: 60 } }] });
		expect((await gateway.dispatch('AUTO_MODERATION_RULE_CREATE')).d).toEqual(rule);
		expect(guild.auditLog.at(-1)).toMatchObject({ action_type: AuditLogEvent.AutoModerationRuleCreate, user_id: moderator.id, target_id: rule.id, reason: 'raid season' });
		for (let index = 0; index < 5; index++) control.createRule(guild.id, { creatorId: manager.id, ...keywordRule({ keyword_filter: [`w${index}`] }) });
		expect(() => control.createRule(guild.id, { creatorId: manager.id, ...body })).toThrow(/Maximum number of rules with trigger type 1 is 6/);

		const updated = control.updateRule(guild.id, rule.id, { actorId: moderator.id, name: 'Renamed' });
		expect(updated.name).toBe('Renamed');
		expect(control.rule(guild.id, rule.id)).toEqual(updated);
		expect((await gateway.dispatch('AUTO_MODERATION_RULE_UPDATE')).d).toEqual(updated);
		control.deleteRule(guild.id, rule.id, { actorId: manager.id });
		expect((await gateway.dispatch('AUTO_MODERATION_RULE_DELETE')).d.id).toBe(rule.id);
		expect(control.rules(guild.id)).toHaveLength(5);
		expect(() => control.deleteRule(guild.id, rule.id, { actorId: manager.id })).toThrow(/no auto moderation rule/);
		expect(guild.auditLog.slice(-2).map((entry) => [entry.action_type, entry.user_id])).toEqual([
			[AuditLogEvent.AutoModerationRuleUpdate, moderator.id],
			[AuditLogEvent.AutoModerationRuleDelete, manager.id]
		]);
	});
});

describe('invites', () => {
	test('GET /invites/{code} resolves a code to its guild (no Authorization needed), counts with with_counts, 404 10006 otherwise', async () => {
		emu.expectFailures((failure) => failure.code === 10006);
		const guild = makeGuild('Invited');
		guild.addMember({ username: 'member' });
		const gateway = fresh(0);
		const code = guild.createInvite({ code: 'hearth-test' });
		expect(code).toBe('hearth-test');
		expect((await gateway.dispatch('INVITE_CREATE')).d).toMatchObject({ code, guild_id: guild.id, channel_id: general(guild), uses: 0, max_age: 0, inviter: { id: guild.ownerId } });
		const answer = await api('GET', `/invites/${code}`, undefined, { auth: false });
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({
			type: 0,
			code,
			guild_id: guild.id,
			guild: { id: guild.id, name: 'Invited', features: [], verification_level: 0 },
			channel: { id: general(guild), type: ChannelType.GuildText, name: 'general' },
			inviter: { id: guild.ownerId },
			expires_at: null
		});
		expect(answer.body).not.toHaveProperty('approximate_member_count');
		const counted = await api('GET', `/invites/${code}?with_counts=true`);
		expect(counted.body).toMatchObject({ approximate_member_count: guild.members.length, approximate_presence_count: 0 });
		expect(await api('GET', '/invites/nope1234')).toMatchObject({ status: 404, body: { code: 10006, message: 'Unknown Invite' } });
		const random = guild.createInvite();
		expect(random).toMatch(/^[A-Za-z0-9]{8}$/);
		expect(guild.invites.map((invite) => invite.code)).toEqual([code, random]);
		expect(() => guild.createInvite({ code })).toThrow(/taken/);
	});
});

describe('with a bare discord.js client', () => {
	let djsEmu: DiscordEmulator;
	let client: Client;

	beforeAll(async () => {
		djsEmu = await DiscordEmulator.start();
		djsEmu.world.createGuild({ name: 'discord.js', botPermissions: DEFAULT_BOT_PERMISSIONS | P.ManageGuild });
		const options = {
			intents: [
				GatewayIntentBits.Guilds,
				GatewayIntentBits.GuildMessages,
				GatewayIntentBits.MessageContent,
				GatewayIntentBits.AutoModerationConfiguration,
				GatewayIntentBits.AutoModerationExecution
			],
			rest: { api: djsEmu.restUrl }
		} satisfies Omit<ClientOptions, 'tasks'>;
		client = new Client(options as unknown as ClientOptions);
		const ready = once(client, 'clientReady');
		await client.login(djsEmu.bot.token);
		await ready;
	});

	afterEach(() => djsEmu.assertNoFailures());

	afterAll(async () => {
		await client?.destroy();
		await djsEmu?.stop();
	});

	test('creates a rule through its manager and hears autoModerationActionExecution for a blocked message', async () => {
		const world = djsEmu.world.guilds[0]!;
		const guild = client.guilds.cache.get(world.id)!;
		const created = once(client, 'autoModerationRuleCreate') as Promise<[AutoModerationRule]>;
		const rule = await guild.autoModerationRules.create({
			name: 'No spoilers',
			eventType: AutoModerationRuleEventType.MessageSend,
			triggerType: AutoModerationRuleTriggerType.Keyword,
			triggerMetadata: { keywordFilter: ['spoiler*'] },
			actions: [{ type: DjsActionType.BlockMessage, metadata: { customMessage: 'No spoilers, please.' } }],
			enabled: true,
			reason: 'spoiler season'
		});
		expect(rule.triggerMetadata.keywordFilter).toEqual(['spoiler*']);
		expect((await created)[0].id).toBe(rule.id);
		const fetched = await guild.autoModerationRules.fetch({ cache: false });
		expect([...fetched.keys()]).toEqual([rule.id]);

		const heard = once(client, 'autoModerationActionExecution') as Promise<[AutoModerationActionExecution]>;
		const member = world.addMember({ username: 'leaker' });
		const channelId = world.channels.find((channel) => channel.name === 'general')!.id;
		expect(djsEmu.messages.trySend({ channelId, userId: member.id, content: 'SPOILERS: he dies' }).message).toBeNull();
		const [execution] = await heard;
		expect(execution.ruleId).toBe(rule.id);
		expect(execution.userId).toBe(member.id);
		expect(execution.messageId).toBeNull();
		expect(execution.content).toBe('SPOILERS: he dies');
		expect(execution.matchedKeyword).toBe('spoiler*');
		expect(execution.matchedContent).toBe('SPOILERS:');
		expect(execution.action.type).toBe(DjsActionType.BlockMessage);
		expect(execution.action.metadata.customMessage).toBe('No spoilers, please.');
	});
});
