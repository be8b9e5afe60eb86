import { SvelteSet } from 'svelte/reactivity';
import type { DirectoryPage, DirectoryUser } from '$lib/protocol/directory';
import { profiles } from './profiles.svelte';

/**
 * People beyond who is online: the directory (`GET /api/users`), the profile card that a
 * name opens, and which ids are admins (a badge comes from `is_admin`, never from a name).
 * One instance per page (`people` below); components read it directly.
 */
export class People {
	/** The profile card shows this user; null when closed. */
	profileId = $state<number | null>(null);
	/** Admins learned from the directory and profile lookups (the online list says it too). */
	readonly admins = new SvelteSet<number>();

	showProfile(id: number): void {
		this.profileId = id;
	}

	learn(users: DirectoryUser[]): void {
		for (const u of users) {
			if (u.is_admin) this.admins.add(u.id);
			else this.admins.delete(u.id);
			if (u.avatar_url !== undefined) profiles.learn(u.id, u);
		}
	}

	async search(q: string, offset = 0, limit = 30): Promise<DirectoryPage> {
		const query = `q=${encodeURIComponent(q)}&offset=${offset}&limit=${limit}`;
		const res = await fetch(`/api/users?${query}`);
		if (!res.ok) throw new Error(`directory: ${res.status}`);
		const page = (await res.json()) as DirectoryPage;
		this.learn(page.users);
		return page;
	}

	async lookup(id: number): Promise<DirectoryUser | null> {
		const res = await fetch(`/api/users/${id}`);
		if (res.status === 404) return null;
		if (!res.ok) throw new Error(`profile: ${res.status}`);
		const user = (await res.json()) as DirectoryUser;
		this.learn([user]);
		return user;
	}
}

export const people = new People();
