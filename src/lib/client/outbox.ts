import type { ConvKey } from './conversation.svelte';

/**
 * The outbox on disk: messages written but not yet confirmed by the server, kept per account
 * in localStorage so that a reload, a crash or a closed tab loses nothing. The next page of
 * the same account (this tab after a reload, or another tab) sends them again with the same
 * `client_id`; the server stores a `client_id` once per sender, so a message that did get
 * through before the page went away is not stored twice.
 *
 * Every change is a read-modify-write of the stored list, so two tabs of one account add and
 * remove their own entries without overwriting each other's.
 */
export interface OutboxRecord {
	clientId: string;
	convKey: ConvKey;
	/** The protocol message, sent as is. */
	payload: Record<string, unknown>;
	text: string;
	/** When it was written (unix seconds), for the pending row. */
	timestamp: number;
}

/** The part of `Storage` used here; tests pass a Map-backed one. */
export interface KeyValue {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
	removeItem(key: string): void;
}

/**
 * At most this many unsent messages are kept on disk: the composer cannot produce more than
 * the server's rate limit would accept anyway, and the storage quota is shared by the origin.
 */
export const OUTBOX_LIMIT = 200;

export class OutboxStorage {
	readonly key: string;

	constructor(
		private readonly storage: KeyValue | null,
		userId: number
	) {
		this.key = `chat:outbox:${userId}`;
	}

	/** What earlier pages of this account left unsent, oldest first. */
	load(): OutboxRecord[] {
		if (!this.storage) return [];
		let raw: unknown;
		try {
			raw = JSON.parse(this.storage.getItem(this.key) ?? '[]');
		} catch {
			return [];
		}
		return Array.isArray(raw) ? raw.filter(isRecord) : [];
	}

	add(record: OutboxRecord): void {
		const rest = this.load().filter((r) => r.clientId !== record.clientId);
		this.save([...rest, record].slice(-OUTBOX_LIMIT));
	}

	remove(clientId: string): void {
		const all = this.load();
		const rest = all.filter((r) => r.clientId !== clientId);
		if (rest.length !== all.length) this.save(rest);
	}

	private save(records: OutboxRecord[]): void {
		if (!this.storage) return;
		try {
			if (records.length) this.storage.setItem(this.key, JSON.stringify(records));
			else this.storage.removeItem(this.key);
		} catch {
			// Quota exceeded or storage disabled: the message still goes out from memory.
		}
	}
}

function isRecord(x: unknown): x is OutboxRecord {
	if (typeof x !== 'object' || x === null) return false;
	const r = x as Record<string, unknown>;
	return (
		typeof r.clientId === 'string' &&
		typeof r.convKey === 'string' &&
		/^(r:.+|u:\d+)$/.test(r.convKey) &&
		typeof r.payload === 'object' &&
		r.payload !== null &&
		typeof r.text === 'string' &&
		typeof r.timestamp === 'number'
	);
}

/** localStorage when the page has one (not during SSR, not when the browser forbids it). */
export function browserStorage(): KeyValue | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		return null;
	}
}
