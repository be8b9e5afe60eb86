import type { Socket } from 'node:net';

/**
 * Coalesces the frames bound for one socket within one turn of the event loop into one
 * write. Loopback TCP costs ~10 µs of kernel time per write, which dominates fan-out; a
 * group commit publishes a whole batch of messages in one turn, so corking the socket for
 * that turn turns N frames into one writev. The uncork runs on process.nextTick, right
 * after the current task: no timer, so no added latency beyond the work already queued.
 */
const corked: Socket[] = [];
let scheduled = false;

function uncorkAll(): void {
	scheduled = false;
	// Take the list first: a socket corked again while these uncork (a write callback that
	// sends) belongs to the next round, and must not be dropped from the list still corked.
	const sockets = corked.splice(0);
	for (let i = 0; i < sockets.length; i++) sockets[i].uncork();
}

/** Corks `socket` until the end of the current task (at most once per task). */
export function batchWrites(socket: Socket): void {
	if (socket.writableCorked > 0) return;
	socket.cork();
	corked.push(socket);
	if (!scheduled) {
		scheduled = true;
		process.nextTick(uncorkAll);
	}
}
