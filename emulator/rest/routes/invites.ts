/**
 * `GET /invites/{code}` (resources/invite "Get Invite"): the invite object of a guild invite made with
 * `guild.createInvite`, with approximate counts when `with_counts` is true (Discord's boolean query strings: `true`,
 * `True` or `1`). No Authorization is needed (the spec allows the call without a token). An unknown, expired or used-up
 * code is 404 10006 Unknown Invite.
 */
import { findInvite, invitePayload } from '../../world/invites.js';
import { ErrorCodes, unknown } from '../errors.js';
import type { RouteDefinition } from '../router.js';

export const inviteRoutes: RouteDefinition[] = [
	{
		method: 'GET',
		path: '/invites/{code}',
		auth: 'none',
		handler: (ctx) => {
			const invite = findInvite(ctx.world, ctx.params.code!);
			if (!invite) throw unknown(ErrorCodes.UnknownInvite, `invite ${ctx.params.code}`);
			const withCounts = ['true', 'True', '1'].includes(ctx.query.get('with_counts') ?? '');
			return invitePayload(ctx.world, invite, withCounts);
		}
	}
];
