/**
 * What the automod benchmark sends: the guilds' automod config (every filter on, 1,000 words, 10 regexes, links in
 * allow mode with 50 domains) and a seeded stream of chat messages, mostly clean, a share of them breaking one
 * filter each, plus the hostile messages (a regex bomb and zalgo).
 *
 * Clean chat: 1 to 45 words of everyday English (most 5 to 12), sometimes with emoji, a mention or two, a link to an
 * allowed site, a few lines, a number, a shouted word; every member in turn (a shuffled cycle through all members,
 * so nobody sends faster than the `rate` filter allows by accident). Never ending in `a`: the config's `(a+)+$`
 * (the issue's regex bomb) fires on any message that does.
 *
 * Breaking messages, by filter (share of the breaking ones): words 22% (a listed word or phrase, 40% of them
 * disguised: look-alike Cyrillic letters, accents, a zero-width space, capitals), regex 12% (phone number, e-mail,
 * "free nitro", wallet address, gift link, "hahaha…", "buy followers"), links 14% (a site not on the list), invites 6%
 * (discord.gg codes of other servers), mentions 7% (6 to 9 members), @everyone / @here 6%, caps 10%, lines 4% (16 to
 * 22), emoji 7% (11 to 18), attachments 4% (6 to 8 files), rate 4% (a member sends 7 messages in a row: the 7th breaks
 * it), duplicates 4% (the same text three times: the third breaks it). Each is sent by a random member (not a
 * moderator).
 */
import type { AutomodWorld } from './automodWorld.js';
import { CHANNELS } from './automodWorld.js';
import { Rng } from './rng.js';

// ------------------------------------------------------------------ the config

const VOCABULARY = (
	'the be to of and in that have it for not on with he as you do at this but his by from they we say her she or an will my one all would there ' +
	'their what so up out if about who get which go me when make can like time no just him know take people into year your good some could them ' +
	'see other than then now look only come its over think also back after use two how our work first well way even new want because any these ' +
	'give day most us is was are been has had were said did got made went game games play played playing server channel voice chat music song ' +
	'songs movie movies show shows today tomorrow tonight yesterday morning night weekend week month friend friends team match round win won lost ' +
	'lose guys everyone anyone someone nobody thanks thank please sorry yes yeah yep nope maybe sure okay ok cool nice great awesome funny weird ' +
	'hello hey hi bye later soon again still really very pretty quite much many more less never always sometimes often actually literally probably ' +
	'build update patch version bug bugs fix fixed stream streaming watch watching read reading book books food dinner lunch coffee tea pizza ' +
	'school class homework exam test job boss meeting call later question answer help idea plan ready start started finish done busy tired ' +
	'happy sad angry excited bored hungry sleepy late early online offline lag ping internet phone computer laptop keyboard mouse screen ' +
	'picture photo video clip meme memes joke jokes story news weather rain snow sun summer winter holiday trip travel home house room dog cat'
).split(' ');

const UNICODE_EMOJI = ['😀', '😂', '🤣', '😅', '😊', '😍', '😎', '🤔', '😭', '😡', '👍', '👎', '👏', '🙏', '🔥', '💯', '🎉', '❤️', '💀', '👀', '✨', '🥲', '🙃', '😴', '🤝'];
const SHOUTS = ['LOL', 'OMG', 'WOW', 'GG', 'BRB', 'NO WAY'];
const ENDINGS = ['', '', '', '.', '!', '?', '!!', '...', ' lol', ' haha', ' :)', ' xD'];

/** The link filter's allowed domains (allow mode): 50 sites people link to in chat. */
export const ALLOWED_DOMAINS = [
	'youtube.com', 'youtu.be', 'github.com', 'wikipedia.org', 'twitch.tv', 'reddit.com', 'imgur.com', 'tenor.com', 'giphy.com', 'spotify.com',
	'soundcloud.com', 'twitter.com', 'x.com', 'instagram.com', 'tiktok.com', 'steampowered.com', 'steamcommunity.com', 'epicgames.com',
	'discord.com', 'medium.com', 'stackoverflow.com', 'npmjs.com', 'mozilla.org', 'google.com', 'bing.com', 'duckduckgo.com', 'amazon.com',
	'ebay.com', 'netflix.com', 'bbc.co.uk', 'nytimes.com', 'theguardian.com', 'reuters.com', 'apple.com', 'microsoft.com', 'nintendo.com',
	'playstation.com', 'xbox.com', 'minecraft.net', 'roblox.com', 'curseforge.com', 'modrinth.com', 'pastebin.com', 'gist.github.com',
	'docs.google.com', 'notion.so', 'figma.com', 'canva.com', 'archive.org', 'imdb.com'
];

