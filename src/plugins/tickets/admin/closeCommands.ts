import type { AdminHandler } from '../../../lib/commands/adminContext.js';
import type { TicketService } from '../service/TicketService.js';

/**
 * The closing subcommands of `/ticket` (commands/ticket.ts): `close [reason]` (asks for confirmation), `close-request
 * [delay] [reason]`, `reopen`. Implemented with service/closing.ts.
 */

/** `/ticket close [reason]`. */
export const ticketClose: AdminHandler<TicketService> = () => Promise.reject(new Error('not implemented yet'));

/** `/ticket close-request [delay] [reason]`. */
export const ticketCloseRequest: AdminHandler<TicketService> = () => Promise.reject(new Error('not implemented yet'));

/** `/ticket reopen`. */
export const ticketReopen: AdminHandler<TicketService> = () => Promise.reject(new Error('not implemented yet'));
