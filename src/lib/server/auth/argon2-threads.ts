import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Argon2 on threads of our own at the lowest CPU priority (nice 19).
 *
 * @node-rs/argon2's async functions run on libuv's thread pool at the same priority as the
 * event loop. When the server has one core (bench: pinned; small VPS: the usual), two hashing
 * threads take two thirds of it from the event loop for as long as a login storm lasts, and
 * the chat's p99 went to 0.4–1.4 s (docs/performance.md, scenario 11). On Linux the nice
 * value is per thread, so a worker that lowers its own priority gives the event loop first
 * call on the CPU: argon2 then runs on what chat leaves, which is the trade we want (a login
 * may wait; a message may not). With spare cores it makes no difference.
 *
 * How many run at once is the AuthService's WorkQueue's business (ARGON2_CONCURRENCY); this
 * module starts a thread when all of its threads are busy, so it never holds more threads
 * than that queue lets through at once.
 */

type Job =
	| { op: 'hash'; password: string; options: object }
	| { op: 'verify'; hash: string; password: string };

interface Pending {
	resolve: (value: unknown) => void;
	reject: (err: Error) => void;
}

// CommonJS, evaluated in the worker: `require` of the path resolved here, so it works from the
// built server, Vite's dev server and tests alike without a separate worker bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
try { require('node:os').setPriority(0, 19); } catch {}
const argon2 = require(workerData.argon2Path);
parentPort.on('message', ({ id, job }) => {
	try {
		const result = job.op === 'hash'
			? argon2.hashSync(job.password, job.options)
			: argon2.verifySync(job.hash, job.password);
		parentPort.postMessage({ id, result });
	} catch (err) {
		parentPort.postMessage({ id, error: String((err && err.message) || err) });
	}
});
`;

const argon2Path = createRequire(import.meta.url).resolve('@node-rs/argon2');

class Argon2Thread {
	private readonly worker: Worker;
	private readonly pending = new Map<number, Pending>();
	private nextId = 1;
	dead = false;

	constructor() {
		this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { argon2Path } });
		// Idle threads must not keep the process alive (tests, scripts, shutdown).
		this.worker.unref();
		this.worker.on('message', ({ id, result, error }) => {
			const p = this.pending.get(id);
			if (!p) return;
			this.pending.delete(id);
			if (this.pending.size === 0) this.worker.unref();
			if (error !== undefined) p.reject(new Error(error));
			else p.resolve(result);
		});
		const fail = (err: Error) => {
			this.dead = true;
			for (const p of this.pending.values()) p.reject(err);
			this.pending.clear();
		};
		this.worker.on('error', fail);
		this.worker.on('exit', (code) => fail(new Error(`argon2 thread exited (${code})`)));
	}

	get busy(): boolean {
		return this.pending.size > 0;
	}

	run(job: Job): Promise<unknown> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			// While a job runs the thread must keep the process up to answer it.
			this.worker.ref();
			this.worker.postMessage({ id, job });
		});
	}
}

const threads: Argon2Thread[] = [];

function idleThread(): Argon2Thread {
	for (let i = threads.length - 1; i >= 0; i--) if (threads[i].dead) threads.splice(i, 1);
	const idle = threads.find((t) => !t.busy);
	if (idle) return idle;
	const t = new Argon2Thread();
	threads.push(t);
	return t;
}

export async function hashOnThread(password: string, options: object): Promise<string> {
	return String(await idleThread().run({ op: 'hash', password, options }));
}

export async function verifyOnThread(hash: string, password: string): Promise<boolean> {
	return (await idleThread().run({ op: 'verify', hash, password })) === true;
}
