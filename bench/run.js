#!/usr/bin/env node
// `npm run bench`: runs the performance scenarios of issue 6 against the real server
// (`node server.js`) and, in the same run, against a bare `ws` broadcast server
// (bench/baseline-server.js), so the figures come with a ratio that survives a noisy machine.
//
// The server under test is pinned to CPU 0 and the load generator (bench/loadgen.js, its own
// process) to CPU 1 with taskset when there are two CPUs and taskset exists. Server CPU % and
// memory come from /proc. Results: bench/results/<time>.json, bench/results/latest.json,
// bench/results/latest.svg and the results section of docs/performance.md.
//
// Usage:
//   node bench/run.js                  every scenario (about 20 minutes)
//   node bench/run.js --smoke          ~10 s: scenario 1 shrunk, ours and baseline; exit 1 on failure
//   node bench/run.js --scenario 3     only scenario 3 (repeatable, or --scenario 1,2)
//   node bench/run.js --scenario 3,7   scenario 7 (edits and reactions) judged against 3 of the same run
//   node bench/run.js --scenario 8     two processes on PostgreSQL + Redis (fails if they do not answer;
//                                      the full bench runs it only when they do)
// Options:
//   --duration S          seconds per measured window (per rate step in scenario 3)
//   --target T            ours | baseline | both (default both; scenarios 5 and 6 are ours only)
//   --quiet-wait S        before each server start, wait up to S s for other processes to calm down (60)
//   --no-build            do not rebuild the SvelteKit app when its sources are newer than build/
//   --server-node-args A  extra node flags for our server, e.g. "--cpu-prof --cpu-prof-dir=prof"
//   --s3-rates LIST       per-sender rates of scenario 3 (default 1,...,10,12,...,20,24,...,40,48,...,80,96,112,128)
//   --s4-connections N    idle connections in scenario 4 (10000)
//   --s4-connect-timeout S  give up connecting scenario 4's clients after S s (900)
//   --s5-window K         unacknowledged messages per sender in scenario 5 (16)
//   --s6-rows N           messages seeded in scenario 6 (1000000)
//   --s8-processes N      processes of scenario 8's cluster run (2)
//   --s9-connections N    clients of scenarios 9 and 12 (connect and restart storms), half accounts (10000)
//   --s9-window S         seconds of scenario 9's chat window, started with the storm (20)
//   --backend B           sqlite | postgres: where scenarios 9 and 12 keep the community; postgres runs
//                         the server on a fresh database with Redis (as several processes would); needs --no-write
//   --pg-url URL          PostgreSQL of scenarios 8 (and 9, 12 with --backend postgres), for CREATE/DROP DATABASE of a fresh database per run
//                         (else BENCH_DATABASE_URL, TEST_DATABASE_URL, postgres://postgres@127.0.0.1:5432/postgres)
//   --redis-url URL       Redis of scenario 8, a fresh key prefix per run
//                         (else BENCH_REDIS_URL, TEST_REDIS_URL, redis://127.0.0.1:6379)
//   --no-write            do not write results, chart or docs (the smoke run never writes them)
//   --keep                keep the temporary databases
//   --verbose             echo the servers' output
//
// Layout: scenarios/ (one file per scenario, and the smoke run), lib/ (servers, the load
// generator process, /proc sampling, seeding, reports), loadgen.js with loadgen/ (one file per
// load generator mode).

import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureBuild } from './lib/build.js';
import { killChildren } from './lib/children.js';
import { createBench } from './lib/context.js';
import { log } from './lib/log.js';
import { machineInfo, pinRunner } from './lib/machine.js';
import { parseOptions } from './lib/options.js';
import { BENCH, ROOT } from './lib/paths.js';
import { writeReports } from './lib/report.js';
import { scenarios as allScenarios } from './scenarios/index.js';
import { compareToBaseline } from './scenarios/s3-saturation.js';
import { compareToSendOnly } from './scenarios/s7-changes.js';
import { compareTwoProcesses } from './scenarios/s8-two-processes.js';
import { compareStorm } from './scenarios/s9-connect-storm.js';
import { smokeScenario, smokeVerdict } from './scenarios/smoke.js';

const opts = parseOptions(process.argv.slice(2));
pinRunner();
const bench = createBench(opts);

process.on('exit', killChildren);
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
	process.on(sig, () => {
		log(`${sig}: stopping`);
		killChildren();
		if (!opts.keep) rmSync(bench.tmp, { recursive: true, force: true });
		process.exit(130);
	});
}

