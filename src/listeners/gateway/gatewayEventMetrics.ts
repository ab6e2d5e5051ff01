import { Events, Listener } from '@sapphire/framework';
import type { GatewayDispatchPayload } from 'discord.js';

/** Counts every gateway dispatch by event name (`hearth_gateway_events_total{event}`). */
export class GatewayEventMetricsListener extends Listener<typeof Events.Raw> {
	public constructor(context: Listener.LoaderContext) {
		super(context, { event: Events.Raw });
	}

	public override run(packet: GatewayDispatchPayload) {
		if (packet.t) this.container.metrics.gatewayEvents.inc({ event: packet.t });
	}
}
