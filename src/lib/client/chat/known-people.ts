import { SvelteMap } from 'svelte/reactivity';

export interface KnownPerson {
	id: number;
	name: string;
	/** The @username, once something named it (messages, the online list, the directory). */
	username?: string;
}

/**
 * Everyone the page has heard of, by id: authors of the messages it holds and people who
 * reacted. Reaction tooltips name people from here (a reaction carries only ids), and the
 * mention suggestions take usernames from here.
 */
export class KnownPeople {
	private readonly people = new SvelteMap<number, KnownPerson>();

	learn(id: number, name: string, username?: string | null): void {
		if (!id || !name) return;
		const held = this.people.get(id);
		const nextUsername = username ?? held?.username;
		if (held && held.name === name && held.username === nextUsername) return;
		this.people.set(id, { id, name, ...(nextUsername ? { username: nextUsername } : {}) });
	}

	get(id: number): KnownPerson | undefined {
		return this.people.get(id);
	}
}