/** Sites not on the list (the links filter's breaking messages). */
const OTHER_DOMAINS = ['free-nitro.xyz', 'grabify.link', 'bit.ly', 'tinyurl.com', 'steamcommunlty.ru', 'discorde.gift', 'iplogger.org', 'cheap-skins.shop', 'example.net', 'my-blog.dev', 'cool-game.io', 'shady-downloads.cc', 'bestdeals.store', 'crypto-airdrop.top', 'prizes4u.win'];

/** The config's 10 regexes: 9 rules servers use, and the issue's regex bomb `(a+)+$`. */
export const REGEXES = [
	String.raw`\b\d{3}[-. ]\d{3}[-. ]\d{4}\b`,
	String.raw`\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b`,
	String.raw`fr[e3]{2}\s*n[i1l]tr[o0]`,
	String.raw`\b0x[0-9a-f]{40}\b`,
	String.raw`discord(?:app)?\.(?:gift|com/gifts)/\w+`,
	String.raw`\b(?:ha){8,}\b`,
	String.raw`\b(?:buy|sell)(?:ing)?\s+(?:cheap\s+)?(?:followers|accounts|likes)\b`,
	String.raw`\b(?:onlyfans|0nlyfans)\b`,
	String.raw`\bt\.me/[a-z0-9_]{5,}`,
	'(a+)+$'
];

/** Examples of each regex's breaking text (the bomb's is in the hostile messages). */
const REGEX_EXAMPLES: readonly ((rng: Rng) => string)[] = [
	(rng) => `call me at ${rng.int(200, 999)}-${rng.int(200, 999)}-${rng.int(1000, 9999)}`,
	(rng) => `mail me at ${rng.pick(VOCABULARY)}.${rng.pick(VOCABULARY)}${rng.int(1, 99)}@example.com`,
	() => 'free nitro here click',
	(rng) => `send it to 0x${Array.from({ length: 40 }, () => '0123456789abcdef'[rng.int(0, 15)]).join('')}`,
	(rng) => `claim discord.gift/${Array.from({ length: 16 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'[rng.int(0, 55)]).join('')}`,
	(rng) => `${'ha'.repeat(rng.int(8, 15))} so funny`,
	() => 'buying cheap followers dm me',
	() => 'check my onlyfans',
	(rng) => `join t.me/${rng.pick(VOCABULARY)}${rng.pick(VOCABULARY)}${rng.int(10, 99)}`
];

const CONSONANTS = 'bcdfghjklmnprstvwxz';
const VOWELS = 'aeiouy';

/** A pronounceable nonsense word of `syllables` syllables (`zorbux`), not English. */
function nonsense(rng: Rng, syllables: number): string {
	let word = '';
	for (let index = 0; index < syllables; index++) word += rng.pick([...CONSONANTS]) + rng.pick([...VOWELS]) + (rng.chance(0.5) ? rng.pick([...CONSONANTS]) : '');
	return word;
}

/** The config's word list: 1,000 entries in Discord's keyword syntax, and the bare text of each (to put in messages). */
export interface WordList {
	entries: string[];
	/** What a message carries to break each entry (`word*` → `wording`, `*word` → `superword`, ...). */
	breaking: string[];
}

/**
 * 1,000 entries in Discord's keyword syntax: 60% whole words, 15% prefixes (`word*`), 15% suffixes (`*word`), 5%
 * anywhere (`*word*`), 5% two-word phrases. Nonsense words (so clean chat never meets one), 2 to 4 syllables; none is a
 * part of an English word of the vocabulary.
 */
