import { register } from './client';
import { FAST, uniq } from './chat';
import { startServer, type TestServer } from './server';

export type Account = Awaited<ReturnType<typeof register>>;

/**
 * The cast of the room-rights tests (private rooms, archiving): a server and four accounts —
 * the admin (the first account registered), a room's owner, a member and an outsider — plus
 * an HTTP helper that speaks as one of them.
 */
export interface RoomCast {
	server: TestServer;
	admin: Account;
	owner: Account;
	member: Account;
	outsider: Account;
	api: (path: string, who: Account, init?: RequestInit) => Promise<Response>;
}

export async function startRoomCast(): Promise<RoomCast> {
	const server = await startServer({ ...FAST, SEARCH_PER_SEC: '1000', SEARCH_BURST: '1000' });
	const admin = await register(server, uniq('admin'));
	const [owner, member, outsider] = await Promise.all(
		['owner', 'member', 'outsider'].map((n) => register(server, uniq(n)))
	);
	const api = (path: string, who: Account, init: RequestInit = {}) =>
		fetch(`${server.url}${path}`, {
			...init,
			headers: { cookie: who.cookie, origin: server.url, 'content-type': 'application/json' }
		});
	return { server, admin, owner, member, outsider, api };
}
