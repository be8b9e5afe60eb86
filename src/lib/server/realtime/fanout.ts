import { systemEvent } from '$lib/protocol/events';
import { toWire } from '../chat/messages';
import type { Bus } from './bus';
import type { Hub } from './hub';

/**
 * Turns committed bus events into wire events for the connections that should see them.
 * A room message is serialized once and the same string goes to every subscriber.
 */
export function connectFanout(
	bus: Bus,
	hub: Hub,
	onDelivered?: (count: number) => void
): () => void {
	return bus.subscribe((event) => {
		switch (event.kind) {
			case 'message': {
				const m = event.message;
				if (m.room !== null) {
					// Encoded once; every subscriber gets the same bytes.
					const data = Buffer.from(JSON.stringify(toWire(m)));
					let n = 0;
					for (const conn of hub.roomConnections(m.room)) {
						conn.sendMessage(data, m.id);
						n++;
					}
					onDelivered?.(n);
					return;
				}
				// A DM goes to every connection of both parties, each in its own form.
				let n = 0;
				const toParty = (userId: number) => {
					const data = JSON.stringify(toWire(m, userId));
					for (const conn of hub.connectionsOf(userId)) {
						conn.sendMessage(data, m.id);
						n++;
					}
				};
				toParty(m.senderId);
				if (m.recipientId !== null && m.recipientId !== m.senderId) toParty(m.recipientId);
				onDelivered?.(n);
				return;
			}
			case 'room_created': {
				const data = {
					room: event.room.name,
					name: event.room.name,
					topic: event.room.topic,
					created_by: event.by.id
				};
				hub.toAll(
					JSON.stringify({
						...systemEvent('room_created', data),
						from_id: event.by.id,
						from_name: event.by.name
					})
				);
				return;
			}
			case 'member_joined':
			case 'member_left': {
				// Memberships belong to the user, so every tab follows the change.
				for (const conn of hub.connectionsOf(event.user.id)) {
					if (event.kind === 'member_joined') hub.subscribe(conn, event.room);
					else hub.unsubscribe(conn, event.room);
				}
				const data = {
					room: event.room,
					user_id: event.user.id,
					user_name: event.user.name,
					members: event.members
				};
				const payload = JSON.stringify({
					...systemEvent(event.kind, data),
					from_id: event.user.id,
					from_name: event.user.name
				});
				hub.toRoom(event.room, payload);
				return;
			}
			case 'message_read':
				hub.toUser(event.authorId, JSON.stringify(systemEvent('message_read', event.payload)));
				return;
		}
	});
}