export function buildWordList(rng: Rng, size = 1_000): WordList {
	const entries: string[] = [];
	const breaking: string[] = [];
	const seen = new Set<string>();
	const clashes = (word: string) => VOCABULARY.some((english) => english.includes(word)) || ALLOWED_DOMAINS.some((domain) => domain.includes(word));
	while (entries.length < size) {
		const word = nonsense(rng, rng.int(2, 4));
		if (word.length < 5 || seen.has(word) || clashes(word)) continue;
		seen.add(word);
		const roll = rng.next();
		if (roll < 0.6) {
			entries.push(word);
			breaking.push(word);
		} else if (roll < 0.75) {
			entries.push(`${word}*`);
			breaking.push(`${word}ing`);
		} else if (roll < 0.9) {
			entries.push(`*${word}`);
			breaking.push(`mega${word}`);
		} else if (roll < 0.95) {
			entries.push(`*${word}*`);
			breaking.push(`ul${word}ish`);
		} else {
			const second = nonsense(rng, 2);
			entries.push(`${word} ${second}`);
			breaking.push(`${word} ${second}`);
		}
	}
	return { entries, breaking };
}

/**
 * The guilds' automod config, as a patch over the defaults: every filter on (links in allow mode with
 * {@link ALLOWED_DOMAINS}; the others with their default settings and actions), the word list and {@link REGEXES}.
 */
export function benchConfig(words: WordList): Record<string, unknown> {
	return {
		words: words.entries,
		regexes: REGEXES,
		filters: {
			words: { enabled: true },
			regex: { enabled: true },
			invites: { enabled: true },
			links: { enabled: true, mode: 'allow', allow: ALLOWED_DOMAINS, deny: [] },
			mentions: { enabled: true },
			everyone: { enabled: true },
			caps: { enabled: true },
			lines: { enabled: true },
			emoji: { enabled: true },
			attachments: { enabled: true },
			rate: { enabled: true },
			duplicates: { enabled: true }
		}
	};
}

// ------------------------------------------------------------------ the messages

/** What a planned message should do: pass (`clean`), or break one filter. */
export type Expectation = 'clean' | 'words' | 'regex' | 'invites' | 'links' | 'mentions' | 'everyone' | 'caps' | 'lines' | 'emoji' | 'attachments' | 'rate' | 'duplicates';

/** One message to send through the emulator. */
export interface PlannedMessage {
	channelId: string;
	userId: string;
	content: string;
	attachments?: { filename: string; size: number }[];
	expect: Expectation;
}

/** The breaking kinds and their weights (see the module's comment). */
const VIOLATIONS: readonly [Exclude<Expectation, 'clean'>, number][] = [
	['words', 22],
	['regex', 12],
	['links', 14],
	['invites', 6],
	['mentions', 7],
	['everyone', 6],
	['caps', 10],
	['lines', 4],
	['emoji', 7],
	['attachments', 4],
	['rate', 4],
	['duplicates', 4]
];
const VIOLATION_TOTAL = VIOLATIONS.reduce((sum, [, weight]) => sum + weight, 0);

/** Invite codes of other servers (resolved once each by the bot, then cached in Redis). */
const INVITE_CODES = ['xK3mP9qa', 'freegame', 'n1tr0drop', 'Zq8wErTy', 'raidparty', 'cheapskin', 'h4ckz', 'mYs3rv3r', 'joinus22', 'gg-ez-club'];

const LOOKALIKES: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', y: 'у', i: 'і' };
const ACCENTED: Record<string, string> = { a: 'á', e: 'é', i: 'í', o: 'ó', u: 'ú', y: 'ý' };

/**
 * A seeded stream of messages over a world. {@link next} gives the next group (one message, or a burst for `rate` and
 * `duplicates`); {@link violationShare} is the probability that a group breaks a filter.
 */
export class MessageMix {
	readonly #rng: Rng;
	readonly #world: AutomodWorld;
	readonly #words: WordList;
	readonly #cycle: number[];
	readonly #offenders: number[];
	#position = 0;

	public constructor(world: AutomodWorld, words: WordList, seed: number, public violationShare: number) {
		this.#rng = new Rng(seed);
		this.#world = world;
		this.#words = words;
		this.#cycle = this.#rng.shuffle(world.senders.map((_, index) => index));
		this.#offenders = world.senders.flatMap((sender, index) => (sender.moderator ? [] : [index]));
	}

