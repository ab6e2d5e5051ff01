/** Ticket channel, thread and overflow category names (src/plugins/tickets/lib/naming.ts). */
import { describe, expect, it } from 'vitest';
import { fillNameTemplate, formatTicketNumber, overflowCategoryName, overflowIndexOf, renamedName, ticketName, toChannelName, toThreadName } from '../../../../src/plugins/tickets/lib/naming.js';

describe('ticket names', () => {
	it('zero-pads {number} to 4 digits and keeps longer numbers whole', () => {
		expect(formatTicketNumber(1)).toBe('0001');
		expect(formatTicketNumber(12_345)).toBe('12345');
		expect(fillNameTemplate('ticket-{number}-{username}-{type}-{other}', { number: 7, username: 'alice', type: 'Support' })).toBe('ticket-0007-alice-Support-{other}');
	});

	it('makes a valid text channel name: lower case, dashes, letters, digits and _ only, no dash at the ends, 100 at most', () => {
		expect(toChannelName('Refund  Order #42!')).toBe('refund-order-42');
		expect(toChannelName('--Zażółć  gęślą--')).toBe('zażółć-gęślą');
		expect(toChannelName('a_b - c')).toBe('a_b-c');
		expect(toChannelName('🎫🎫')).toBe('');
		expect(toChannelName('x'.repeat(150))).toHaveLength(100);
		expect(toChannelName(`${'x'.repeat(99)}-y`)).toBe('x'.repeat(99));
	});

	it('keeps a thread name’s case and spaces, whitespace collapsed, 100 at most, emoji not split', () => {
		expect(toThreadName('  Refund   Order #42  ')).toBe('Refund Order #42');
		expect(toThreadName(`${'x'.repeat(99)}🎫`)).toBe('x'.repeat(99));
	});

	it('falls back to ticket-<number> when nothing valid is left', () => {
		expect(ticketName('channel', '{number}-{username}', { number: 3, username: 'alice', type: 'Support' })).toBe('0003-alice');
		expect(ticketName('channel', '{username}', { number: 3, username: '🎫', type: 'Support' })).toBe('ticket-0003');
		expect(ticketName('thread', '{type} {number}', { number: 3, username: 'alice', type: 'Ban appeal' })).toBe('Ban appeal 0003');
		expect(renamedName('channel', '!!!')).toBe('');
	});

	it('names overflow categories "<base> <n>" within 100 characters and recognises them', () => {
		expect(overflowCategoryName('Tickets', 2)).toBe('Tickets 2');
		expect(overflowCategoryName('T'.repeat(100), 12)).toBe(`${'T'.repeat(97)} 12`);
		expect(overflowIndexOf('Tickets', 'Tickets 3')).toBe(3);
		expect(overflowIndexOf('Tickets', 'Tickets 1')).toBeNull();
		expect(overflowIndexOf('Tickets', 'Tickets')).toBeNull();
		expect(overflowIndexOf('Tickets', 'Old Tickets 2')).toBeNull();
		expect(overflowIndexOf('T'.repeat(100), `${'T'.repeat(97)} 12`)).toBe(12);
	});
});
