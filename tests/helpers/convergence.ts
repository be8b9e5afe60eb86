import { expect } from 'vitest';
import { connect, register, type Event, type TestClient } from './client';
import { MESSAGE_TYPES, prng, received, sendAck, uniq } from './chat';
import type { TestServer } from './server';

/**
 * The convergence property of issue 11, for one server or several (the cluster suite): clients
 * send, edit, delete and react while others drop off at random points and come back — on a
 * server picked at random — with `resume {after_id: cursor}`. Every client must end with
 * exactly the state of a client that stayed connected, which must equal what a fresh client
 * reads from history. Seeded: the seed is printed on failure.
 */

const OPS = 300;
const EMOJI = ['👍', '🎉', '❤️', '👀'];

interface Shown {
	content: unknown;
	edited_at: number | null;
	reactions: Map<string, { count: number; users: Set<number> }>;
	reply_count: number;
}

/** One client's view, built only from the events it received (live and replayed). */
class Replica {
	readonly messages = new Map<number, Shown>();
	cursor = 0;
	client!: TestClient;
	private applied = 0;

	constructor(
		readonly cookie: string,
		readonly userId: number
	) {}

	/** Applies every event received since the last call, in arrival order. */
	catchUp(): void {
		const events = this.client.events;
		for (; this.applied < events.length; this.applied++) this.apply(events[this.applied]);
	}

	attach(client: TestClient): void {
		this.client = client;
		this.applied = 0;
	}

	private apply(e: Event): void {
		if (MESSAGE_TYPES.has(e.type)) {
			this.messages.set(e.id, {
				content: e.content,
				edited_at: e.edited_at ?? null,
				reactions: new Map(
					(e.reactions ?? []).map((r: { emoji: string; count: number; user_ids: number[] }) => [
						r.emoji,
						{ count: r.count, users: new Set(r.user_ids) }
					])
				),
				reply_count: e.reply_count ?? 0
			});
			if (e.thread) this.thread(e.thread);
			this.cursor = Math.max(this.cursor, e.seq ?? e.id);
			return;
		}
		const c = e.content;
		if (e.type === 'message_edited') {
			const m = this.messages.get(c.message_id);
			if (m) Object.assign(m, { content: c.content, edited_at: c.edited_at });
		} else if (e.type === 'message_deleted') {
			this.messages.delete(c.message_id);
			if (c.thread) this.thread(c.thread);
		} else if (e.type === 'reaction') {
			const m = this.messages.get(c.message_id);
			if (m) {
				const r = m.reactions.get(c.emoji) ?? { count: 0, users: new Set<number>() };
				r.count = c.count;
				if (c.on) r.users.add(c.user_id);
				else r.users.delete(c.user_id);
				if (r.count === 0) m.reactions.delete(c.emoji);
				else m.reactions.set(c.emoji, r);
			}
		} else if (e.type === 'resumed') {
			this.cursor = Math.max(this.cursor, c.last_id);
			return;
		} else {
			return;
		}
		this.cursor = Math.max(this.cursor, c.seq);
	}

	private thread(t: { root_id: number; reply_count: number }): void {
		const root = this.messages.get(t.root_id);
		if (root) root.reply_count = t.reply_count;
	}

	/** The state of messages after `since`, as comparable plain data. */
	snapshot(since: number) {
		return [...this.messages.entries()]
			.filter(([id]) => id > since)
			.sort(([a], [b]) => a - b)
			.map(([id, m]) => ({
				id,
				content: m.content,
				edited_at: m.edited_at,
				reply_count: m.reply_count,
				reactions: [...m.reactions.entries()]
					.map(([emoji, r]) => ({ emoji, count: r.count, users: [...r.users].sort() }))
					.sort((a, b) => a.emoji.localeCompare(b.emoji))
			}));
	}
}

async function join(server: TestServer, r: Replica, resumeFrom: number | null): Promise<void> {
	const client = await connect(server, { cookie: r.cookie, waitWelcome: false });
	r.attach(client);
	if (resumeFrom !== null) {
		// Sent at once, inside the resume window, as the web client does.
		client.send({ type: 'resume', after_id: resumeFrom });
		await client.next('resumed');
	} else {
		await client.next('history');
	}
}

