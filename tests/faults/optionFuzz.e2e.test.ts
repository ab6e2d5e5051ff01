/**
 * Every command of every plugin called with generated option values (issue 12, fault suite): the real bot with all
 * its plugins on the emulator, two guilds. In guild A, each subcommand the bot registered is invoked several times,
 * by an admin and by a plain member, with values Discord's client can send but nobody would type — empty and
 * 2,000-character strings, unicode and zalgo, translation markup (`{{name}}`, `$t(...)`), regex bombs, numbers at
 * their bounds, the bot itself, @everyone, members, roles and channels of guild B — chosen by a seeded generator
 * (set FUZZ_SEED to replay another run, FUZZ_ROUNDS for more rounds per subcommand).
 *
 * Each invocation must be answered (Discord's 3 s for the first response; a deferred answer then edited or followed
 * up), in words (no raw translation key), without an error logged by the bot and without a request Discord would
 * refuse. Guild B must come out untouched: its rows in PostgreSQL, its Redis keys and its state on Discord are compared
 * before and after.
 */
import { DiscordEmulator, type EmulatedInteraction, type GuildHandle, type MemberView } from '@hearth/discord-emulator';
import {
	ApplicationCommandOptionType as O,
	ChannelType,
	PermissionFlagsBits,
	type APIApplicationCommand,
	type APIApplicationCommandInteractionDataOption,
	type APIApplicationCommandOption
} from 'discord.js';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/lib/random.js';
import { startTestBot, type TestBot } from '../helpers/testBot.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 3);
/** What counts as answered: Discord's deadline for the first response, then time for a deferred answer's edit. */
const FIRST_RESPONSE_MS = 3_000;
const DEFERRED_ANSWER_MS = 10_000;

let emu: DiscordEmulator;
let bot: TestBot;
let a: GuildHandle;
let b: GuildHandle;
let adminA: MemberView;
let memberA: MemberView;
let targetA: MemberView;
let memberB: MemberView;

interface Finding {
	command: string;
	options: Record<string, unknown>;
	actor: string;
	problem: string;
}

beforeAll(async () => {
	emu = await DiscordEmulator.start({ identifyIntervalMs: 0 });
	a = emu.world.createGuild({ name: 'Fuzzed' });
	b = emu.world.createGuild({ name: 'Bystander' });
	adminA = a.addMember({ username: 'admin', permissions: PermissionFlagsBits.Administrator });
	memberA = a.addMember({ username: 'member' });
	targetA = a.addMember({ username: 'target' });
	a.createRole({ name: 'Helpers' });
	a.createChannel({ name: 'voice', type: ChannelType.GuildVoice });
	a.createChannel({ name: 'Category', type: ChannelType.GuildCategory });
	const adminB = b.addMember({ username: 'admin-b', permissions: PermissionFlagsBits.Administrator });
	memberB = b.addMember({ username: 'member-b' });
	b.createRole({ name: 'B role' });
	bot = await startTestBot({ emulator: emu });
	// Every plugin on in both guilds; B gets a language and some data of its own to protect.
	for (const guild of [a, b]) {
		for (const plugin of ['voice-xp', 'moderation', 'automod', 'giveaways', 'tickets']) {
			if (bot.handle.pluginHost.has(plugin)) await bot.handle.settings.setPluginEnabled(guild.id, plugin, true);
		}
	}
	await bot.handle.settings.setLanguage(b.id, 'pl');
	void adminB;
	emu.assertNoFailures();
});

afterAll(async () => {
	await bot?.stop();
	await emu?.stop();
});

/** The leaves of a command: each subcommand (or the command itself) with its path and options. */
function leaves(command: APIApplicationCommand): { path: string[]; options: APIApplicationCommandOption[] }[] {
	const out: { path: string[]; options: APIApplicationCommandOption[] }[] = [];
	const walk = (path: string[], options: readonly APIApplicationCommandOption[]) => {
		const nested = options.filter((option) => option.type === O.Subcommand || option.type === O.SubcommandGroup);
		if (nested.length === 0) return out.push({ path, options: [...options] });
		for (const option of nested) walk([...path, option.name], 'options' in option ? (option.options ?? []) : []);
	};
	walk([], command.options ?? []);
	return out;
}

