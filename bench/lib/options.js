// The runner's command line. The usage text is the comment block at the top of bench/run.js
// (printed by --help), so the two cannot drift apart.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH } from './paths.js';

/** @typedef {ReturnType<typeof parseOptions>} Options */

/** @param {string[]} argv */
export function parseOptions(argv) {
	const o = {
		smoke: false,
		/** @type {number[]} */ scenarios: [],
		/** @type {number | null} */ duration: null,
		target: 'both',
		quietWait: 60,
		build: true,
		serverNodeArgs: /** @type {string[]} */ ([]),
		s3Rates: [
			1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20, 24, 28, 32, 36, 40, 48, 56, 64, 72, 80, 96,
			112, 128
		],
		s4Connections: 10_000,
		s4Users: 200,
		s4ConnectTimeout: 900,
		s5Window: 16,
		s6Rows: 1_000_000,
		s8Processes: 2,
		s9Connections: 10_000,
		s9Window: 20,
		/** where scenarios 9 and 12 keep the community: 'sqlite' or 'postgres' (+ Redis) */
		backend: 'sqlite',
		/** @type {string | undefined} */ pgUrl: undefined,
		/** @type {string | undefined} */ redisUrl: undefined,
		write: true,
		keep: false,
		verbose: false
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = () => (inline !== undefined ? inline : argv[++i]);
		switch (flag) {
			case '--smoke':
				o.smoke = true;
				break;
			case '--scenario':
				o.scenarios.push(...String(value()).split(',').map(Number));
				break;
			case '--duration':
				o.duration = Number(value());
				break;
			case '--target':
				o.target = String(value());
				break;
			case '--quiet-wait':
				o.quietWait = Number(value());
				break;
			case '--no-build':
				o.build = false;
				break;
			case '--server-node-args':
				o.serverNodeArgs = String(value()).split(/\s+/).filter(Boolean);
				break;
			case '--s3-rates':
				o.s3Rates = String(value()).split(',').map(Number);
				break;
			case '--s4-connections':
				o.s4Connections = Number(value());
				break;
			case '--s4-connect-timeout':
				o.s4ConnectTimeout = Number(value());
				break;
			case '--s4-users':
				o.s4Users = Number(value());
				break;
			case '--s5-window':
				o.s5Window = Number(value());
				break;
			case '--s6-rows':
				o.s6Rows = Number(value());
				break;
			case '--s8-processes':
				o.s8Processes = Number(value());
				break;
			case '--s9-connections':
				o.s9Connections = Number(value());
				break;
			case '--s9-window':
				o.s9Window = Number(value());
				break;
			case '--backend':
				o.backend = String(value());
				break;
			case '--pg-url':
				o.pgUrl = String(value());
				break;
			case '--redis-url':
				o.redisUrl = String(value());
				break;
			case '--no-write':
				o.write = false;
				break;
			case '--keep':
				o.keep = true;
				break;
			case '--verbose':
				o.verbose = true;
				break;
			case '--help':
			case '-h':
				console.log(usage());
				process.exit(0);
				break;
			default:
				throw new Error(`unknown option ${argv[i]} (see --help)`);
		}
	}
	if (!['sqlite', 'postgres'].includes(o.backend)) throw new Error('--backend sqlite|postgres');
	if (o.backend === 'postgres' && o.write)
		throw new Error('--backend postgres: add --no-write (the results section holds SQLite runs)');
	if (!['ours', 'baseline', 'both'].includes(o.target))
		throw new Error(`--target ours|baseline|both`);
	if (o.scenarios.some((n) => !(n >= 1 && n <= 14))) throw new Error('--scenario takes 1..14');
	if (!(Number.isInteger(o.s9Connections) && o.s9Connections >= 2))
		throw new Error('--s9-connections: an integer ≥ 2');
	if (!(Number.isInteger(o.s8Processes) && o.s8Processes >= 2))
		throw new Error('--s8-processes: an integer ≥ 2');
	if (o.duration !== null && !(o.duration > 0 && o.duration <= 600))
		throw new Error('--duration: 0 < S ≤ 600');
	return o;
}

function usage() {
	return readFileSync(path.join(BENCH, 'run.js'), 'utf8')
		.split('\n')
		.filter((l) => l.startsWith('//'))
		.map((l) => l.replace(/^\/\/ ?/, ''))
		.join('\n');
}
