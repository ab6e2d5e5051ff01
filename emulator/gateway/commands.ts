/**
 * Gateway commands the client sends (Discord "Gateway Events" > "Send events"): Heartbeat (1), Identify (2),
 * Presence Update (3), Voice State Update (4), Resume (6), Request Guild Members (8). Errors close the socket with
 * the close codes Discord documents ("Opcodes and Status Codes" > "Gateway Close Event Codes").
 */
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import { shardForGuild } from '../snowflake.js';
import { currentUserPayload, guildCreatePayload, memberPayload } from '../world/payloads.js';
import type { Connection } from './connection.js';
import { ALL_INTENTS } from './intents.js';
import type { GatewayServer } from './server.js';

type Payload = { op?: unknown; d?: unknown };

export function handleGatewayCommand(server: GatewayServer, connection: Connection, payload: Payload): void {
	switch (payload.op) {
		case GatewayOpcodes.Heartbeat:
			server.send(connection, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
			return;
		case GatewayOpcodes.Identify:
			identify(server, connection, payload.d as Record<string, unknown>);
			return;
		case GatewayOpcodes.Resume:
			resume(server, connection, payload.d as Record<string, unknown>);
			return;
		case GatewayOpcodes.PresenceUpdate:
			if (!connection.session) return notAuthenticated(server, connection);
			return;
		case GatewayOpcodes.VoiceStateUpdate:
			if (!connection.session) return notAuthenticated(server, connection);
			voiceStateUpdate(server, connection, payload.d as Record<string, unknown>);
			return;
		case GatewayOpcodes.RequestGuildMembers:
			if (!connection.session) return notAuthenticated(server, connection);
			requestGuildMembers(server, connection, payload.d as Record<string, unknown>);
			return;
		default:
			server.fail(`the bot sent unknown gateway opcode ${String(payload.op)}`);
			connection.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
	}
}

function notAuthenticated(server: GatewayServer, connection: Connection): void {
	server.fail('the bot sent a gateway command before IDENTIFY/RESUME');
	connection.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
}

function identify(server: GatewayServer, connection: Connection, d: Record<string, unknown> | null): void {
	const { bot, approvedIntents, recommendedShards } = server.options;
	if (connection.session) {
		server.fail('the bot sent IDENTIFY twice on one connection');
		connection.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
		return;
	}
	if (!d || typeof d !== 'object' || typeof d.properties !== 'object' || typeof d.intents !== 'number') {
		server.fail('IDENTIFY without properties or intents');
		connection.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
		return;
	}
	if (d.token !== bot.token) {
		server.fail('IDENTIFY with a wrong token');
		connection.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
		return;
	}
	const intents = d.intents;
	if (!Number.isInteger(intents) || intents < 0 || (intents & ~ALL_INTENTS) !== 0) {
		server.fail(`IDENTIFY with invalid intents ${intents}`);
		connection.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
		return;
	}
	if ((intents & ~approvedIntents) !== 0) {
		server.fail(`IDENTIFY with intents the application is not approved for (${intents & ~approvedIntents})`);
		connection.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
		return;
	}
	const shard = (d.shard as [number, number] | undefined) ?? [0, 1];
	if (
		!Array.isArray(shard) ||
		!Number.isInteger(shard[0]) ||
		!Number.isInteger(shard[1]) ||
		shard[1] < 1 ||
		shard[0] < 0 ||
		shard[0] >= shard[1]
	) {
		server.fail(`IDENTIFY with invalid shard ${JSON.stringify(shard)}`);
		connection.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
		return;
	}
	const guilds = server.world.botGuilds().filter((guild) => shardForGuild(guild.id, shard[1]) === shard[0]);
	if (guilds.length > 2500) {
		server.fail(`shard ${shard[0]} would hold ${guilds.length} guilds (more than 2500)`);
		connection.close(GatewayCloseCodes.ShardingRequired, 'Sharding required.');
		return;
	}
	const wait = server.takeIdentifySlot(shard[0]);
	if (wait > 0) {
		server.fail(
			`shard ${shard[0]} identified ${wait} ms too early: one IDENTIFY per max_concurrency bucket every ` +
				`${server.options.identifyIntervalMs} ms ` +
				`(recommended shards ${recommendedShards}, max_concurrency ${server.options.maxConcurrency})`,
			// Discord answers INVALID_SESSION and the client identifies again later: recorded, not fatal by default.
			'rate-limited'
		);
		server.send(connection, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
		return;
	}
	const threshold = typeof d.large_threshold === 'number' ? Math.min(250, Math.max(50, d.large_threshold)) : 50;
	const session = server.createSession(connection, shard, intents, threshold, d.properties as Record<string, unknown>);
	session.dispatch('READY', {
		v: 10,
		user_settings: {},
		user: currentUserPayload(server.world.botUser),
		guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
		session_id: session.id,
		session_type: 'normal',
		resume_gateway_url: server.options.url(),
		shard,
		application: { id: bot.applicationId, flags: 0 },
		private_channels: [],
		presences: [],
		relationships: [],
		guild_join_requests: [],
		geo_ordered_rtc_regions: ['local'],
		auth: {},
		_trace: ['["discord-emulator",{"micros":0}]']
	});
	for (const guild of guilds) {
		session.dispatch('GUILD_CREATE', guildCreatePayload(server.world, guild, bot.id, intents, threshold));
	}
	server.markReady(session);
}

function resume(server: GatewayServer, connection: Connection, d: Record<string, unknown> | null): void {
	if (connection.session) {
		server.fail('the bot sent RESUME on an identified connection');
		connection.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
		return;
	}
	if (!d || d.token !== server.options.bot.token) {
		server.fail('RESUME with a wrong token');
		connection.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
		return;
	}
	const session = server.allSessions.get(String(d.session_id));
	const current = session && server.shardSessions.get(session.shardId) === session;
	if (!session || !current || !session.resumable) {
		server.send(connection, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
		return;
	}
	const seq = Number(d.seq);
	const missed = session.after(seq);
	if (missed === null) {
		if (seq > session.seq) {
			server.fail(`RESUME with seq ${seq} beyond the last sent ${session.seq}`);
			connection.close(GatewayCloseCodes.InvalidSeq, 'Invalid seq.');
		} else server.send(connection, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
		return;
	}
	const previous = session.connection;
	if (previous && previous !== connection) {
		previous.session = null;
		previous.close(GatewayCloseCodes.SessionTimedOut, 'Session resumed elsewhere');
	}
	session.connection = connection;
	connection.session = session;
	session.resumes++;
	session.replayed = missed.length;
	for (const payload of missed) server.send(connection, payload);
	session.dispatch('RESUMED', null);
}

function voiceStateUpdate(server: GatewayServer, connection: Connection, d: Record<string, unknown> | null): void {
	const guild = d && typeof d.guild_id === 'string' ? server.world.findGuild(d.guild_id) : undefined;
	if (!guild || !guild.state.members.has(server.options.bot.id)) {
		server.fail(`Voice State Update for unknown guild ${String(d?.guild_id)}`);
		return;
	}
	const botId = server.options.bot.id;
	if (d!.channel_id === null) {
		if (guild.state.voiceStates.has(botId)) guild.leaveVoice(botId);
		return;
	}
	guild.joinVoice(botId, String(d!.channel_id), { selfMute: Boolean(d!.self_mute), selfDeaf: Boolean(d!.self_deaf) });
	connection.session?.dispatch('VOICE_SERVER_UPDATE', {
		token: 'emulated-voice-token',
		guild_id: guild.id,
		endpoint: null
	});
}

function requestGuildMembers(server: GatewayServer, connection: Connection, d: Record<string, unknown> | null): void {
	const session = connection.session!;
	const guildId = String(d?.guild_id);
	const guild = server.world.findGuild(guildId);
	if (!guild || shardForGuild(guildId, session.shardCount) !== session.shardId) {
		server.fail(`Request Guild Members for guild ${guildId}, which is not on shard ${session.shardId}`);
		return;
	}
	const userIds = d?.user_ids === undefined ? null : ([] as string[]).concat(d.user_ids as string | string[]);
	const query = typeof d?.query === 'string' ? d.query.toLowerCase() : null;
	const limit = typeof d?.limit === 'number' ? d.limit : 0;
	if (!userIds && (query === null || query === '') && !(session.intents & GatewayIntentBits.GuildMembers)) {
		server.fail('Request Guild Members for the whole member list needs the GUILD_MEMBERS intent');
		return;
	}
	let members = [...guild.state.members.values()];
	if (userIds) members = members.filter((member) => userIds.includes(member.userId)).slice(0, 100);
	else if (query) {
		members = members
			.filter((member) => {
				const user = server.world.users.get(member.userId)!;
				return [user.username, user.globalName, member.nick].some((name) => name?.toLowerCase().startsWith(query));
			})
			.slice(0, Math.min(limit || 100, 100));
	} else if (limit > 0) members = members.slice(0, limit);
	const notFound = userIds ? userIds.filter((id) => !guild.state.members.has(id)) : [];
	const chunkCount = Math.max(1, Math.ceil(members.length / 1000));
	for (let index = 0; index < chunkCount; index++) {
		session.dispatch('GUILD_MEMBERS_CHUNK', {
			guild_id: guildId,
			members: members.slice(index * 1000, (index + 1) * 1000).map((member) => memberPayload(server.world, member)),
			chunk_index: index,
			chunk_count: chunkCount,
			...(notFound.length && index === 0 ? { not_found: notFound } : {}),
			...(d?.nonce === undefined ? {} : { nonce: d.nonce })
		});
	}
}
