import { events, type OnlineUser, type ServerEvent } from '$lib/protocol/events';
import { changeEvent, toWire } from '$lib/protocol/wire';
import type { StoredMessage } from '../chat/messages';
import type { ChangeRecord } from '../storage/messages';
import type { Audience, Bus, BusEvent } from './bus';
import type { Connection } from './connection';
import type { Hub } from './hub';
import { queueFrame, SLICED_FANOUT_MIN } from './big-room-writes';
import { inSlices } from './slices';

/**
 * The only code that writes to other clients' sockets: it turns each bus event into wire
 * frames for the connections of this process that should see it, and applies the event's
 * effect on them (subscriptions, identities, closes). Handlers write only direct replies to
 * the connection that asked. A broadcast is serialized once and the same bytes go to every
 * recipient; `ws` would otherwise encode the string again per socket.
 *
 * This switch answers "what does a client receive after X" for every kind of change.
 */
export class Fanout {
	constructor(
		private readonly hub: Hub,
		private readonly onDelivered?: (count: number) => void
	) {}

	/** Subscribes to `bus`; returns the unsubscribe function. */
	connect(bus: Bus): () => void {
		return bus.subscribe((event) => this.apply(event));
	}

	apply(event: BusEvent): void {
		switch (event.kind) {
			case 'message':
				return this.message(event.message);
			case 'change':
				return this.change(event.change);
			case 'room_created':
				// A private room is news to its creator only (issue 15: invisible to everyone else).
				return this.deliver(
					event.room.isPrivate ? { user: event.by.id } : { everyone: true },
					events.roomCreated(event.room, event.by)
				);
			case 'room_updated':
				// Whoever could see the room before or can now: everyone for a room that is or
				// was public (lists follow), its members for a private one.
				return this.deliver(
					event.room.isPrivate && event.wasPrivate ? { room: event.room.name } : { everyone: true },
					events.roomUpdated(event.room, event.by)
				);
			case 'member_joined':
			case 'member_left': {
				// Memberships belong to the user, so every tab follows the change (and, when it
				// joined, hears its own member_joined like the rest of the room).
				for (const conn of this.hub.connectionsOf(event.user.id)) {
					if (event.kind === 'member_joined') this.hub.subscribe(conn, event.room);
					else this.hub.unsubscribe(conn, event.room);
				}
				const member = {
					room: event.room,
					user_id: event.user.id,
					user_name: event.user.name,
					members: event.members
				};
				return this.deliver(
					{ room: event.room },
					event.kind === 'member_joined' ? events.memberJoined(member) : events.memberLeft(member)
				);
			}
			case 'message_read':
				return this.deliver({ user: event.authorId }, events.messageRead(event.payload));
			case 'event':
				return this.deliver(event.to, event.event);
			case 'presence':
				return this.presence(event);
			case 'identity':
				for (const conn of this.hub.connectionsOf(event.userId)) {
					if (event.name !== undefined) conn.identity!.name = event.name;
					if (event.isAdmin !== undefined) conn.identity!.isAdmin = event.isAdmin;
				}
				return;
			case 'mute':
				return; // for the mute books (moderation/mutes.ts); clients get `muted` events
			case 'flood_penalty':
				return; // for the gateway's upgrade check (flood-penalty.ts)
			case 'close': {
				const { of } = event;
				// Copied first: a close takes the connection out of the hub's sets.
				const targets =
					'userId' in of
						? [...this.hub.connectionsOf(of.userId)]
						: [...this.hub.connections].filter((c) => c.identity?.sessionId === of.sessionId);
				for (const conn of targets) conn.close(event.code, event.reason);
				return;
			}
		}
	}

	/** A room message goes out encoded once; a DM to both parties, each in its own form. */
	private message(m: StoredMessage): void {
		if (m.room !== null) {
			const data = Buffer.from(JSON.stringify(toWire(m)));
			this.onDelivered?.(this.toRoom(m.room, data, m.id));
			return;
		}
		let n = 0;
		const toParty = (userId: number) => {
			const data = JSON.stringify(toWire(m, userId));
			for (const conn of this.hub.connectionsOf(userId)) {
				conn.sendMessage(data, m.id);
				n++;
			}
		};
		toParty(m.senderId);
		if (m.recipientId !== null && m.recipientId !== m.senderId) toParty(m.recipientId);
		this.onDelivered?.(n);
	}

