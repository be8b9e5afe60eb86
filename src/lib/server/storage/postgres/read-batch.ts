/**
 * Reads of one kind asked for in the same turn of the event loop, sent to PostgreSQL as ONE
 * statement (`… WHERE id = ANY($1)`), each caller answered with its own part.
 *
 * Why: a connect storm is 10,000 connection sequences, each reading its session, its rooms,
 * its room list and its notification settings — 40,000 statements, each a write on a socket
 * (~50 µs of the server's CPU on loopback TCP) and a wake-up of a PostgreSQL backend on the
 * same two cores (scenario 9's profile, docs/performance.md). Sixteen sequences run at once
 * (realtime/admission.ts), so their reads of a kind mostly fall in the same turn: one
 * statement then answers all of them.
 *
 * The batch is sent from `setImmediate`, when the turn's callbacks and microtasks have all
 * run — postgres.js itself writes from `setImmediate`, so a read alone waits no longer than
 * before. Only reads on the pool batch (a transaction's reads must run in it); a batch reads
 * one snapshot, as reads sent at once on several connections would have.
 */
export class ReadBatch<K, V> {
	private pending: { key: K; resolve: (v: V) => void; reject: (err: unknown) => void }[] = [];

	/**
	 * @param readMany answers for `keys`, in their order (one statement)
	 * @param maxKeys a bigger batch is split into statements of this many keys
	 */
	constructor(
		private readonly readMany: (keys: K[]) => Promise<V[]>,
		private readonly maxKeys = 500
	) {}

	read(key: K): Promise<V> {
		return new Promise((resolve, reject) => {
			this.pending.push({ key, resolve, reject });
			if (this.pending.length === 1) setImmediate(() => this.flush());
		});
	}

	private flush(): void {
		const all = this.pending;
		this.pending = [];
		for (let i = 0; i < all.length; i += this.maxKeys) {
			const batch = all.slice(i, i + this.maxKeys);
			this.readMany(batch.map((p) => p.key)).then(
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
