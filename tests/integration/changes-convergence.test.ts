import { afterAll, beforeAll, describe, it } from 'vitest';
import { FAST, uniq } from '../helpers/chat';
import { register } from '../helpers/client';
import { convergence } from '../helpers/convergence';
import { startServer, type TestServer } from '../helpers/server';

/**
 * The convergence property of issue 11 on one server (tests/helpers/convergence.ts; the
 * cluster suite runs it with clients hopping between processes). CONVERGENCE_SEED=<n>
 * replays a failure.
 */
const SEED = Number(process.env.CONVERGENCE_SEED ?? 20261128);

let server: TestServer;
beforeAll(async () => {
	server = await startServer(FAST);
	await register(server, uniq('admin'));
});
afterAll(() => server?.dispose());

describe('convergence under edits, deletes, reactions and reconnects', () => {
	it(`every client ends with the state of one that stayed (seed ${SEED})`, async () => {
		await convergence([server], SEED);
	}, 120_000);
});
