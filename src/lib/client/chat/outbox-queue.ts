import { SvelteMap } from 'svelte/reactivity';
import { itemKey, PENDING_BASE, type Conversation, type ConvKey } from '../conversation.svelte';
import type { OutboxRecord, OutboxStorage } from '../outbox';
import type { Me } from './types';

interface OutboxEntry {
	clientId: string;
	convKey: ConvKey;
	payload: Record<string, unknown>;
	/** Sent on the current connection and not yet echoed; errors are matched to these. */
	inFlight: boolean;
}

/**
 * The outbox in memory: messages written but not yet acknowledged by the server, shown as
 * pending rows, sent again on every (re)connect until their echo or a refusal arrives. The
 * copy on disk (`OutboxStorage`) is kept in step so that a reload loses nothing.
 */
export class OutboxQueue {
	/** Reactive: the sidebar shows how many messages wait to go out. */
	private readonly entries = new SvelteMap<string, OutboxEntry>();
	private pendingSeq = 0;

	constructor(
		private readonly deps: {
			storage?: OutboxStorage;
			/** The conversation a record belongs to, created if needed. */
			conversation(key: ConvKey): Conversation;
			me(): Me;
		}
	) {}

	get size(): number {
		return this.entries.size;
	}

	/** Writes a new message: on disk first, then pending on screen, then out if the socket is up. */
	write(record: OutboxRecord, send: (payload: object) => boolean): void {
		// On disk before the first attempt: if the page dies now, the next one sends it.
		this.deps.storage?.add(record);
		this.queue(record).inFlight = send(record.payload);
	}

	/** Shows a message as pending in its conversation and keeps it until the server confirms it. */
	queue(r: OutboxRecord): OutboxEntry {
		const me = this.deps.me();
		const conv = this.deps.conversation(r.convKey);
		conv.merge([
			{
				key: itemKey(me.id, 0, r.clientId),
				order: PENDING_BASE + ++this.pendingSeq,
				id: null,
				clientId: r.clientId,
				kind: 'text',
				fromId: me.id,
				fromName: me.name,
				text: r.text,
				timestamp: r.timestamp,
				own: true,
				pending: true
			}
		]);
		const entry: OutboxEntry = {
			clientId: r.clientId,
			convKey: conv.key,
			payload: r.payload,
			inFlight: false
		};
		this.entries.set(r.clientId, entry);
		return entry;
	}

	/** The socket (re)opened: everything still waiting goes out again, with its client_id. */
	resend(send: (payload: object) => boolean): void {
		for (const entry of this.entries.values()) entry.inFlight = send(entry.payload);
	}

	disconnected(): void {
		for (const entry of this.entries.values()) entry.inFlight = false;
	}

	/** The message with this client_id, while it waits (an error names the send it refuses). */
	get(clientId: string): OutboxEntry | undefined {
		return this.entries.get(clientId);
	}

	/**
	 * The send an error without a client_id answers (servers before errors carried one): the
	 * server answers in order, so the oldest in flight.
	 */
	oldestInFlight(): OutboxEntry | undefined {
		return [...this.entries.values()].find((e) => e.inFlight);
	}

	/** The server stored (or refused) it: nothing to send again, here or after a reload. */
	acknowledge(clientId: string): void {
		this.entries.delete(clientId);
		this.deps.storage?.remove(clientId);
	}
}
