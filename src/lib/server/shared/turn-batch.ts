/**
 * Requests of one kind made in the same turn of the event loop, answered by ONE call to a
 * networked store (a statement `… WHERE id = ANY($1)`, a Redis script for many), each caller
 * getting its own part.
 *
 * Why: a connect storm is 10,000 connection sequences, each reading its session, its rooms,
 * its room list and its notification settings from PostgreSQL, and registering its arrival
 * in Redis — each call a write on a socket and a wake-up of the store's process on the same
 * cores (scenario 9's profile, docs/performance.md). Sequences start in groups
 * (realtime/admission.ts), so their requests of a kind mostly fall in the same turn: one call
 * then answers all of them.
 *
 * The batch is sent from `setImmediate`, when the turn's callbacks and microtasks have all
 * run — postgres.js itself writes from `setImmediate`, so a request alone waits no longer than
 * before. Only what needs no order against other calls may batch (reads on the pool, not in a
 * transaction; arrivals in their order); a batch of reads sees one snapshot, as reads sent at once on
 * several connections would have.
 */
export class TurnBatch<K, V> {
	private pending: { key: K; resolve: (v: V) => void; reject: (err: unknown) => void }[] = [];

	/**
	 * @param answerMany answers for `keys`, in their order (one call: a read or a write)
	 * @param maxKeys a bigger batch is split into calls of this many keys
	 */
	constructor(
		private readonly answerMany: (keys: K[]) => Promise<V[]>,
		private readonly maxKeys = 500
	) {}

	/** `key`'s answer, from the call that the turn's requests share. */
	request(key: K): Promise<V> {
		return new Promise((resolve, reject) => {
			this.pending.push({ key, resolve, reject });
			if (this.pending.length === 1) setImmediate(() => this.flush());
		});
	}

	/** Sends what waits now, ahead of the end of the turn (for callers that must order their own calls after it). */
	flush(): void {
		const all = this.pending;
		this.pending = [];
		for (let i = 0; i < all.length; i += this.maxKeys) {
			const batch = all.slice(i, i + this.maxKeys);
			this.answerMany(batch.map((p) => p.key)).then(
				(values) => batch.forEach((p, j) => p.resolve(values[j]!)),
				(err) => batch.forEach((p) => p.reject(err))
			);
		}
	}
}

/** `rows` grouped by `keyOf`, in the order of `keys` (rows of a key it lacks: an empty list). */
export function groupedBy<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (r: R) => K): R[][] {
	const groups = new Map<K, R[]>();
	for (const row of rows) {
		const k = keyOf(row);
		let group = groups.get(k);
		if (!group) groups.set(k, (group = []));
		group.push(row);
	}
	return keys.map((k) => groups.get(k) ?? []);
}
