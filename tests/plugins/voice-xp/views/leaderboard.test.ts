import { describe, expect, it } from 'vitest';
import { buildCustomId } from '../../../../src/lib/customId.js';
import { LEADERBOARD_PAGE_BUTTON, parseLeaderboardButton } from '../../../../src/plugins/voice-xp/views/leaderboard.js';

const buttonId = (page: number, tag: 'prev' | 'next') => buildCustomId(LEADERBOARD_PAGE_BUTTON.plugin, LEADERBOARD_PAGE_BUTTON.action, page, tag);

describe('leaderboard page buttons', () => {
	it('carry the plugin, the action and the target page in the custom id convention', () => {
		expect(buttonId(2, 'next')).toBe('voice-xp:leaderboard-page:2:next');
	});

	it('read back the target page of a previous/next button', () => {
		expect(parseLeaderboardButton(buttonId(2, 'next'))).toBe(2);
		expect(parseLeaderboardButton(buttonId(1, 'prev'))).toBe(1);
		expect(parseLeaderboardButton(buttonId(10_000, 'next'))).toBe(10_000);
	});

	it('ignore other buttons and malformed pages', () => {
		expect(parseLeaderboardButton('echo-again:2')).toBeNull();
		expect(parseLeaderboardButton('core:leaderboard-page:2:next')).toBeNull();
		expect(parseLeaderboardButton('voice-xp-leaderboard:2:next')).toBeNull();
		expect(parseLeaderboardButton('voice-xp:leaderboard-page:0:prev')).toBeNull();
		expect(parseLeaderboardButton('voice-xp:leaderboard-page:x:next')).toBeNull();
		expect(parseLeaderboardButton('voice-xp:leaderboard-page:1.5:next')).toBeNull();
		expect(parseLeaderboardButton('voice-xp:leaderboard-page:1e3:next')).toBeNull();
		expect(parseLeaderboardButton('voice-xp:leaderboard-page')).toBeNull();
	});
});
