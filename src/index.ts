import { EnvError } from './lib/env.js';
import { startBot } from './lib/bot.js';

/**
 * Entry point (`npm start`, the Docker image): starts the bot with the real environment, stopping cleanly on
 * SIGTERM/SIGINT. A start-up failure (invalid environment, unreachable database, invalid token) is printed and the
 * process exits with code 1.
 */
try {
	await startBot();
} catch (error) {
	if (error instanceof EnvError) console.error(error.message);
	else console.error('The bot could not start:', error);
	process.exit(1);
}
