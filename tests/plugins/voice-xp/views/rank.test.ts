import { describe, expect, it } from 'vitest';
import type { Translate } from '../../../../src/lib/i18n.js';
import { rankEmbed, type RankFacts } from '../../../../src/plugins/voice-xp/views/rank.js';

/** A translation function that shows the key and its values, so the test sees what was asked for. */
const t = ((key: string, values?: Record<string, unknown>) => (values ? `${key} ${JSON.stringify(values)}` : key)) as unknown as Translate;

const facts: RankFacts = {
	name: 'Alice',
	avatarUrl: 'https://cdn.discordapp.com/embed/avatars/1.png',
	stored: null,
	unflushed: { eligibleMs: 0, xpUnits: 0 },
	position: 1234,
	rankedCount: 987_315,
	session: { inVoice: false }
};

describe('rankEmbed', () => {
	it('is a plain API embed: title, the six fields in order (four inline), the avatar as thumbnail', () => {
		const { embed } = rankEmbed(t, 'en-US', facts);
		expect(embed.title).toBe('voice-xp:rank.title {"name":"Alice"}');
		expect(embed.fields?.map((field) => [field.name.split(' ')[0], field.inline ?? false])).toEqual([
			['voice-xp:rank.level', true],
			['voice-xp:rank.position', true],
			['voice-xp:rank.totalXp', true],
			['voice-xp:rank.progress', false],
			['voice-xp:rank.voiceTime', true],
			['voice-xp:rank.now', true]
		]);
		expect(embed.fields?.[1]?.value).toBe('voice-xp:rank.positionValue {"position":"1,234","total":"987,315"}');
		expect(embed.thumbnail).toEqual({ url: facts.avatarUrl });
		// What discord.js sends as is: JSON without class instances.
		expect(JSON.parse(JSON.stringify(embed))).toEqual(embed);
	});

	it('says "not ranked" without a position, and has no thumbnail without an avatar', () => {
		const { embed } = rankEmbed(t, 'en-US', { ...facts, position: null, avatarUrl: null });
		expect(embed.fields?.[1]?.value).toBe('voice-xp:rank.unranked');
		expect(embed).not.toHaveProperty('thumbnail');
	});
});
