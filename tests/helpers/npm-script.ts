import { spawn } from 'node:child_process';

/**
 * Runs `npm run <script> -- <args>` the way an operator would, with DATABASE_URL set;
 * resolves with its exit code and everything it printed.
 */
export function runNpmScript(
	script: string,
	args: string[],
	databaseUrl: string,
	env: Record<string, string> = {}
) {
	return new Promise<{ code: number | null; out: string }>((resolve) => {
		const proc = spawn('npm', ['run', '--silent', script, '--', ...args], {
			cwd: process.cwd(),
			env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		proc.stdout.on('data', (d) => (out += d));
		proc.stderr.on('data', (d) => (out += d));
		proc.on('exit', (code) => resolve({ code, out }));
	});
}
