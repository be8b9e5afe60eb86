import type { AdminStats, AdminUser } from '$lib/protocol/admin';
import type { App } from '../app';

/**
 * Read-only views for the admin panel: the user list with live state and the server
 * figures. Changes go through ModerationService; nothing here writes.
 */

/** Accounts (and online guests) whose username or name contains `q`, online ones first. */
export async function listUsers(app: App, q: string, limit = 200): Promise<AdminUser[]> {
	const rows = await app.storage.overview.accounts(q, limit);
	// Every process's users and connections when presence is shared.
	const [users, counts] = await Promise.all([
		app.online.onlineUsers(),
		app.online.connectionCounts()
	]);
	const byId = new Map(users.map((u) => [u.id, u]));
	const count = (id: number) => counts.get(id) ?? 0;
	const list: AdminUser[] = rows.map((r) => {
		const mute = app.moderation.muteOf(r.id);
		const online = byId.get(r.id);
		return {
			id: r.id,
			username: r.username,
			name: online?.name ?? r.name,
			is_admin: r.role === 'admin',
			is_guest: false,
			online: !!online,
			connections: count(r.id),
			created_at: r.created_at,
			muted_until: mute?.until ?? null,
			mute_reason: mute ? mute.reason : null,
			banned: r.banned_at !== null,
			banned_at: r.banned_at,
			ban_reason: r.ban_reason
		};
	});
	const needle = q.toLowerCase();
	for (const u of users) {
		if (!u.is_guest || !u.name.toLowerCase().includes(needle)) continue;
		const mute = app.moderation.muteOf(u.id);
		list.push({
			id: u.id,
			username: null,
			name: u.name,
			is_admin: false,
			is_guest: true,
			online: true,
			connections: count(u.id),
			created_at: null,
			muted_until: mute?.until ?? null,
			mute_reason: mute ? mute.reason : null,
			banned: false,
			banned_at: null,
			ban_reason: null
		});
	}
	// Online first: those are the ones an admin usually needs right now.
	return list.sort((a, b) => Number(b.online) - Number(a.online));
}

export async function adminStats(app: App): Promise<AdminStats> {
	const counts = await app.storage.overview.counts(app.moderation.now());
	const base = await app.stats.snapshot();
	return {
		users_online: base.users_online,
		connections: base.connections,
		messages_last_hour: counts.messagesLastHour,
		total_messages: base.total_messages,
		uptime_seconds: base.uptime_seconds,
		server_time: base.server_time,
		accounts: counts.accounts,
		admins: counts.admins,
		muted: counts.muted,
		banned: counts.banned
	};
}
