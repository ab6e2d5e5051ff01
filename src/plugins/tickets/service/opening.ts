import type { TicketService } from './TicketService.js';

/** Opening tickets and what staff do inside them (issue 10). Implemented in service/opening.ts. */
export class TicketOpening {
	public constructor(private readonly service: TicketService) {}

	/** Repairs tickets left `opening` by a crash in `guildId`; returns how many were checked. */
	public async reconcile(_guildId: string): Promise<number> {
		void this.service;
		return 0;
	}
}
