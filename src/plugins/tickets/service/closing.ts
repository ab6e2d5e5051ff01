import type { TicketService } from './TicketService.js';

/** Closing, reopening, auto-close and feedback (issue 10). Implemented in service/closing.ts. */
export class TicketClosing {
	public constructor(private readonly service: TicketService) {}

	/** Re-arms missing jobs of the guild's open and closed tickets; returns how many were checked. */
	public async reconcile(_guildId: string): Promise<number> {
		void this.service;
		return 0;
	}
}
