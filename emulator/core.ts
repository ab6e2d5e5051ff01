/**
 * The services the REST routes, gateway and test controls share (internal to the emulator).
 */
import type { GatewayServer } from './gateway/server.js';
import type { InteractionStore } from './interactions/store.js';
import type { FailureLog, Recorder } from './recorder.js';
import type { RateLimiter } from './rest/ratelimit.js';
import type { SnowflakeGenerator } from './snowflake.js';
import type { Clock, EmulatorBot } from './types.js';
import type { RequestValidator } from './validation/validator.js';
import type { AttachmentStore } from './world/attachments.js';
import type { World } from './world/world.js';

export interface EmulatorCore {
	readonly world: World;
	readonly gateway: GatewayServer;
	readonly recorder: Recorder;
	readonly failures: FailureLog;
	readonly bot: EmulatorBot;
	readonly ids: SnowflakeGenerator;
	readonly interactions: InteractionStore;
	readonly rateLimits: RateLimiter;
	readonly validator: RequestValidator;
	/** Stored attachments, their signed URLs and the CDN serving them. */
	readonly attachments: AttachmentStore;
	/** The emulator clock (replaceable by tests). */
	readonly clock: Clock;
	readonly recommendedShards: number;
	readonly maxConcurrency: number;
	/** ws:// URL of the gateway. */
	readonly gatewayUrl: string;
	readonly responseTimeoutMs: number;
}
