import { EnvError } from './lib/env.js';
import { startBot } from './lib/bot.js';
import { StartupConnectionError } from './lib/startupError.js';

/**
 * Entry point (`npm start`, the Docker image): starts the bot with the real environment, stopping cleanly on
 * SIGTERM/SIGINT. A start-up failure (invalid environment, unreachable database, invalid token) is printed and the
 * process exits with code 1. An invalid environment or an unreachable PostgreSQL/Redis is one line, without a stack
 * (startBot logs the driver's stack at debug level).
 */
try {
	await startBot();
} catch (error) {
	if (error instanceof EnvError || error instanceof StartupConnectionError) console.error(error.message);
	else console.error('The bot could not start:', error);
	process.exit(1);
}