const ZALGO = `Z${'\u0336\u0321\u0322\u031b'.repeat(40)}algo`;
const STRINGS = [
	'',
	'a',
	' ',
	'{{name}}',
	'$t(core:errors.unexpected)',
	'@everyone @here',
	'ąęłżźćńó 日本語 🎉',
	ZALGO,
	'(a+)+$',
	'x'.repeat(2_000),
	'-1',
	'0',
	'99999999999999999999',
	'30d',
	'1s',
	'https://discord.gg/abc',
	'__proto__',
	'constructor',
	'null'
];

/** A value for one option, as Discord's client could send it (within the declared bounds), or undefined to omit it. */
function valueFor(option: APIApplicationCommandOption, random: SeededRandom): string | number | boolean | undefined {
	const spec = option as APIApplicationCommandOption & {
		min_length?: number;
		max_length?: number;
		min_value?: number;
		max_value?: number;
		choices?: { value: string | number }[];
		channel_types?: ChannelType[];
	};
	const pick = <T>(values: readonly T[]): T => values[random.int(0, values.length - 1)]!;
	if (spec.choices?.length) return pick(spec.choices).value;
	switch (option.type) {
		case O.String: {
			const foreign = [`<@&${b.roles[0]!.id}>`, `<#${b.channels[0]!.id}>`, memberB.id, `<@${memberB.id}>`];
			let text = pick([...STRINGS, ...foreign]);
			if (spec.max_length !== undefined) text = text.slice(0, spec.max_length);
			if (spec.min_length !== undefined && text.length < spec.min_length) text = text.padEnd(spec.min_length, 'z');
			return text;
		}
		case O.Integer:
		case O.Number: {
			const min = spec.min_value ?? -(2 ** 53) + 1;
			const max = spec.max_value ?? 2 ** 53 - 1;
			const candidates = [min, max, 0, 1, -1, 2 ** 31, 1.5].filter((n) => n >= min && n <= max && (option.type === O.Number || Number.isInteger(n)));
			return candidates.length ? pick(candidates) : min;
		}
		case O.Boolean:
			return random.int(0, 1) === 1;
		case O.User:
			return pick([adminA.id, memberA.id, targetA.id, emu.bot.id, memberB.id]);
		case O.Role:
			return pick([a.roles[0]!.id, a.everyoneRoleId, ...a.roles.map((role) => role.id), b.roles[0]!.id]);
		case O.Mentionable:
			return pick([targetA.id, a.everyoneRoleId, memberB.id, b.roles[0]!.id]);
		case O.Channel: {
			const types = spec.channel_types;
			const mine = a.channels.filter((channel) => !types || types.includes(channel.type));
			const foreign = b.channels.filter((channel) => !types || types.includes(channel.type));
			return pick([...mine, ...foreign]).id;
		}
		default:
			return undefined;
	}
}

/** An id no user, role or channel has. */
const UNKNOWN_ID = '100000000000000000';

/**
 * Raw options for a forged invocation of a leaf (what a stale client or a hand-made request could send): each option
 * with a value of the wrong type, or an id Discord did not resolve, or left out though required; nested in the leaf's
 * subcommand (and group).
 */
function forgedOptions(path: readonly string[], options: readonly APIApplicationCommandOption[], random: SeededRandom): APIApplicationCommandInteractionDataOption[] {
	const values: APIApplicationCommandInteractionDataOption[] = [];
	for (const option of options) {
		if (random.int(0, 3) === 0) continue;
		const wrong = ((): { type: O; value: unknown } => {
			switch (option.type) {
				case O.String:
					return random.int(0, 1) ? { type: O.Integer, value: 12_345 } : { type: O.String, value: 'x'.repeat(6_000) };
				case O.Integer:
					return random.int(0, 1) ? { type: O.String, value: 'abc' } : { type: O.Integer, value: 2 ** 60 };
				case O.Number:
					return { type: O.String, value: 'Infinity' };
				case O.Boolean:
					return { type: O.String, value: 'yes' };
				default:
					return { type: option.type, value: UNKNOWN_ID };
			}
		})();
		values.push({ name: option.name, type: wrong.type, value: wrong.value } as APIApplicationCommandInteractionDataOption);
	}
	let nested: APIApplicationCommandInteractionDataOption[] = values;
	for (const [index, name] of [...path].reverse().entries()) {
		const type = index === 0 ? O.Subcommand : O.SubcommandGroup;
		nested = [{ type, name, options: nested } as APIApplicationCommandInteractionDataOption];
	}
	return nested;
}

