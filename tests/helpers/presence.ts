import type { Event } from './client';

export type OnlineUser = { id: number; name: string };

/** The people list a client keeps: `users`/pages replace or fill it, presence changes patch it. */
export class PeopleList {
	readonly ids = new Set<number>();
	count = 0;
	apply(e: Event): void {
		if (e.type === 'users') {
			this.ids.clear();
			for (const u of e.content as OnlineUser[]) this.ids.add(u.id);
		} else if (e.type === 'users_page') {
			for (const u of e.content.users as OnlineUser[]) this.ids.add(u.id);
			this.count = e.content.users_online;
		} else if (e.type === 'presence') {
			for (const u of (e.content.online ?? []) as OnlineUser[]) this.ids.add(u.id);
			for (const id of (e.content.offline ?? []) as number[]) this.ids.delete(id);
			this.count = e.content.users_online;
		} else if (e.type === 'join') {
			this.ids.add(e.content.user_id);
			this.count = e.content.users_online;
		} else if (e.type === 'leave') {
			this.ids.delete(e.content.user_id);
			this.count = e.content.users_online;
		}
	}
}
