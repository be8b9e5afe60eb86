import type { App } from '$lib/server/app';

/** Live display names of the accounts online now (guests are not in the directory). */
export function onlineAccounts(app: App): Map<number, string> {
	const online = new Map<number, string>();
	for (const u of app.hub.onlineUsers()) if (!u.is_guest) online.set(u.id, u.name);
	return online;
}
