// Shared vitest setup. Each test file runs in its own forked worker.
export {};