async function main() {
	const started = new Date();
	const machine = machineInfo();
	let oursAvailable = existsSync(path.join(ROOT, 'server.js'));
	let oursMissing = 'not run: server.js missing';
	/** @type {any[]} */
	let wanted = opts.smoke
		? [smokeScenario(bench)]
		: allScenarios(bench).filter((s) => !opts.scenarios.length || opts.scenarios.includes(s.id));
	// A scenario that needs services (8: PostgreSQL and Redis) runs in the full bench only when
	// they answer; asked for by --scenario, the run fails at once (not minutes later) if they do not.
	/** @type {Record<string, string>} */
	const skipped = {};
	for (const sc of wanted) {
		const why = sc.available ? await sc.available() : null;
		if (!why) continue;
		if (opts.scenarios.includes(sc.id))
			throw new Error(`scenario ${sc.id} was asked for but cannot run: ${why}`);
		skipped[sc.id] = why;
		log(`scenario ${sc.id} skipped (run it with --scenario ${sc.id} once this is fixed): ${why}`);
	}
	wanted = wanted.filter((s) => !skipped[s.id]);
	const targets = (/** @type {string[]} */ t) =>
		t.filter((k) => opts.target === 'both' || opts.target === k);
	log(
		`${machine.cpu_model} × ${machine.cpus}, ${machine.total_memory_gib} GiB, ${machine.os}, node ${machine.node}; ${machine.pinning}`
	);
	/** @type {string | null} */
	let build = null;
	if (oursAvailable && wanted.some((s) => targets(s.targets).includes('ours'))) {
		try {
			build = ensureBuild(opts);
		} catch (err) {
			build = `failed: ${/** @type {Error} */ (err).message}`;
			oursAvailable = false;
			oursMissing = `not run: ${build}`;
		}
	}
	if (build) log(`app build: ${build}`);

	/** @type {Record<string, any>} */
	const scenarios = {};
	let harnessFailure = false;
	for (const sc of wanted) {
		/** @type {Record<string, any>} */
		const entry = { id: sc.id, title: sc.title, goal: sc.goal, ran_at: new Date().toISOString() };
		for (const kind of targets(sc.targets)) {
			if (kind === 'ours' && !oursAvailable) {
				entry.ours = { ok: false, pass: false, text: oursMissing };
				harnessFailure = true;
				continue;
			}
			log(`scenario ${sc.id} (${sc.title}) against ${kind}…`);
			const t0 = Date.now();
			try {
				entry[kind] = await sc.run(/** @type {'ours' | 'baseline'} */ (kind));
			} catch (err) {
				entry[kind] = {
					ok: false,
					pass: false,
					text: `harness error: ${String(/** @type {Error} */ (err).message ?? err).slice(0, 500)}`
				};
				log(String(/** @type {Error} */ (err).stack ?? err));
			}
			entry[kind].seconds = Math.round((Date.now() - t0) / 1000);
			log(`scenario ${sc.id} ${kind}: ${entry[kind].text}`);
			if (!entry[kind].ok) harnessFailure = true;
		}
		if (sc.id === 3 && !opts.smoke) compareToBaseline(entry);
		if (sc.id === 9) compareStorm(entry);
		if (sc.id === 10) compareToBaseline(entry, 2.5);
		entry.pass = entry.ours ? (entry.ours.pass ?? null) : null;
		scenarios[sc.id] = entry;
	}
	if (scenarios[7] && !opts.smoke) compareToSendOnly(scenarios[7], scenarios[3]);
	if (scenarios[8]) compareTwoProcesses(scenarios[8]);
	const finished = new Date();
	const command = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
	const results = {
		version: 1,
		run_id: started
			.toISOString()
			.replace(/[:.]/g, '-')
			.replace(/-\d{3}Z$/, 'Z'),
		started_at: started.toISOString(),
		finished_at: finished.toISOString(),
		duration_s: Math.round((finished.getTime() - started.getTime()) / 1000),
		command,
		smoke: opts.smoke,
		machine,
		build,
		options: {
			...opts,
			serverNodeArgs: opts.serverNodeArgs.join(' '),
			pgUrl: redact(opts.pgUrl),
			redisUrl: redact(opts.redisUrl)
		},
		skipped,
		scenarios
	};

	if (opts.smoke) return smokeVerdict(scenarios);

	if (opts.write) {
		const files = await writeReports(results, { benchDir: BENCH, root: ROOT });
		log(`wrote ${files.map((f) => path.relative(ROOT, f)).join(', ')}`);
	}
	printTable(scenarios);
	return harnessFailure ? 1 : 0;
}

/** A URL without its password, for the results file. @param {string | undefined} url */
const redact = (url) => url?.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@');

/** @param {Record<string, any>} scenarios */
function printTable(scenarios) {
	for (const e of Object.values(scenarios)) {
		const verdict = e.pass === true ? 'PASS' : e.pass === false ? 'FAIL' : '—';
		console.log(`#${e.id} ${verdict}  ${e.title}\n   goal: ${e.goal}`);
		if (e.ours) console.log(`   ours:     ${e.ours.text}`);
		if (e.baseline) console.log(`   baseline: ${e.baseline.text}`);
	}
}

let exitCode = 1;
try {
	exitCode = await main();
} catch (err) {
	log(String(/** @type {Error} */ (err).stack ?? err));
	exitCode = 1;
} finally {
	if (!opts.keep) rmSync(bench.tmp, { recursive: true, force: true });
	else log(`kept ${bench.tmp}`);
}
process.exit(exitCode);