	/** A change goes where its message went: the room encoded once, a DM per party. */
	private change(c: ChangeRecord): void {
		if (c.room !== null) {
			this.toRoom(c.room, Buffer.from(JSON.stringify(changeEvent(c, 0))), c.seq);
			return;
		}
		for (const party of new Set([c.partyA, c.partyB])) {
			if (party === null) continue;
			const data = JSON.stringify(changeEvent(c, party));
			for (const conn of this.hub.connectionsOf(party)) conn.sendMessage(data, c.seq);
		}
	}

	/**
	 * A room's message or change to every connection in it: at once in a room of ordinary
	 * size, over several turns in a big one (big-room-writes.ts). Returns how many it went to.
	 */
	private toRoom(room: string, data: Buffer, id: number): number {
		const conns = this.hub.roomConnections(room);
		if (conns.size < SLICED_FANOUT_MIN) {
			for (const conn of conns) conn.sendMessage(data, id);
		} else {
			for (const conn of conns) queueFrame(conn, data, id);
		}
		return conns.size;
	}

	/**
	 * Coalesced presence: everyone gets the count; those watching everything get every change,
	 * those watching some users the changes of those (docs/protocol.md, "Large communities").
	 * Three kinds of frame at most per event, plus one per connection whose watched users changed.
	 */
	private presence(p: Extract<BusEvent, { kind: 'presence' }>): void {
		const users_online = p.usersOnline;
		const count = Buffer.from(JSON.stringify(events.presence({ users_online })));
		const everything =
			p.online.length + p.offline.length > 0
				? Buffer.from(
						JSON.stringify(events.presence({ users_online, online: p.online, offline: p.offline }))
					)
				: count;
		const some = new Map<Connection, { online: OnlineUser[]; offline: number[] }>();
		const pick = (id: number) => {
			const picked: { online: OnlineUser[]; offline: number[] }[] = [];
			for (const conn of this.hub.watchersOf(id)) {
				if (this.hub.watchesAll(conn)) continue;
				let mine = some.get(conn);
				if (!mine) some.set(conn, (mine = { online: [], offline: [] }));
				picked.push(mine);
			}
			return picked;
		};
		for (const user of p.online) for (const mine of pick(user.id)) mine.online.push(user);
		for (const id of p.offline) for (const mine of pick(id)) mine.offline.push(id);
		inSlices([...this.hub.identifiedConnections()], PRESENCE_SLICE, (conn) => {
			const mine = some.get(conn);
			if (this.hub.watchesAll(conn)) conn.send(everything);
			else if (mine) conn.send(JSON.stringify(events.presence({ users_online, ...mine })));
			else conn.send(count);
		});
	}

	/** Plain loops, not a generator: `join`/`leave` go to everyone online, per connect. */
	private deliver(to: Audience, event: ServerEvent): void {
		const data = Buffer.from(JSON.stringify(event));
		if ('room' in to) {
			for (const conn of this.hub.roomConnections(to.room))
				if (conn.identity?.id !== to.except) conn.send(data);
		} else if ('user' in to) {
			for (const conn of this.hub.connectionsOf(to.user)) conn.send(data);
		} else if ('users' in to) {
			for (const id of new Set(to.users))
				for (const conn of this.hub.connectionsOf(id)) conn.send(data);
		} else {
			for (const conn of this.hub.identifiedConnections())
				if (conn.identity!.id !== to.except) conn.send(data);
		}
	}
}

/**
 * Connections a presence flush writes to per turn of the event loop. The flush goes to every
 * connection, and 10,000 frames in one turn held everything else up for ~250 ms each second
 * (the chat beside a connect storm, docs/performance.md); a turn between slices lets the
 * chat's commits and socket reads in. The frames carry the state at sending time, and the
 * next flush is PRESENCE_FLUSH_MS away, so a slice sent a few milliseconds later is no older.
 */
const PRESENCE_SLICE = 1000;
