import type { TestClient } from './client';

/**
 * Steady traffic from one client: keeps `window` messages in flight, each with a unique
 * client_id, and records which ones the server acknowledged (the echo carries the id).
 * It stops by itself when the socket closes.
 */
export class Sender {
	/** client_id → message id, for every acknowledged message. */
	readonly acked = new Map<string, number>();
	/** client_ids sent whose echo never came. */
	readonly pending = new Set<string>();
	private sent = 0;
	private running = false;
	private waiters: { count: number; resolve: () => void }[] = [];

	constructor(
		readonly client: TestClient,
		readonly name: string,
		private readonly window = 4,
		/** The message body for a client_id (small by default). */
		private readonly body: (clientId: string) => string = (id) => `body of ${id}`
	) {
		client.ws.on('message', (data, isBinary) => {
			if (isBinary) return;
			const e = JSON.parse(String(data));
			if (e.type !== 'message' || typeof e.client_id !== 'string') return;
			if (!this.pending.delete(e.client_id)) return;
			this.acked.set(e.client_id, e.id);
			for (const w of this.waiters.filter((w) => this.acked.size >= w.count)) w.resolve();
			this.waiters = this.waiters.filter((w) => this.acked.size < w.count);
			if (this.running) this.sendOne();
		});
		client.ws.on('close', () => (this.running = false));
	}

	start(): void {
		this.running = true;
		for (let i = 0; i < this.window; i++) this.sendOne();
	}

	stop(): void {
		this.running = false;
	}

	/** Resolves once at least `count` messages were acknowledged. */
	ackedAtLeast(count: number): Promise<void> {
		if (this.acked.size >= count) return Promise.resolve();
		return new Promise((resolve) => this.waiters.push({ count, resolve }));
	}

	/** Sends again (same client_id) what was never acknowledged, on a new client. */
	resendPending(client: TestClient): string[] {
		const ids = [...this.pending];
		for (const id of ids) client.send({ type: 'message', content: this.body(id), client_id: id });
		return ids;
	}

	private sendOne(): void {
		if (this.client.ws.readyState !== 1) return;
		const clientId = `${this.name}-${++this.sent}`;
		this.pending.add(clientId);
		this.client.send({ type: 'message', content: this.body(clientId), client_id: clientId });
	}
}

/** Every message row of a server's database (either backend): see db.ts. */
export { storedMessages } from './db';
