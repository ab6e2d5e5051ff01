/** Small formatters for the benchmark's printed tables (en-US digit grouping, fixed units). */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `50000` → `50,000`. */
export function count(value: number): string {
	return integer.format(value);
}

/** Milliseconds as `812 ms` under a second, `1.23 s` under 100 seconds, else `123.4 s`. */
export function duration(ms: number): string {
	if (ms < 1_000) return `${ms.toFixed(0)} ms`;
	if (ms < 100_000) return `${(ms / 1_000).toFixed(2)} s`;
	return `${(ms / 1_000).toFixed(1)} s`;
}

/** A duration as {@link duration} writes it, or `—` for NaN (no value, e.g. the percentile of no samples). */
export function ms(value: number): string {
	return Number.isNaN(value) ? '—' : duration(value);
}

/** `part` of `whole` with its percentage: `12 of 2,000 (0.60%)`. */
export function share(part: number, whole: number): string {
	return `${count(part)} of ${count(whole)} (${whole ? ((100 * part) / whole).toFixed(2) : '0.00'}%)`;
}

/** A target met or not, as printed in the reports: `PASS` or `MISS`. */
export function pass(ok: boolean): string {
	return ok ? 'PASS' : 'MISS';
}

/** Bytes as mebibytes: `412.3 MiB`. */
export function mebibytes(bytes: number): string {
	return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

/** A ratio as `73.4×`. */
export function times(ratio: number): string {
	return `${ratio >= 100 ? ratio.toFixed(0) : ratio.toFixed(1)}×`;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A plain-text table: the first row is the header; columns after the first are right-aligned.
 * Returns the lines (a header underline included), each prefixed with `indent`.
 */
export function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
	const widths: number[] = [];
	for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
	const line = (row: readonly string[]) =>
		indent + row.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join('   ').trimEnd();
	const [header, ...body] = rows;
	if (header === undefined) return [];
	return [line(header), indent + widths.map((width) => '─'.repeat(width)).join('   '), ...body.map(line)];
}
