import type { Connection } from './connection';

/**
 * Fan-out to a big room, written over several turns of the event loop instead of one.
 *
 * A message to a room of 10,000 is 10,000 socket writes, ~10 µs of kernel time each: one pass
 * holds the loop for ~100 ms. Written in one go, the messages committed meanwhile wait behind
 * it and then need a pass of their own, one write per member per message (the profile of
 * scenario 10: writev 43 % of the server's CPU). Here each member's frames wait in its queue
 * (Connection.queue) and a pass drains the queues a few milliseconds per turn, in the order
 * the members were first queued. Between two slices the loop reads sockets and commits; a
 * message committed then joins the queues of the members not yet written, so each of them
 * gets both in one write. Under light load a pass carries one frame per member, as before; the
 * busier the room, the more frames each write carries — batching that adds no waiting time.
 *
 * Order per connection holds: anything else sent to a connection writes its queue first.
 */

/** Rooms with at least this many connections fan out through the queues (below, in one go). */
export const SLICED_FANOUT_MIN = 1000;

/** How long one slice of a pass may hold the loop. */
const SLICE_MS = 8;

/** Connections with queued frames, oldest first; `head` is the next to write. */
let waiting: Connection[] = [];
let head = 0;
let scheduled = false;

/** Queues `data` for `conn`; a pass writes it in a later turn (see above). */
export function queueFrame(conn: Connection, data: string | Buffer, id?: number): void {
	if (!conn.queue(data, id)) return;
	waiting.push(conn);
	if (!scheduled) {
		scheduled = true;
		setImmediate(writeSlice);
	}
}

function writeSlice(): void {
	scheduled = false;
	const deadline = performance.now() + SLICE_MS;
	let written = 0;
	while (head < waiting.length) {
		waiting[head++].flushQueue();
		// The clock is read every 64 connections: a read costs about as much as a write's
		// JavaScript side.
		if ((++written & 63) === 0 && performance.now() > deadline) break;
	}
	if (head === waiting.length) {
		waiting = [];
		head = 0;
		return;
	}
	if (head > 4096) {
		waiting = waiting.slice(head);
		head = 0;
	}
	scheduled = true;
	setImmediate(writeSlice);
}
