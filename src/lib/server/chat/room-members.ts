import { events } from '$lib/protocol/events';
import { historyPage } from '$lib/protocol/wire';
import { ServiceError, forbidden, notFound } from '../errors';
import type { Bus } from '../realtime/bus';
import type { Identity } from '../realtime/connection';
import { assertWritable, notInRoom } from './access';
import type { ChatService } from './service';
import { DEFAULT_ROOM, type Room, type RoomService } from './rooms';

/** How many messages an invitation's `room_joined` carries (a join's page). */
const INVITE_HISTORY = 50;

export interface RoomMembersDeps {
	chat: Pick<ChatService, 'isMember' | 'latestPage' | 'guestMembers'>;
	rooms: Pick<RoomService, 'require' | 'join' | 'leave' | 'isMember'>;
	/** An account by id (invitees and removed members are accounts). */
	account(id: number): Promise<{ id: number; name: string } | undefined>;
	audit: { memberRemoved(actor: Identity, userId: number, room: string): Promise<void> };
	bus: Bus;
}

/**
 * Who else is in a room (issue 15): members invite accounts in — the way into a private
 * room — and the room's creator or an admin removes them. Both go through the room's
 * ordinary membership announcements (member_joined / member_left), so every connection of
 * the person concerned subscribes or unsubscribes at once, on every process.
 */
export class RoomMembers {
	constructor(private readonly deps: RoomMembersDeps) {}

	/** `who` (a member) adds `userId`; nothing happens when they are in already. */
	async invite(who: Identity, roomName: string, userId: number): Promise<Room> {
		const room = await this.memberRoom(who, roomName);
		const invitee = await this.deps.account(userId);
		if (!invitee) throw notFound('User not found');
		if (await this.deps.rooms.isMember(invitee.id, room.id)) return room;
		await this.deps.rooms.join(room, invitee, true, await this.deps.chat.guestMembers(room));
		const page = await this.deps.chat.latestPage(room, INVITE_HISTORY);
		this.deps.bus.publish({
			kind: 'event',
			to: { user: invitee.id },
			event: events.roomJoined({
				room: room.name,
				topic: room.topic,
				history: historyPage(page.messages, page.has_more, invitee.id),
				...(room.isPrivate && { private: true as const }),
				...(room.createdBy !== null && { created_by: room.createdBy }),
				invited_by: { id: who.id, name: who.name }
			})
		});
		return room;
	}

	/**
	 * The room's creator or an admin removes a member: their connections leave the room at
	 * once (member_left unsubscribes them, then room_left), and the removal is audited.
	 */
	async remove(who: Identity, roomName: string, userId: number): Promise<Room> {
		const room = this.deps.rooms.require(roomName);
		if (room.name === DEFAULT_ROOM) throw forbidden('Nobody can be removed from general');
		const inRoom = await this.deps.chat.isMember(who, room);
		if (!inRoom && !who.isAdmin) throw notInRoom(room);
		if (room.createdBy !== who.id && !who.isAdmin)
			throw forbidden("Only the room's creator or an admin can remove members");
		if (userId === who.id) throw new ServiceError('invalid_message', 'Leave the room instead');
		const member = await this.deps.account(userId);
		if (
			!member ||
			!(await this.deps.chat.isMember({ ...member, isGuest: false } as Identity, room))
		)
			throw notFound(`Not a member of ${room.name}`);
		await this.deps.rooms.leave(room, member, true, await this.deps.chat.guestMembers(room));
		this.deps.bus.publish({
			kind: 'event',
			to: { user: member.id },
			event: events.roomLeft(room.name)
		});
		await this.deps.audit.memberRemoved(who, member.id, room.name);
		return room;
	}

	/** A room `who` is in, other than general (everyone is in general). */
	private async memberRoom(who: Identity, roomName: string): Promise<Room> {
		if (who.isGuest) throw forbidden('Guests cannot invite; log in first');
		const room = this.deps.rooms.require(roomName);
		if (!(await this.deps.chat.isMember(who, room))) throw notInRoom(room);
		if (room.name === DEFAULT_ROOM)
			throw new ServiceError('invalid_message', 'Everyone is in general');
		assertWritable(room);
		return room;
	}
}
