// Child processes (servers and load generators) still running, killed if the runner itself
// stops or is interrupted, so that no server is left holding a CPU.

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

/** @param {import('node:child_process').ChildProcess} child */
export function track(child) {
	children.add(child);
	child.on('exit', () => children.delete(child));
}

export function killChildren() {
	for (const child of children) child.kill('SIGKILL');
}
