/**
 * Local Discord emulator: REST v10 + gateway (JSON) on 127.0.0.1 with an in-memory world.
 * FACADE FIRST DRAFT: the signatures below are the contract; the implementation is landing behind them.
 */
import type { APIApplicationCommand, APIChannel, APIGuildMember, APIRole, ChannelType } from 'discord-api-types/v10';
import type {
	AddMemberOptions,
	AutocompleteInvocation,
	ButtonInvocation,
	Clock,
	CommandInvocation,
	CreateChannelOptions,
	CreateGuildOptions,
	CreateRoleOptions,
	EmulatorBot,
	EmulatorFailure,
	EmulatorOptions,
	GatewayRecord,
	InteractionHandle,
	ModalSubmitInvocation,
	RateLimitInjection,
	RestRecord,
	SelectMenuInvocation,
	ShardSessionInfo,
	VoiceFlags,
	VoiceUpdate
} from './types.js';

export type * from './types.js';

const todo = (): never => {
	throw new Error('emulator: not implemented yet');
};

/** A guild of the world, for building it and reading it back in assertions. */
export interface GuildHandle {
	readonly id: string;
	readonly everyoneRoleId: string;
	readonly botRoleId: string;
	readonly ownerId: string;
	createRole(options: CreateRoleOptions): APIRole;
	createChannel(options: CreateChannelOptions & { type: ChannelType }): APIChannel;
	addMember(options: AddMemberOptions): APIGuildMember & { id: string };
	setAfkChannel(channelId: string | null, timeoutSeconds?: number): void;
	member(userId: string): (APIGuildMember & { id: string }) | undefined;
	role(roleId: string): APIRole | undefined;
	channel(channelId: string): APIChannel | undefined;
	readonly roles: APIRole[];
	readonly channels: APIChannel[];
	readonly members: (APIGuildMember & { id: string })[];
	readonly bans: { user: { id: string }; reason: string | null }[];
}

export class DiscordEmulator {
	public readonly restUrl!: string;
	public readonly gatewayUrl!: string;
	public readonly bot!: EmulatorBot;
	public clock!: Clock & { advance?(ms: number): void };
	public readonly world!: {
		createGuild(options: CreateGuildOptions): GuildHandle;
		guild(id: string): GuildHandle;
		readonly guilds: GuildHandle[];
		createUser(options: { username: string; bot?: boolean }): { id: string };
	};
	public readonly voice!: {
		join(guildId: string, userId: string, channelId: string, flags?: VoiceFlags): void;
		update(guildId: string, userId: string, update: VoiceUpdate): void;
		leave(guildId: string, userId: string): void;
	};
	public readonly members!: {
		join(guildId: string, options: AddMemberOptions): { id: string };
		leave(guildId: string, userId: string): void;
	};
	public readonly messages!: {
		send(options: { guildId?: string; channelId: string; userId: string; content: string }): { id: string };
	};
	public readonly interactions!: {
		command(options: CommandInvocation): InteractionHandle;
		autocomplete(options: AutocompleteInvocation): InteractionHandle;
		button(options: ButtonInvocation): InteractionHandle;
		selectMenu(options: SelectMenuInvocation): InteractionHandle;
		modalSubmit(options: ModalSubmitInvocation): InteractionHandle;
	};
	public readonly commands!: {
		global(): APIApplicationCommand[];
		guild(guildId: string): APIApplicationCommand[];
	};
	public readonly gateway!: {
		readonly sessions: ShardSessionInfo[];
		waitForReady(shardCount: number, timeoutMs?: number): Promise<ShardSessionInfo[]>;
		closeShard(shardId: number, code?: number): void;
		sendReconnect(shardId: number): void;
		invalidateSession(shardId: number, resumable: boolean): void;
	};
	public readonly rateLimits!: { inject(injection: RateLimitInjection): void };
	public readonly recorder!: {
		readonly rest: RestRecord[];
		readonly gateway: GatewayRecord[];
		waitForRest(predicate: (record: RestRecord) => boolean, timeoutMs?: number): Promise<RestRecord>;
		waitForGateway(predicate: (record: GatewayRecord) => boolean, timeoutMs?: number): Promise<GatewayRecord>;
	};
	public readonly failures!: EmulatorFailure[];

	public static async start(_options: EmulatorOptions = {}): Promise<DiscordEmulator> {
		return todo();
	}

	public expectFailures(_predicate: (failure: EmulatorFailure) => boolean): void {
		todo();
	}

	public assertNoFailures(): void {
		todo();
	}

	public async stop(): Promise<void> {
		todo();
	}
}
