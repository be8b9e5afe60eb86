import type { Conversation, ConvKey } from '../conversation.svelte';

/**
 * Read receipts: which `get_receipts` asked about which conversation (the answer names only
 * the message), and how a reader's position moves (only forwards).
 */
export class ReceiptRequests {
	// Bookkeeping nothing renders: a plain collection on purpose.
	private readonly asked = new Map<number, ConvKey>();

	/** Notes the question; the caller sends it. */
	ask(conv: Conversation, messageId: number): void {
		this.asked.set(messageId, conv.key);
	}

	/** The conversation an answer about `messageId` belongs to (each answer is used once). */
	answer(messageId: number): ConvKey | undefined {
		const key = this.asked.get(messageId);
		this.asked.delete(messageId);
		return key;
	}
}

/** A room reader has seen up to `id`; positions only move forwards (events may come late). */
export function advanceReader(conv: Conversation, userId: number, name: string, id: number): void {
	const prev = conv.readers.get(userId);
	if (!prev || prev.readId < id) conv.readers.set(userId, { name, readId: id });
}

/** The DM peer has seen up to `id`. */
export function advancePeer(conv: Conversation, id: number): void {
	if (id > conv.peerReadId) conv.peerReadId = id;
}
