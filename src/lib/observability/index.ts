/** Observability of the bot: structured logs (pino), Prometheus metrics (prom-client), and the /healthz + /metrics server. */
export * from './logger.js';
export * from './metrics.js';
export * from './httpServer.js';
