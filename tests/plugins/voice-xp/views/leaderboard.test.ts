import { describe, expect, it } from 'vitest';
import { LEADERBOARD_BUTTON_PREFIX, parseLeaderboardButton } from '../../../../src/plugins/voice-xp/views/leaderboard.js';

describe('parseLeaderboardButton', () => {
	it('reads the target page of a previous/next button', () => {
		expect(parseLeaderboardButton(`${LEADERBOARD_BUTTON_PREFIX}2:next`)).toBe(2);
		expect(parseLeaderboardButton(`${LEADERBOARD_BUTTON_PREFIX}1:prev`)).toBe(1);
	});

	it('ignores other buttons and malformed pages', () => {
		expect(parseLeaderboardButton('echo-again:2')).toBeNull();
		expect(parseLeaderboardButton(`${LEADERBOARD_BUTTON_PREFIX}0:prev`)).toBeNull();
		expect(parseLeaderboardButton(`${LEADERBOARD_BUTTON_PREFIX}x:next`)).toBeNull();
		expect(parseLeaderboardButton(`${LEADERBOARD_BUTTON_PREFIX}1.5:next`)).toBeNull();
	});
});
