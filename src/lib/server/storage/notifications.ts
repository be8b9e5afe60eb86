/** How much a conversation may notify: every message, only mentions of the user, or nothing. */
export type NotifyLevel = 'all' | 'mentions' | 'nothing';

/** Where a setting applies: a room, or the conversation with one peer (like a read marker). */
export type NotifyScope =
	{ roomId: number; peerId?: undefined } | { peerId: number; roomId?: undefined };

/** One stored setting of a user: its place (room id or peer id), level and mute. */
export interface NotificationSettingRow {
	room_id: number | null;
	peer_id: number | null;
	level: NotifyLevel;
	muted: boolean;
}

/**
 * Notification settings (docs/protocol.md, "Notification settings"): one row per (user, room
 * or conversation) that was set; a conversation without one has the defaults.
 */
export interface NotificationSettingsRepository {
	/** Stores the setting (replacing the one there was). */
	put(
		userId: number,
		scope: NotifyScope,
		level: NotifyLevel,
		muted: boolean,
		at: number
	): Promise<void>;
	/** Removes the setting (back to the defaults). */
	remove(userId: number, scope: NotifyScope): Promise<void>;
	/** One setting, or undefined when the conversation has the defaults. */
	get(userId: number, scope: NotifyScope): Promise<NotificationSettingRow | undefined>;
	/** Every setting of a user (a few per conversation the user changed). */
	ofUser(userId: number): Promise<NotificationSettingRow[]>;
	/** Accounts whose setting for the room is "nothing" or muted (an `@room` passes them by). */
	silencedIn(roomId: number): Promise<number[]>;
}

/** A setting's scope key: 'r:<roomId>' or 'u:<peerId>' (as read_markers). */
export function notifyScopeKey(scope: NotifyScope): string {
	return scope.roomId !== undefined ? `r:${scope.roomId}` : `u:${scope.peerId}`;
}

/** A notification_settings row as both implementations read it (bigints may come as strings). */
export interface NotificationSettingDbRow {
	room_id: string | number | null;
	peer_id: string | number | null;
	level: NotifyLevel;
	muted: number;
}

export function notificationSettingFromRow(r: NotificationSettingDbRow): NotificationSettingRow {
	return {
		room_id: r.room_id === null ? null : Number(r.room_id),
		peer_id: r.peer_id === null ? null : Number(r.peer_id),
		level: r.level,
		muted: Number(r.muted) === 1
	};
}
