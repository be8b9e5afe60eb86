import type { Event, TestClient } from './client';

/** Event types that carry a message object. */
export const MESSAGE_TYPES = new Set([
	'message',
	'image',
	'private_message',
	'private_message_sent'
]);

let counter = 0;
/** A username unique within a test run (usernames are 3–32 of A–Z a–z 0–9 _ . -). */
export function uniq(prefix: string): string {
	return `${prefix}${Date.now().toString(36).slice(-4)}${++counter}`;
}

/** Sends a message-like frame with a fresh client_id and waits for the sender's echo. */
export async function sendAck(
	client: TestClient,
	msg: Record<string, unknown>,
	echoType = msg.type === 'private_message' ? 'private_message_sent' : String(msg.type)
): Promise<Event> {
	const clientId = (msg.client_id as string | undefined) ?? `c-${++counter}`;
	client.send({ ...msg, client_id: clientId });
	return client.next((e) => e.type === echoType && e.client_id === clientId);
}

/** Waits for the next `error` and returns its content. */
export async function nextError(client: TestClient): Promise<{ code: string; message: string }> {
	return (await client.next('error')).content;
}

/** Ids of the message events a client received live (history pages not included). */
export function messageIds(client: TestClient): number[] {
	return client.events.filter((e) => MESSAGE_TYPES.has(e.type)).map((e) => e.id as number);
}

/** A seeded PRNG (mulberry32) so randomized tests replay the same way. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Guests on, and the per-address caps off: many connections from the test's one address, each
 * a user of its own (presence and connect storms).
 */
export const CROWD = {
	GUESTS: '1',
	MAX_CONNECTIONS_PER_ADDRESS: '0',
	MAX_ANONYMOUS_PER_ADDRESS: '0',
	MAX_PENDING_AUTH_PER_ADDRESS: '0'
};

/** Generous limits for tests that send many messages. */
export const FAST = { RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' };

/** Resolves once the client has received (at any point) an event matching `pred`. */
export async function received(client: TestClient, pred: (e: Event) => boolean): Promise<Event> {
	return client.events.find(pred) ?? client.next(pred);
}
