import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { Connection } from './connection';
import { queueFrame } from './big-room-writes';

/** The slice of a `ws` socket a Connection writes through, recording what it sends. */
function fakeSocket(writeMicros = 0) {
	const sent: string[] = [];
	const socket = {
		writableCorked: 0,
		cork() {
			this.writableCorked++;
		},
		uncork() {
			this.writableCorked = 0;
		}
	};
	const ws = {
		readyState: 1,
		bufferedAmount: 0,
		_socket: socket,
		send(data: string | Buffer) {
			// A real write costs ~10 µs of kernel time; the pass is paced by what writes cost.
			const until = performance.now() + writeMicros / 1000;
			while (performance.now() < until);
			sent.push(data.toString());
		},
		close() {
			this.readyState = 2;
		},
		terminate() {}
	};
	return { ws: ws as unknown as WebSocket, sent };
}

const connection = (writeMicros = 0) => {
	const { ws, sent } = fakeSocket(writeMicros);
	return { conn: new Connection(ws, '127.0.0.1', 1 << 20), sent };
};
/** Resolves once every pass scheduled so far (and the passes they schedule) has run. */
const passesDone = async (conns: { sent: string[] }[], frames: number) => {
	while (conns.some((c) => c.sent.length < frames)) await new Promise((r) => setImmediate(r));
};

describe('big-room writes', () => {
	it('writes every queued frame to every connection, in the order queued', async () => {
		const conns = Array.from({ length: 5000 }, () => connection());
		for (const frame of ['a', 'b', 'c']) for (const c of conns) queueFrame(c.conn, frame);
		expect(conns[0].sent).toEqual([]); // nothing is written in the turn that queued
		await passesDone(conns, 3);
		for (const c of conns) expect(c.sent).toEqual(['a', 'b', 'c']);
	});

	it('a frame queued between two slices joins the queue of those not written yet', async () => {
		const conns = Array.from({ length: 5000 }, () => connection(5));
		for (const c of conns) queueFrame(c.conn, 'first');
		await new Promise((r) => setImmediate(r)); // one slice has run, not the whole pass
		const written = conns.filter((c) => c.sent.length > 0).length;
		for (const c of conns) queueFrame(c.conn, 'second');
		await passesDone(conns, 2);
		for (const c of conns) expect(c.sent).toEqual(['first', 'second']);
		// Whoever the first slice had not reached got both frames in the same slice.
		expect(written).toBeLessThan(conns.length);
	});

	it('anything sent directly goes after what is queued; a close writes the queue first', () => {
		const a = connection();
		queueFrame(a.conn, 'room message', 7);
		a.conn.send('reply');
		expect(a.sent).toEqual(['room message', 'reply']);
		expect(a.conn.lastLiveId).toBe(7);

		const b = connection();
		queueFrame(b.conn, 'last words');
		b.conn.close(1000);
		expect(b.sent).toEqual(['last words']);
	});

	it('a held connection keeps queued frames with the rest it holds, in order', () => {
		const { conn, sent } = connection();
		conn.hold();
		conn.send('held 1');
		queueFrame(conn, 'held 2', 3);
		conn.release(['missed']);
		expect(sent).toEqual(['missed', 'held 1', 'held 2']);
	});
});
