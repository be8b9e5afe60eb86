import { startServer } from '../helpers/server';

/**
 * One real server for the end-to-end run, on E2E_PORT with a fresh database. Tests that
 * need their own server (restarts) start one with startServer themselves.
 */
export default async function globalSetup() {
	const port = Number(process.env.E2E_PORT ?? 3199);
	const server = await startServer(
		{ RATE_LIMIT_BURST: '100', LOGIN_MAX_FAILURES: '50' },
		undefined,
		port
	);
	return async () => {
		await server.dispose();
	};
}
