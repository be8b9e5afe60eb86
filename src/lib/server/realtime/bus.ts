import type { StoredMessage } from '../chat/messages';

/**
 * Committed events travel from services to the hub through this interface. The first
 * implementation is in-process; a Redis-backed one can replace it for several
 * processes without touching the services.
 */
export type BusEvent =
	| { kind: 'message'; message: StoredMessage }
	| { kind: 'room_created'; room: { name: string; topic: string }; by: Actor }
	/** `members`: the room's member count after the change, so clients need not keep tally. */
	| { kind: 'member_joined' | 'member_left'; room: string; user: Actor; members: number }
	| { kind: 'message_read'; authorId: number; payload: Record<string, unknown> };

export interface Actor {
	id: number;
	name: string;
}

export interface Bus {
	publish(event: BusEvent): void;
	subscribe(listener: (event: BusEvent) => void): () => void;
}

export class LocalBus implements Bus {
	private readonly listeners = new Set<(event: BusEvent) => void>();

	publish(event: BusEvent): void {
		for (const listener of this.listeners) listener(event);
	}

	subscribe(listener: (event: BusEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}