/** The final answer of an interaction: a modal, or the content and embeds of the reply / edit / follow-up. */
async function finalAnswer(handle: EmulatedInteraction): Promise<{ kind: 'modal' } | { kind: 'message'; text: string }> {
	const started = Date.now();
	await Promise.race([
		handle.response,
		new Promise((_, reject) => setTimeout(() => reject(new Error(`no first response within ${FIRST_RESPONSE_MS} ms`)), FIRST_RESPONSE_MS + 500))
	]);
	if (handle.modal) return { kind: 'modal' };
	const deadline = started + DEFERRED_ANSWER_MS;
	for (;;) {
		const message = handle.deferred ? (handle.followUps.at(-1) ?? handle.edits.at(-1)) : await handle.waitForReply();
		if (message) return { kind: 'message', text: [message.content ?? '', ...(message.embeds ?? []).map((embed) => JSON.stringify(embed))].join('\n') };
		if (Date.now() > deadline) throw new Error(`deferred, then no answer within ${DEFERRED_ANSWER_MS} ms`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** A translation key left in an answer (`voice-xp:errors.foo`), i.e. a missing translation. */
const RAW_KEY = /\b(core|voice-xp|moderation|automod|giveaways|tickets):[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)+\b/;

/** Guild B as far as the bot could have changed it: its database rows, Redis keys and Discord state, hashed. */
async function snapshotOfB(): Promise<Record<string, string>> {
	const em = bot.handle.container.orm.em.fork();
	const connection = em.getConnection();
	const tables = await connection.execute<{ table_name: string }[]>(
		`select table_name from information_schema.columns where column_name = 'guild_id' and table_schema = current_schema() order by table_name`
	);
	const out: Record<string, string> = {};
	for (const { table_name: table } of tables) {
		const rows = await connection.execute(`select * from "${table}" where guild_id = ? order by 1`, [b.id]);
		out[`pg:${table}`] = hash(rows);
	}
	const redis = bot.handle.container.redis;
	const keys = (await redis.keys(`${bot.redisPrefix}*${b.id}*`)).sort();
	for (const key of keys) {
		const type = await redis.type(key);
		const value =
			type === 'string' ? await redis.get(key)
			: type === 'hash' ? await redis.hgetall(key)
			: type === 'zset' ? await redis.zrange(key, 0, -1, 'WITHSCORES')
			: type === 'set' ? (await redis.smembers(key)).sort()
			: type === 'list' ? await redis.lrange(key, 0, -1)
			: type;
		out[`redis:${key}`] = hash(value);
	}
	out['discord:roles'] = hash(b.roles);
	out['discord:channels'] = hash(b.channels);
	out['discord:members'] = hash(b.members);
	out['discord:bans'] = hash(b.bans);
	out['discord:messages'] = hash(b.channels.map((channel) => emu.messages.in(channel.id)));
	return out;
}

/**
 * Puts guild A's people back after an invocation kicked or banned them (`/kick user:member` is a fine thing to fuzz),
 * so that later invocations still have their actors and targets.
 */
function restoreGuildA(): void {
	const owner = a.ownerId;
	for (const person of [memberA, targetA]) {
		if (a.member(person.id)) continue;
		if (a.bans.some((ban) => ban.user.id === person.id)) emu.moderation.unban(a.id, { actorId: owner, targetId: person.id });
		a.addMember({ userId: person.id, username: person.user.username });
	}
}

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value) ?? 'undefined').digest('hex').slice(0, 16);

describe('option fuzzing', () => {
	it('answers every generated invocation of every subcommand, in words, with no error, and leaves the other guild untouched', { timeout: 280_000 }, async () => {
		const before = await snapshotOfB();
		const random = new SeededRandom(SEED);
		const findings: Finding[] = [];
		let sent = 0;
		let skipped = 0;
		const skipReasons = new Map<string, number>();
		const commands = emu.commands.global().filter((command) => (command.type ?? 1) === 1);
		expect(commands.length).toBeGreaterThan(5);
		for (const command of commands) {
			for (const leaf of leaves(command)) {
				// ROUNDS invocations with values Discord's client can send, then one forged (wrong types, unresolved ids).
				for (let round = 0; round <= ROUNDS; round++) {
					const forged = round === ROUNDS;
					const actor = round % 3 === 2 ? memberA : adminA;
					const options: Record<string, unknown> = {};
					const raw = forged ? forgedOptions(leaf.path, leaf.options, random) : [];
					if (forged) options.forged = raw;
					else {
						for (const option of leaf.options) {
							if (!('required' in option && option.required) && random.int(0, 9) < 4) continue;
							const value = valueFor(option, random);
							if (value !== undefined) options[option.name] = value;
						}
					}
					const label = `/${[command.name, ...leaf.path].join(' ')}`;
					let handle: EmulatedInteraction;
					const where = { guildId: a.id, channelId: a.channels.find((channel) => channel.name === 'general')!.id, userId: actor.id, permissionOverride: true };
					try {
						handle = forged
							? emu.interactions.forgedCommand({ ...where, name: command.name, options: raw })
							: emu.interactions.command({
							guildId: a.id,
							channelId: a.channels.find((channel) => channel.name === 'general')!.id,
							userId: actor.id,
							name: command.name,
							...(leaf.path.length === 2 ? { subcommandGroup: leaf.path[0], subcommand: leaf.path[1] } : {}),
							...(leaf.path.length === 1 ? { subcommand: leaf.path[0] } : {}),
							options: options as Record<string, string | number | boolean>,
							permissionOverride: true
						});
					} catch (error) {
						// A value Discord's client would not send for this option (the emulator checks the declaration).
						skipped++;
						skipReasons.set((error as Error).message.replace(/\d{17,20}/g, '<id>').replace(/^emulator: option \S+: /, ''), (skipReasons.get((error as Error).message.replace(/\d{17,20}/g, '<id>').replace(/^emulator: option \S+: /, '')) ?? 0) + 1);
						continue;
					}
					sent++;
					const errorsBefore = bot.logs.find(/ ERROR /).length;
					const record = (problem: string) => findings.push({ command: label, options, actor: actor === adminA ? 'admin' : 'member', problem });
					try {
						const answer = await finalAnswer(handle);
						if (answer.kind === 'message') {
							if (answer.text.trim() === '') record('empty answer');
							// A key the user typed (shown back as typed, which is right) is not a missing translation.
							const key = RAW_KEY.exec(answer.text);
							if (key && !JSON.stringify(options).includes(key[0])) record(`untranslated key ${key[0]}`);
						}
					} catch (error) {
						record((error as Error).message);
					}
					const errors = bot.logs.find(/ ERROR /);
					if (errors.length > errorsBefore) record(`error logged: ${errors.at(-1)!.slice(0, 400)}`);
					try {
						emu.assertNoFailures();
					} catch (error) {
						record((error as Error).message.slice(0, 400));
					}
					restoreGuildA();
				}
			}
		}
		console.info(`option fuzzing (seed ${SEED}): ${sent} invocations of ${commands.length} commands, ${skipped} values Discord would not send skipped, ${findings.length} finding(s)`);
		console.info([...skipReasons].map(([reason, count]) => `${count}× ${reason}`).join('\n'));
		expect(findings, JSON.stringify(findings, null, 1)).toEqual([]);
		expect(await snapshotOfB()).toEqual(before);
	});
});
