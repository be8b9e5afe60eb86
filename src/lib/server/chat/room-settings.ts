import { ServiceError, forbidden } from '../errors';
import type { Identity } from '../realtime/connection';
import { assertWritable, notInRoom } from './access';
import type { ChatService } from './service';
import { DEFAULT_ROOM, type Room, type RoomService } from './rooms';

export interface RoomSettingsDeps {
	chat: Pick<ChatService, 'isMember'>;
	rooms: Pick<RoomService, 'require' | 'update'>;
	audit: { roomUpdated(actor: Identity, room: string, what: string): Promise<void> };
}

export interface RoomChanges {
	topic?: string;
	isPrivate?: boolean;
	archived?: boolean;
}

/**
 * A room's settings after creation (issue 15): its topic, whether it is private, and whether
 * it is archived (read-only, out of the lists of rooms to join). Its creator or an admin
 * changes them (general: admins; it stays public and is never archived); audited.
 */
export class RoomSettings {
	constructor(private readonly deps: RoomSettingsDeps) {}

	async update(who: Identity, roomName: string, changes: RoomChanges): Promise<Room> {
		const room = this.deps.rooms.require(roomName);
		if (!who.isAdmin && !(await this.deps.chat.isMember(who, room))) throw notInRoom(room);
		if (room.createdBy !== who.id && !who.isAdmin)
			throw forbidden("Only the room's creator or an admin can change its settings");
		if (room.name === DEFAULT_ROOM && changes.isPrivate)
			throw new ServiceError('invalid_message', 'general is everyone’s room; it stays public');
		if (room.name === DEFAULT_ROOM && changes.archived)
			throw new ServiceError(
				'invalid_message',
				'general is everyone’s room; it cannot be archived'
			);
		const { topic, isPrivate, archived } = changes;
		if (topic === undefined && isPrivate === undefined && archived === undefined)
			throw new ServiceError(
				'invalid_message',
				'Nothing to change: give topic, private or archived'
			);
		// An archived room's settings are frozen with it: unarchive first (in the same frame).
		if (archived !== false && (topic !== undefined || isPrivate !== undefined))
			assertWritable(room);
		// Archiving an archived room (or unarchiving an active one) alone changes nothing.
		if (topic === undefined && isPrivate === undefined && archived === room.archived) return room;
		const updated = await this.deps.rooms.update(room, changes, who);
		const what = [
			archived !== undefined &&
				archived !== room.archived &&
				(archived ? 'archived' : 'unarchived'),
			topic !== undefined && `topic: ${updated.topic}`,
			isPrivate !== undefined && (updated.isPrivate ? 'private' : 'public')
		]
			.filter(Boolean)
			.join('; ');
		await this.deps.audit.roomUpdated(who, room.name, what);
		return updated;
	}
}