/** Runs the property with `seed` over `servers` (the first hosts the witness). */
export async function convergence(servers: TestServer[], seed: number): Promise<void> {
	const rand = prng(seed);
	const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
	const replicas: Replica[] = [];
	for (let i = 0; i < 4; i++) {
		const { user, cookie } = await register(servers[0], uniq(`cv${i}`));
		replicas.push(new Replica(cookie, user.id));
	}
	const watcher = await register(servers[0], uniq('watch'));
	const witness = new Replica(watcher.cookie, watcher.user.id);
	await join(servers[0], witness, null);
	for (const r of replicas) await join(pick(servers), r, null);
	const start = (await sendAck(witness.client, { type: 'message', content: 'start' })).id;
	const online = new Set(replicas);
	const mine = new Map<Replica, number[]>(replicas.map((r) => [r, []]));

	try {
		for (let op = 0; op < OPS; op++) {
			witness.catchUp();
			const actor = pick([...online]);
			const known = [...witness.messages.keys()].filter((id) => id > start);
			const roll = rand();
			if (roll < 0.08 && online.size > 1) {
				// Drop off (the others keep going), to come back later with a resume.
				online.delete(actor);
				actor.catchUp();
				await actor.client.close();
				continue;
			}
			if (roll < 0.16) {
				const back = pick(replicas.filter((r) => !online.has(r)).concat(actor));
				if (!online.has(back)) {
					await join(pick(servers), back, back.cursor);
					online.add(back);
				}
				continue;
			}
			if (roll < 0.5 || known.length === 0) {
				const reply = known.length && rand() < 0.3 ? { reply_to: pick(known) } : {};
				const ack = await sendAck(actor.client, {
					type: 'message',
					content: `m${op}`,
					...reply
				}).catch(() => null); // a reply to a message deleted meanwhile is refused
				if (ack) mine.get(actor)!.push(ack.id);
			} else if (roll < 0.65 && mine.get(actor)!.length) {
				actor.client.send({
					type: 'edit_message',
					message_id: pick(mine.get(actor)!),
					content: `edited ${op}`
				});
			} else if (roll < 0.72 && mine.get(actor)!.length) {
				actor.client.send({ type: 'delete_message', message_id: pick(mine.get(actor)!) });
			} else {
				actor.client.send({
					type: 'react',
					message_id: pick(known),
					emoji: pick(EMOJI),
					on: rand() < 0.7
				});
			}
		}
		// Everyone comes back; then a fence from each client orders everything before it.
		for (const r of replicas) if (!online.has(r)) await join(pick(servers), r, r.cursor);
		for (const r of [...replicas, witness]) {
			const fence = await sendAck(r.client, { type: 'message', content: 'fence' });
			for (const other of [...replicas, witness])
				await received(other.client, (e) => e.id === fence.id);
		}
		witness.catchUp();
		const expected = witness.snapshot(start);
		for (const r of replicas) {
			r.catchUp();
			expect(r.snapshot(start), `replica of user ${r.userId}`).toEqual(expected);
		}
		// A fresh client's history is the same state.
		const fresh = new Replica(watcher.cookie, watcher.user.id);
		await join(pick(servers), fresh, null);
		fresh.client.send({ type: 'get_history', room: 'general', limit: 100 });
		await fresh.client.next('history');
		const history = fresh.client.all('history').at(-1)!.content.messages as Event[];
		const page = new Replica(watcher.cookie, watcher.user.id);
		page.attach({ events: history } as unknown as TestClient);
		page.catchUp();
		expect(page.snapshot(start)).toEqual(expected);
		await fresh.client.close();
	} catch (err) {
		console.error(`convergence failed: replay with CONVERGENCE_SEED=${seed}`);
		throw err;
	} finally {
		for (const r of [...replicas, witness]) await r.client?.close().catch(() => undefined);
	}
}
