import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceMemberStats } from '../../../../src/plugins/voice-xp/entities/VoiceMemberStats.js';
import { flushDeltas } from '../../../../src/plugins/voice-xp/lib/flush.js';
import { createTestDatabase, type TestDatabase } from '../lib/testDatabase.js';

let db: TestDatabase;

beforeAll(async () => {
	db = await createTestDatabase();
});

afterAll(async () => {
	await db?.drop();
});

describe('VoiceMemberStats', () => {
	it('maps to voice_xp_member_stats with a (guild_id, user_id) primary key', async () => {
		const columns = await db.orm.em.fork().execute<{ column_name: string; data_type: string; is_nullable: string }[]>(
			`select column_name, data_type, is_nullable from information_schema.columns where table_name = 'voice_xp_member_stats' order by column_name`
		);
		expect(Object.fromEntries(columns.map((c) => [c.column_name, `${c.data_type}${c.is_nullable === 'YES' ? ' null' : ''}`]))).toEqual({
			accrued_from: 'bigint',
			accrued_until: 'bigint',
			guild_id: 'character varying',
			level: 'integer',
			ms_carry: 'integer',
			tier_role_id: 'character varying null',
			total_xp: 'bigint',
			updated_at: 'timestamp with time zone',
			user_id: 'character varying',
			voice_seconds: 'bigint',
			xp_carry: 'integer',
			xp_into_level: 'bigint'
		});
		const keys = await db.orm.em.fork().execute<{ column_name: string }[]>(
			`select a.attname as column_name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
			where i.indrelid = 'voice_xp_member_stats'::regclass and i.indisprimary order by a.attname`
		);
		expect(keys.map((k) => k.column_name)).toEqual(['guild_id', 'user_id']);
	});

	it('loads a flushed row through the ORM with bigints as numbers', async () => {
		const guildId = '950000000000000001';
		const userId = '960000000000000001';
		await flushDeltas(db.orm.em.fork(), [{ guildId, userId, eligibleMs: 90_500, xpUnits: 4_675 * 60_000 + 7, from: 1_000, to: 91_500 }]);
		const stats = await db.orm.em.fork().findOneOrFail(VoiceMemberStats, { guildId, userId });
		expect(stats).toMatchObject({
			guildId,
			userId,
			totalXp: 4_675,
			level: 10,
			xpIntoLevel: 0,
			voiceSeconds: 90,
			xpCarry: 7,
			msCarry: 500,
			accruedFrom: 1_000,
			accruedUntil: 91_500,
			tierRoleId: null
		});
		expect(stats.updatedAt).toBeInstanceOf(Date);
	});

	it('can be created through the ORM with defaults for every counter', async () => {
		const em = db.orm.em.fork();
		em.create(VoiceMemberStats, { guildId: '950000000000000002', userId: '960000000000000002' });
		await em.flush();
		const stats = await db.orm.em.fork().findOneOrFail(VoiceMemberStats, { guildId: '950000000000000002', userId: '960000000000000002' });
		expect(stats).toMatchObject({ totalXp: 0, level: 0, xpIntoLevel: 0, voiceSeconds: 0, xpCarry: 0, msCarry: 0, accruedUntil: 0 });
	});
});
