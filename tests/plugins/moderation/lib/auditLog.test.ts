import { AuditLogEvent } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { externalActionOf, type AuditEntryFacts } from '../../../../src/plugins/moderation/lib/auditLog.js';

const BOT = '100000000000000009';
const MOD = '100000000000000002';
const TARGET = '100000000000000003';

const entry = (overrides: Partial<AuditEntryFacts>): AuditEntryFacts => ({
	action: AuditLogEvent.MemberBanAdd,
	executorId: MOD,
	targetId: TARGET,
	reason: 'spam',
	changes: [],
	...overrides
});

describe('externalActionOf', () => {
	it('reads bans, unbans and kicks with the moderator and reason Discord recorded', () => {
		expect(externalActionOf(entry({}), BOT)).toEqual({ type: 'ban', targetId: TARGET, moderatorId: MOD, reason: 'spam' });
		expect(externalActionOf(entry({ action: AuditLogEvent.MemberBanRemove, reason: null }), BOT)).toEqual({ type: 'unban', targetId: TARGET, moderatorId: MOD, reason: null });
		expect(externalActionOf(entry({ action: AuditLogEvent.MemberKick, reason: '  ' }), BOT)).toMatchObject({ type: 'kick', reason: null });
	});

	it('reads timeouts set and removed from member updates', () => {
		const until = '2026-01-05T14:00:00.000000+00:00';
		expect(
			externalActionOf(entry({ action: AuditLogEvent.MemberUpdate, changes: [{ key: 'communication_disabled_until', new: until }] }), BOT)
		).toEqual({ type: 'timeout', targetId: TARGET, moderatorId: MOD, reason: 'spam', until: Date.UTC(2026, 0, 5, 14) });
		expect(
			externalActionOf(entry({ action: AuditLogEvent.MemberUpdate, changes: [{ key: 'communication_disabled_until', old: until }] }), BOT)
		).toMatchObject({ type: 'untimeout' });
	});

	it('ignores the bot itself, Discord itself, entries without a target, other member updates and other actions', () => {
		expect(externalActionOf(entry({ executorId: BOT }), BOT)).toBeNull();
		expect(externalActionOf(entry({ executorId: null }), BOT)).toBeNull();
		expect(externalActionOf(entry({ targetId: null }), BOT)).toBeNull();
		expect(externalActionOf(entry({ action: AuditLogEvent.MemberUpdate, changes: [{ key: 'nick', new: 'x' }] }), BOT)).toBeNull();
		expect(externalActionOf(entry({ action: AuditLogEvent.MemberUpdate, changes: [{ key: 'communication_disabled_until', new: 'soon' }] }), BOT)).toBeNull();
		expect(externalActionOf(entry({ action: AuditLogEvent.MemberUpdate, changes: [{ key: 'communication_disabled_until' }] }), BOT)).toBeNull();
		expect(externalActionOf(entry({ action: AuditLogEvent.ChannelCreate }), BOT)).toBeNull();
		expect(externalActionOf(entry({ action: AuditLogEvent.MemberRoleUpdate }), BOT)).toBeNull();
	});
});
