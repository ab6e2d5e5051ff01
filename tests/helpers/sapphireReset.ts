import { ApplicationCommandRegistries, container } from '@sapphire/framework';

/** Symbol under which a Sapphire store keeps pieces registered in code (not exported by @sapphire/pieces). */
function manualPiecesOf(store: object): Map<string, { name: string; piece: unknown }> | undefined {
	const symbol = Object.getOwnPropertySymbols(store).find((candidate) => candidate.description === '@sapphire/pieces:ManuallyRegisteredPieces');
	return symbol ? ((store as Record<symbol, unknown>)[symbol] as Map<string, { name: string; piece: unknown }>) : undefined;
}

/**
 * Test-only: prepares Sapphire's process-wide state for another bot in the same test process. The framework's
 * built-in pieces are registered once at import and handed to the first client's stores, and command registries are
 * kept by name for the whole process (docs/stack-notes.md, "Sapphire"); a second in-process bot (a restart after
 * `crash()`) needs both carried over and cleared. Production runs one bot per process and never calls this.
 */
export function resetSapphireForNextBot(): void {
	const carried: { store: string; name: string; piece: unknown }[] = [];
	for (const store of container.stores?.values() ?? []) {
		for (const entry of manualPiecesOf(store)?.values() ?? []) carried.push({ store: store.name, name: entry.name, piece: entry.piece });
	}
	if (!container.stores) return;
	container.stores.clear();
	for (const entry of carried) void container.stores.loadPiece(entry as Parameters<typeof container.stores.loadPiece>[0]);
	(ApplicationCommandRegistries.registries as Map<string, unknown>).clear();
}
