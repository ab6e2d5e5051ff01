import { describe, expect, it, vi } from 'vitest';
import { replyWhenReady, type AnswerableInteraction, type PublicAnswer } from '../../src/lib/commands/replyWhenReady.js';

/** A fake interaction that records the calls made on it, in order. */
function fakeInteraction(): AnswerableInteraction & { calls: string[] } {
	const calls: string[] = [];
	return {
		calls,
		reply: async (options) => void calls.push(`reply ${options.content ?? JSON.stringify(options.embeds)}`),
		deferReply: async () => void calls.push('defer'),
		editReply: async (options) => void calls.push(`edit ${options.content ?? JSON.stringify(options.embeds)}`)
	};
}

const after = <T>(delayMs: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), delayMs));
const failAfter = (delayMs: number, message: string) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error(message)), delayMs));
const answer: PublicAnswer = { embeds: [{ title: 'page' }] };

describe('replyWhenReady', () => {
	it('replies with the answer itself when it is ready before the deadline (one request, no deferral)', async () => {
		const interaction = fakeInteraction();
		await replyWhenReady(interaction, after(5, answer), 200);
		expect(interaction.calls).toEqual(['reply [{"title":"page"}]']);
	});

	it('defers at the deadline and edits the answer in once ready', async () => {
		const interaction = fakeInteraction();
		const done = replyWhenReady(interaction, after(120, answer), 30);
		await vi.waitFor(() => expect(interaction.calls).toEqual(['defer']));
		await done;
		expect(interaction.calls).toEqual(['defer', 'edit [{"title":"page"}]']);
	});

	it('throws a failure before the deadline without answering (the core answers the error)', async () => {
		const interaction = fakeInteraction();
		await expect(replyWhenReady(interaction, failAfter(5, 'database down'), 200)).rejects.toThrow('database down');
		expect(interaction.calls).toEqual([]);
	});

	it('throws a failure after the deadline once deferred', async () => {
		const interaction = fakeInteraction();
		await expect(replyWhenReady(interaction, failAfter(80, 'database down'), 20)).rejects.toThrow('database down');
		expect(interaction.calls).toEqual(['defer']);
	});
});
