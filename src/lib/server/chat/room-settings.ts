import { ServiceError, forbidden } from '../errors';
import type { Identity } from '../realtime/connection';
import { notInRoom } from './access';
import type { ChatService } from './service';
import { DEFAULT_ROOM, type Room, type RoomService } from './rooms';

export interface RoomSettingsDeps {
	chat: Pick<ChatService, 'isMember'>;
	rooms: Pick<RoomService, 'require' | 'update'>;
	audit: { roomUpdated(actor: Identity, room: string, what: string): Promise<void> };
}

/**
 * A room's settings after creation (issue 15): its topic, and whether it is private. Its
 * creator or an admin changes them (general: admins, and it stays public); audited.
 */
export class RoomSettings {
	constructor(private readonly deps: RoomSettingsDeps) {}

	async update(
		who: Identity,
		roomName: string,
		changes: { topic?: string; isPrivate?: boolean }
	): Promise<Room> {
		const room = this.deps.rooms.require(roomName);
		if (!who.isAdmin && !(await this.deps.chat.isMember(who, room))) throw notInRoom(room);
		if (room.createdBy !== who.id && !who.isAdmin)
			throw forbidden("Only the room's creator or an admin can change its settings");
		if (room.name === DEFAULT_ROOM && changes.isPrivate)
			throw new ServiceError('invalid_message', 'general is everyone’s room; it stays public');
		if (changes.topic === undefined && changes.isPrivate === undefined)
			throw new ServiceError('invalid_message', 'Nothing to change: give topic or private');
		const updated = await this.deps.rooms.update(room, changes, who);
		const what = [
			changes.topic !== undefined && `topic: ${updated.topic}`,
			changes.isPrivate !== undefined && (updated.isPrivate ? 'private' : 'public')
		]
			.filter(Boolean)
			.join('; ');
		await this.deps.audit.roomUpdated(who, room.name, what);
		return updated;
	}
}
