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
	for (let i = 0; i < corked.length; i++) corked[i].uncork();
	corked.length = 0;
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
