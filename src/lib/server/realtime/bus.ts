import type { RoomRecord } from '../storage/rooms';
import type { MessageReadContent, OnlineUser, ServerEvent } from '$lib/protocol/events';
import type { ChangeRecord, MessageRecord as StoredMessage } from '$lib/protocol/wire';

/**
 * The one road from a committed change to the clients: services publish domain events here,
 * and fan-out (fanout.ts) is the only subscriber that writes to sockets. Every event is plain
 * data (JSON-serializable: no sockets, no identities, no functions), because a bus that joins
 * several processes (Redis) will carry exactly these objects.
 *
 * Order is the publisher's order: a sequence published together (an identity change and the
 * event that announces it, a `kicked` notice and the close that follows) arrives together.
 */
export type BusEvent =
	/** A committed message: its room's subscribers, or both parties of a DM, each in its own form. */
	| { kind: 'message'; message: StoredMessage }
	/** A committed edit, deletion or reaction: whoever can see the message, each in its form. */
	| { kind: 'change'; change: ChangeRecord }
	/** A new room, announced to everyone online; every process's room list learns it. */
	| { kind: 'room_created'; room: RoomRecord; by: Actor }
	/** Settings changed (issue 15); `wasPrivate`: before the change, so fan-out knows who knew of it. */
	| { kind: 'room_updated'; room: RoomRecord; wasPrivate: boolean; by: Actor }
	/**
	 * A membership change: the user's connections (un)subscribe, then the room hears it.
	 * `members`: the room's member count after the change, so clients need not keep tally.
	 */
	| { kind: 'member_joined' | 'member_left'; room: string; user: Actor; members: number }
	/** A read marker moved past someone's message: its author hears it. */
	| { kind: 'message_read'; authorId: number; payload: MessageReadContent }
	/**
	 * Presence above PRESENCE_BROADCAST_MAX, one per flush interval of the process that saw the
	 * changes: the count, and the state at sending time of the users that changed (realtime/
	 * presence.ts). Fan-out gives each connection the count and what it watches of the rest.
	 */
	| { kind: 'presence'; usersOnline: number; online: OnlineUser[]; offline: number[] }
	/** A ready event for an audience (presence, typing, moderation, renames…). */
	| { kind: 'event'; to: Audience; event: ServerEvent }
	/** What live connections remember of a user changed (a rename, a role). */
	| { kind: 'identity'; userId: number; name?: string; isAdmin?: boolean }
	/**
	 * A mute was put or lifted (`mute: null`): every process's mute book takes it, so sends
	 * and typing are refused (or allowed again) whichever process the user is on.
	 */
	| { kind: 'mute'; userId: number; mute: { until: number; reason: string } | null }
	/** An account was cut off for flooding: every process refuses its upgrades a while (flood-penalty.ts). */
	| { kind: 'flood_penalty'; userId: number }
	/** Close the connections of a user or of one session (kick, ban, logout, password change). */
	| { kind: 'close'; of: { userId: number } | { sessionId: string }; code: number; reason: string };

/** Who receives an `event`: subscribers of a room, a user's connections, some users, everyone. */
export type Audience =
	| { room: string; except?: number }
	| { user: number }
	| { users: number[] }
	| { everyone: true; except?: number };

export interface Actor {
	id: number;
	name: string;
}

export interface Bus {
	publish(event: BusEvent): void;
	subscribe(listener: (event: BusEvent) => void): () => void;
	/**
	 * The highest log seq (message id or change seq) delivered to this process's subscribers,
	 * which `resume` replays up to; null when that is the write queue's own last commit (the
	 * in-process bus delivers during publish).
	 */
	readonly delivered: number | null;
	/** False while the bus cannot carry events (Redis unreachable): `/healthz` says 503. */
	readonly healthy: boolean;
	/** Connects (several processes); resolves when events flow. */
	start(): Promise<void>;
	/** Sends what is queued and disconnects (graceful shutdown, after the last publish). */
	close(): Promise<void>;
}

/**
 * The in-process bus of a single server: publish calls every listener synchronously, so an
 * event is on its recipients' sockets (or in their write batch) when publish returns.
 */
export class LocalBus implements Bus {
	private readonly listeners = new Set<(event: BusEvent) => void>();
	readonly delivered = null;
	readonly healthy = true;

	publish(event: BusEvent): void {
		for (const listener of this.listeners) listener(event);
	}

	subscribe(listener: (event: BusEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	async start(): Promise<void> {}

	async close(): Promise<void> {}
}
