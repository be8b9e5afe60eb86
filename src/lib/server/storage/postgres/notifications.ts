import {
	notificationSettingFromRow,
	notifyScopeKey,
	type NotificationSettingDbRow,
	type NotificationSettingsRepository,
	type NotifyLevel,
	type NotifyScope
} from '../notifications';
import type { Sql } from './client';
import { groupedBy, TurnBatch } from '../../shared/turn-batch';

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
		const [row] = await this.sql<NotificationSettingDbRow[]>`
			SELECT room_id, peer_id, level, muted FROM notification_settings
			WHERE user_id = ${userId} AND scope = ${notifyScopeKey(scope)}`;
		return row && notificationSettingFromRow(row);
	}

	async silencedIn(roomId: number): Promise<number[]> {
		const rows = await this.sql<{ user_id: string | number }[]>`
			SELECT user_id FROM notification_settings
			WHERE scope = ${notifyScopeKey({ roomId })} AND (level = 'nothing' OR muted = 1)`;
		return rows.map((r) => Number(r.user_id));
	}

	/** A user's settings: a connect storm's sequences read them batched. */
	private readonly settingsOf = new TurnBatch(async (userIds: number[]) => {
		const rows = await this.sql<(NotificationSettingDbRow & { user_id: number })[]>`
			SELECT user_id, room_id, peer_id, level, muted FROM notification_settings
			WHERE user_id = ANY(${userIds}::bigint[])`;
		return groupedBy(userIds, rows, (r) => r.user_id).map((group) =>
			group.map(notificationSettingFromRow)
		);
	});

	ofUser(userId: number) {
		return this.settingsOf.request(userId);
	}
}
