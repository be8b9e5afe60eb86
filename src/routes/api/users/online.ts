import type { App } from '$lib/server/app';

/** Live display names of the accounts online now (guests are not in the directory). */
export async function onlineAccounts(app: App): Promise<Map<number, string>> {
	const online = new Map<number, string>();
	for (const u of await app.online.onlineUsers()) if (!u.is_guest) online.set(u.id, u.name);
	return online;
}
