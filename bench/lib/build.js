// The runner builds the SvelteKit app itself, once, and starts every server with SKIP_BUILD=1.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { log } from './log.js';
import { ROOT } from './paths.js';

function newestMtime(/** @type {string} */ dir) {
	let max = 0;
	/** @type {string[]} */
	const stack = [dir];
	let seen = 0;
	while (stack.length && seen++ < 100_000) {
		const d = /** @type {string} */ (stack.pop());
		for (const e of readdirSync(d, { withFileTypes: true })) {
			const p = path.join(d, e.name);
			if (e.isDirectory()) stack.push(p);
			else max = Math.max(max, statSync(p).mtimeMs);
		}
	}
	return max;
}

/**
 * Builds the SvelteKit app once when its sources are newer than build/ (what server.js would do at every start).
 * @param {import('./options.js').Options} opts
 */
export function ensureBuild(opts) {
	const built = path.join(ROOT, 'build/handler.js');
	const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
	const sources = Math.max(
		newestMtime(path.join(ROOT, 'src')),
		statSync(path.join(ROOT, 'package.json')).mtimeMs
	);
	if (builtAt > sources) return 'up to date';
	if (!opts.build) return builtAt ? 'stale (--no-build)' : 'missing (--no-build)';
	log(builtAt ? 'sources changed since the last build; building…' : 'no build yet; building…');
	const t0 = Date.now();
	const res = spawnSync(
		process.execPath,
		[path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'],
		{
			cwd: ROOT,
			stdio: ['ignore', opts.verbose ? 'inherit' : 'ignore', 'inherit'],
			timeout: 600_000
		}
	);
	if (res.status !== 0) throw new Error(`vite build failed (exit ${res.status})`);
	return `built in ${Math.round((Date.now() - t0) / 1000)} s`;
}
