import {
	notifyScopeKey,
	type NotificationSettingRow,
	type NotificationSettingsRepository,
	type NotifyLevel,
	type NotifyScope
} from '../notifications';
import type { Sql } from './client';

interface Row {
	room_id: string | number | null;
	peer_id: string | number | null;
	level: NotifyLevel;
	muted: number;
}

const toSetting = (r: Row): NotificationSettingRow => ({
	room_id: r.room_id === null ? null : Number(r.room_id),
	peer_id: r.peer_id === null ? null : Number(r.peer_id),
	level: r.level,
	muted: r.muted === 1
});

export class PostgresNotificationSettings implements NotificationSettingsRepository {
	constructor(private readonly sql: Sql) {}

	async put(userId: number, scope: NotifyScope, level: NotifyLevel, muted: boolean, at: number) {
		await this.sql`
			INSERT INTO notification_settings (user_id, scope, room_id, peer_id, level, muted, updated_at)
			VALUES (${userId}, ${notifyScopeKey(scope)}, ${scope.roomId ?? null}::bigint,
			        ${scope.peerId ?? null}::bigint, ${level}, ${muted ? 1 : 0}, ${at})
			ON CONFLICT (user_id, scope) DO UPDATE
			  SET level = excluded.level, muted = excluded.muted, updated_at = excluded.updated_at`;
	}

	async remove(userId: number, scope: NotifyScope) {
		await this.sql`
			DELETE FROM notification_settings
			WHERE user_id = ${userId} AND scope = ${notifyScopeKey(scope)}`;
	}

	async get(userId: number, scope: NotifyScope) {
		const [row] = await this.sql<Row[]>`
			SELECT room_id, peer_id, level, muted FROM notification_settings
			WHERE user_id = ${userId} AND scope = ${notifyScopeKey(scope)}`;
		return row && toSetting(row);
	}

	async ofUser(userId: number) {
		const rows = await this.sql<Row[]>`
			SELECT room_id, peer_id, level, muted FROM notification_settings WHERE user_id = ${userId}`;
		return rows.map(toSetting);
	}
}
