import type { Event, TestClient } from './client';

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

/**
 * Pages the whole online list on `viewer` (get_users, 4 at a time) while connections open and
 * close at random around each page (`open` is kept up to date; `connectOne(k)` opens the k-th
 * newcomer). Resolves once the last page arrived and every open/close has settled.
 */
export async function pageDuringChurn(
	viewer: TestClient,
	open: TestClient[],
	random: () => number,
	connectOne: (k: number) => Promise<TestClient>
): Promise<void> {
	let after = 0;
	let newcomers = 0;
	const churn: Promise<void>[] = [];
	for (;;) {
		viewer.send({ type: 'get_users', after_id: after, limit: 4 });
		for (let i = 0; i < 3; i++) {
			if (random() < 0.5 && open.length > 0) {
				const [leaving] = open.splice(Math.floor(random() * open.length), 1);
				churn.push(leaving!.close().then(() => undefined));
			} else {
				churn.push(connectOne(newcomers++).then((c) => void open.push(c)));
			}
		}
		const page = (await viewer.next('users_page')).content;
		if (page.next_after_id === null) break;
		after = page.next_after_id;
	}
	await Promise.all(churn);
}
