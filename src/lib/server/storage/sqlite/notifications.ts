import type { Database, Statement } from 'better-sqlite3';
import {
	notificationSettingFromRow,
	notifyScopeKey,
	type NotificationSettingDbRow,
	type NotificationSettingsRepository,
	type NotifyLevel,
	type NotifyScope
} from '../notifications';

export class SqliteNotificationSettings implements NotificationSettingsRepository {
	private readonly putStmt: Statement;
	private readonly removeStmt: Statement;
	private readonly getStmt: Statement;
	private readonly ofUserStmt: Statement;
	private readonly silencedStmt: Statement;

	constructor(sqlite: Database) {
		this.putStmt = sqlite.prepare(
			`INSERT INTO notification_settings (user_id, scope, room_id, peer_id, level, muted, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (user_id, scope) DO UPDATE
			   SET level = excluded.level, muted = excluded.muted, updated_at = excluded.updated_at`
		);
		this.removeStmt = sqlite.prepare(
			`DELETE FROM notification_settings WHERE user_id = ? AND scope = ?`
		);
		this.getStmt = sqlite.prepare(
			`SELECT room_id, peer_id, level, muted FROM notification_settings
			 WHERE user_id = ? AND scope = ?`
		);
		this.ofUserStmt = sqlite.prepare(
			`SELECT room_id, peer_id, level, muted FROM notification_settings WHERE user_id = ?`
		);
		this.silencedStmt = sqlite
			.prepare(
				`SELECT user_id FROM notification_settings
				 WHERE scope = ? AND (level = 'nothing' OR muted = 1)`
			)
			.pluck();
	}

	async silencedIn(roomId: number): Promise<number[]> {
		return this.silencedStmt.all(notifyScopeKey({ roomId })) as number[];
	}

	async put(userId: number, scope: NotifyScope, level: NotifyLevel, muted: boolean, at: number) {
		this.putStmt.run(
			userId,
			notifyScopeKey(scope),
			scope.roomId ?? null,
			scope.peerId ?? null,
			level,
			muted ? 1 : 0,
			at
		);
	}

	async remove(userId: number, scope: NotifyScope) {
		this.removeStmt.run(userId, notifyScopeKey(scope));
	}

	async get(userId: number, scope: NotifyScope) {
		const row = this.getStmt.get(userId, notifyScopeKey(scope)) as
			NotificationSettingDbRow | undefined;
		return row && notificationSettingFromRow(row);
	}

	async ofUser(userId: number) {
		return (this.ofUserStmt.all(userId) as NotificationSettingDbRow[]).map(
			notificationSettingFromRow
		);
	}
}
