/** Polls `probe` until it returns true (the state of another process has no event to await). */
export async function until(probe: () => Promise<boolean> | boolean, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (!(await probe())) {
		if (Date.now() > deadline) throw new Error('condition not reached in time');
		await new Promise((r) => setTimeout(r, 50));
	}
}