	/** The next group of messages: one clean message, or a breaking one (a burst of 7 for `rate`, 3 for `duplicates`). */
	public next(): PlannedMessage[] {
		const rng = this.#rng;
		if (!rng.chance(this.violationShare)) {
			const sender = this.#world.senders[this.#cycle[this.#position]!]!;
			this.#position = (this.#position + 1) % this.#cycle.length;
			return [{ channelId: this.#channel(sender.guild), userId: sender.userId, content: this.clean(sender.guild), expect: 'clean' }];
		}
		let roll = rng.next() * VIOLATION_TOTAL;
		let kind: Exclude<Expectation, 'clean'> = 'words';
		for (const [name, weight] of VIOLATIONS) {
			roll -= weight;
			if (roll < 0) {
				kind = name;
				break;
			}
		}
		const sender = this.#world.senders[rng.pick(this.#offenders)]!;
		const channelId = this.#channel(sender.guild);
		const one = (content: string, extra: Partial<PlannedMessage> = {}): PlannedMessage[] => [{ channelId, userId: sender.userId, content, expect: kind, ...extra }];
		switch (kind) {
			case 'words':
				return one(this.#withWord());
			case 'regex':
				return one(endClean(`${this.#sentence(1, 4)} ${rng.pick(REGEX_EXAMPLES)(rng)}`));
			case 'links':
				return one(endClean(`${this.#sentence(2, 8)} https://${rng.chance(0.3) ? 'www.' : ''}${rng.pick(OTHER_DOMAINS)}/${rng.pick(VOCABULARY)}`));
			case 'invites':
				return one(endClean(`${rng.pick(['join my server', 'come to', 'new server', 'we are raiding from'])} discord.gg/${rng.pick(INVITE_CODES)}`));
			case 'mentions': {
				const members = this.#world.guilds[sender.guild]!.memberIds;
				const mentioned = new Set<string>();
				const wanted = rng.int(6, 9);
				while (mentioned.size < wanted) mentioned.add(rng.pick(members));
				return one(endClean(`${[...mentioned].map((id) => `<@${id}>`).join(' ')} ${this.#sentence(2, 6)}`));
			}
			case 'everyone':
				return one(endClean(`${rng.pick(['@everyone', '@here'])} ${this.#sentence(3, 10)}`));
			case 'caps': {
				let text = this.#sentence(6, 14);
				while (text.replace(/[^a-z]/g, '').length < 20) text += ` ${rng.pick(VOCABULARY)}`;
				return one(endClean(text.toUpperCase()));
			}
			case 'lines':
				return one(
					Array.from({ length: rng.int(16, 22) }, () => this.#sentence(1, 3))
						.join('\n')
						.concat('!')
				);
			case 'emoji':
				return one(`${this.#sentence(1, 4)} ${Array.from({ length: rng.int(11, 18) }, () => rng.pick(UNICODE_EMOJI)).join('')}`);
			case 'attachments':
				return one(endClean(this.#sentence(1, 5)), { attachments: Array.from({ length: rng.int(6, 8) }, (_, index) => ({ filename: `photo${index + 1}.png`, size: rng.int(20_000, 900_000) })) });
			case 'rate':
				return Array.from({ length: 7 }, (_, index) => ({
					channelId: this.#channel(sender.guild),
					userId: sender.userId,
					content: this.clean(sender.guild),
					expect: index < 6 ? ('clean' as const) : ('rate' as const)
				}));
			case 'duplicates': {
				const content = this.clean(sender.guild);
				return Array.from({ length: 3 }, (_, index) => ({ channelId: this.#channel(sender.guild), userId: sender.userId, content, expect: index < 2 ? ('clean' as const) : ('duplicates' as const) }));
			}
		}
	}

	/**
	 * One message per invite code of the chat, each from another member who may break filters: the warm-up sends these
	 * first, so that every code has been resolved (and cached in Redis) before anything is timed. A code met for the
	 * first time waits for `GET /invites/{code}` behind the bot's other REST calls (Discord's 50 a second), which in a
	 * timed round would be one message holding the round's end by up to a second.
	 */
	public invitePrimers(): PlannedMessage[] {
		return INVITE_CODES.map((code, index) => {
			const sender = this.#world.senders[this.#offenders[index % this.#offenders.length]!]!;
			return { channelId: this.#channel(sender.guild), userId: sender.userId, content: `join my server discord.gg/${code}`, expect: 'invites' as const };
		});
	}

	/** A clean chat message in a guild (see the module's comment). */
	public clean(guild: number): string {
		const rng = this.#rng;
		const roll = rng.next();
		const length = roll < 0.3 ? rng.int(1, 4) : roll < 0.75 ? rng.int(5, 12) : roll < 0.95 ? rng.int(13, 25) : rng.int(26, 45);
		let text = this.#sentence(length, length);
		if (rng.chance(0.5)) text = text[0]!.toUpperCase() + text.slice(1);
		if (rng.chance(0.02)) text = `${rng.pick(SHOUTS)} ${text}`;
		if (rng.chance(0.03)) text += ` at ${rng.int(1, 12)}${rng.pick(['pm', 'am', ''])}`;
		if (rng.chance(0.05)) {
			const members = this.#world.guilds[guild]!.memberIds;
			text = `${Array.from({ length: rng.int(1, 2) }, () => `<@${rng.pick(members)}>`).join(' ')} ${text}`;
		}
		if (rng.chance(0.04)) {
			const domain = rng.pick(ALLOWED_DOMAINS);
			text += ` https://${rng.chance(0.3) && !domain.includes('.', domain.indexOf('.') + 1) ? 'www.' : ''}${domain}/${rng.pick(VOCABULARY)}/${rng.int(1, 99_999)}`;
		}
		if (rng.chance(0.05)) text += `\n${this.#sentence(2, 10)}${rng.chance(0.5) ? `\n${this.#sentence(1, 6)}` : ''}`;
		text += rng.pick(ENDINGS);
		if (rng.chance(0.08)) text += ` ${Array.from({ length: rng.int(1, 3) }, () => rng.pick(UNICODE_EMOJI)).join('')}`;
		else if (rng.chance(0.01)) text += ` <:${rng.pick(VOCABULARY)}:${rng.int(100_000_000, 999_999_999)}${rng.int(100_000_000, 999_999_999)}>`;
		return endClean(text);
	}

	/** `min` to `max` words of the vocabulary. */
	#sentence(min: number, max: number): string {
		const rng = this.#rng;
		const count = rng.int(min, max);
		const words: string[] = [];
		for (let index = 0; index < count; index++) words.push(rng.pick(VOCABULARY));
		return words.join(' ');
	}

	/** A sentence carrying one listed word or phrase, disguised 40% of the time. */
	#withWord(): string {
		const rng = this.#rng;
		let word = rng.pick(this.#words.breaking);
		if (rng.chance(0.4)) {
			const how = rng.int(0, 3);
			if (how === 0) word = [...word].map((letter) => (LOOKALIKES[letter] && rng.chance(0.5) ? LOOKALIKES[letter] : letter)).join('');
			else if (how === 1) word = [...word].map((letter) => (ACCENTED[letter] && rng.chance(0.5) ? ACCENTED[letter] : letter)).join('');
			else if (how === 2) word = `${word.slice(0, 2)}\u200b${word.slice(2)}`;
			else word = word.toUpperCase();
		}
		const before = this.#sentence(0, 6);
		const after = this.#sentence(0, 6);
		return endClean([before, word, after].filter(Boolean).join(' '));
	}

	#channel(guild: number): string {
		const ids = this.#world.guilds[guild]!.channelIds;
		let roll = this.#rng.next();
		for (let index = 0; index < CHANNELS.length; index++) {
			roll -= CHANNELS[index]!.weight;
			if (roll < 0) return ids[index]!;
		}
		return ids[0]!;
	}
}

/** The text, made not to end in `a` (which the bomb `(a+)+$` would flag): a `!` is added then. */
function endClean(text: string): string {
	return /[aа]$/i.test(text) ? `${text}!` : text;
}

// ------------------------------------------------------------------ hostile messages

/** The regex bomb's text: 4,000 `a` then `b` (`(a+)+$` backtracks exponentially on it in a backtracking engine). */
export const REGEX_BOMB = `${'a'.repeat(4_000)}b`;

/**
 * 2,000 UTF-16 characters of zalgo: the letters of an ordinary sentence, each followed by 3 to 8 combining marks
 * (U+0300 to U+036F), ending with a mark-free `.`.
 */
export function zalgo(rng: Rng, length = 2_000): string {
	let text = '';
	const letters = 'this is fine nothing to see here just some text ';
	let index = 0;
	while (text.length < length - 10) {
		const letter = letters[index++ % letters.length]!;
		text += letter;
		if (letter !== ' ') for (let mark = rng.int(3, 8); mark > 0; mark--) text += String.fromCharCode(0x300 + rng.int(0, 0x6f));
	}
	return `${text.slice(0, length - 1)}.`;
}
