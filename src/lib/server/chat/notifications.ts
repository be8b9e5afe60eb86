import { events, type NotificationsContent } from '$lib/protocol/events';
import type { DirectSummary, NotifySetting, RoomSummary } from '$lib/protocol/payloads';
import { forbidden, notFound } from '../errors';
import type { Bus } from '../realtime/bus';
import type { Identity } from '../realtime/connection';
import type {
	NotificationSettingsRepository,
	NotifyLevel,
	NotifyScope
} from '../storage/notifications';
import { notInRoom } from './access';
import type { Room } from './rooms';

/**
 * The defaults of a conversation without a stored setting (docs/protocol.md, "Notification
 * settings"): as Slack and Mattermost, a room notifies for mentions only and a direct
 * conversation for every message; nothing is muted.
 */
export const ROOM_DEFAULT: NotifySetting = { level: 'mentions', muted: false };
export const DM_DEFAULT: NotifySetting = { level: 'all', muted: false };

/** A change as `set_notifications` and `PUT /api/me/notifications` carry it. */
export interface NotifyChange {
	room?: string;
	with?: number;
	level?: NotifyLevel;
	muted?: boolean;
}

export interface NotificationDeps {
	settings: NotificationSettingsRepository;
	bus: Bus;
	rooms: { require(name: string): Room; getById(id: number): Room | undefined };
	isMember(who: Identity, room: Room): Promise<boolean>;
	/** An account exists with this id (a DM peer). */
	accountExists(id: number): Promise<boolean>;
	now?: () => number;
}

/**
 * Per-account, per-conversation notification levels and mutes, stored so that every device
 * follows: a change is answered with `notifications` on all of the user's connections, and
 * the room and DM summaries carry `notify` where a conversation has a setting.
 */
export class NotificationSettings {
	constructor(private readonly deps: NotificationDeps) {}

	/** Stores a change (fields left out keep their value) and tells every connection of the user. */
	async set(who: Identity, change: NotifyChange): Promise<NotificationsContent> {
		if (who.isGuest) throw forbidden('Guests have no stored notification settings');
		const { scope, place, fallback } = await this.place(who, change);
		const current = (await this.deps.settings.get(who.id, scope)) ?? fallback;
		const next: NotifySetting = {
			level: change.level ?? current.level,
			muted: change.muted ?? current.muted
		};
		// The defaults are no row at all: summaries then say nothing.
		if (next.level === fallback.level && next.muted === fallback.muted) {
			await this.deps.settings.remove(who.id, scope);
		} else {
			const at = this.deps.now?.() ?? Math.floor(Date.now() / 1000);
			await this.deps.settings.put(who.id, scope, next.level, next.muted, at);
		}
		const content: NotificationsContent = { ...place, ...next };
		this.deps.bus.publish({
			kind: 'event',
			to: { user: who.id },
			event: events.notifications(content)
		});
		return content;
	}

	/** Room summaries with `notify` on the rooms the user has a setting for. */
	async decorateRooms<T extends RoomSummary>(who: Identity | null, rooms: T[]): Promise<T[]> {
		if (!who || who.isGuest) return rooms;
		const byName = new Map<string, NotifySetting>();
		for (const row of await this.deps.settings.ofUser(who.id)) {
			const room = row.room_id !== null ? this.deps.rooms.getById(row.room_id) : undefined;
			if (room) byName.set(room.name, { level: row.level, muted: row.muted });
		}
		if (byName.size === 0) return rooms;
		return rooms.map((r) => (byName.has(r.name) ? { ...r, notify: byName.get(r.name) } : r));
	}

	/** DM summaries with `notify` on the conversations the user has a setting for. */
	async decorateDirects(userId: number, directs: DirectSummary[]): Promise<DirectSummary[]> {
		const byPeer = new Map<number, NotifySetting>();
		for (const row of await this.deps.settings.ofUser(userId)) {
			if (row.peer_id !== null) byPeer.set(row.peer_id, { level: row.level, muted: row.muted });
		}
		if (byPeer.size === 0) return directs;
		return directs.map((d) =>
			byPeer.has(d.peer_id) ? { ...d, notify: byPeer.get(d.peer_id) } : d
		);
	}

	private async place(who: Identity, change: NotifyChange) {
		if (change.room !== undefined) {
			const room = this.deps.rooms.require(change.room);
			// Outside a private room it is not_found, as everywhere (nothing tells it exists).
			if (!(await this.deps.isMember(who, room))) throw notInRoom(room);
			const scope: NotifyScope = { roomId: room.id };
			return { scope, place: { room: room.name }, fallback: ROOM_DEFAULT };
		}
		const peer = change.with!;
		if (!(await this.deps.accountExists(peer))) throw notFound('User not found');
		const scope: NotifyScope = { peerId: peer };
		return { scope, place: { with: peer }, fallback: DM_DEFAULT };
	}
}
