import type { KeyValue } from './outbox';

/**
 * Conversation addresses: `/r/<room>` for a room, `/dm/<username>` for a direct conversation,
 * `/` for "the last one I had open". Pure functions, shared by the chat shell and its tests.
 */
export type Address =
	| { kind: 'home' }
	| { kind: 'room'; name: string }
	| { kind: 'dm'; username: string }
	| { kind: 'other' };

export const HOME_ROOM = 'general';

export function roomPath(name: string): string {
	return `/r/${encodeURIComponent(name)}`;
}

export function dmPath(username: string): string {
	return `/dm/${encodeURIComponent(username)}`;
}

/** What a path inside the chat app points at. */
export function parseAddress(pathname: string): Address {
	if (pathname === '/' || pathname === '') return { kind: 'home' };
	const m = /^\/(r|dm)\/([^/]+)\/?$/.exec(pathname);
	if (!m) return { kind: 'other' };
	let name: string;
	try {
		name = decodeURIComponent(m[2]);
	} catch {
		return { kind: 'other' };
	}
	return m[1] === 'r' ? { kind: 'room', name } : { kind: 'dm', username: name };
}

/**
 * The conversation last opened in this browser, per account (two people sharing a browser do
 * not land in each other's DMs). Only paths that parse as a conversation are returned.
 */
export class LastConversation {
	private readonly key: string;

	constructor(
		private readonly storage: KeyValue | null,
		userId: number
	) {
		this.key = `chat:last:${userId}`;
	}

	get(): string | null {
		let path: string | null = null;
		try {
			path = this.storage?.getItem(this.key) ?? null;
		} catch {
			return null;
		}
		const kind = path ? parseAddress(path).kind : 'other';
		return kind === 'room' || kind === 'dm' ? path : null;
	}

	set(path: string): void {
		try {
			this.storage?.setItem(this.key, path);
		} catch {
			// Storage full or disabled: `/` then opens general.
		}
	}
}
