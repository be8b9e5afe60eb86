// `npm test`: the whole suite. The integration tests run on SQLite, then, when the machine
// has a PostgreSQL and a Redis to test against (TEST_DATABASE_URL and TEST_REDIS_URL, as
// .ci/run sets them), a second time on PostgreSQL (CHAT_TEST_BACKEND=postgres).
import { spawnSync } from 'node:child_process';

/** Runs a command in the foreground; stops `npm test` with its exit code when it fails. */
function run(command, args, env = {}) {
	const result = spawnSync(command, args, {
		stdio: 'inherit',
		env: { ...process.env, ...env },
		shell: process.platform === 'win32'
	});
	if (result.status !== 0) {
		console.error(`\n${command} ${args.join(' ')} failed`);
		process.exit(result.status ?? 1);
	}
}

run('npm', ['run', 'build']);
run('npx', ['vitest', 'run', '--project', 'unit', '--project', 'integration']);
// The load-and-abuse test measures latency on two cores: before the PostgreSQL suites, whose
// database keeps working after them (dropping and vacuuming their databases) on the same cores.
run('npx', ['vitest', 'run', '--project', 'abuse']);
if (process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL) {
	run('npx', ['vitest', 'run', '--project', 'integration-pg'], { CHAT_TEST_BACKEND: 'postgres' });
	run('npx', ['vitest', 'run', '--project', 'cluster']);
} else {
	console.log(
		'TEST_DATABASE_URL and TEST_REDIS_URL not both set: integration-pg and cluster not run.'
	);
}
run('npx', ['playwright', 'test']);
run('node', ['bench/run.js', '--smoke']);
