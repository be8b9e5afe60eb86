import { afterAll, beforeAll, describe, it } from 'vitest';
import { uniq } from '../helpers/chat';
import { register } from '../helpers/client';
import { convergence } from '../helpers/convergence';
import { startCluster, type Cluster } from './cluster';

/**
 * The convergence property with clients hopping between three processes: every reconnect
 * lands on a process picked by the seeded PRNG and resumes there. CONVERGENCE_SEED=<n>
 * replays a failure.
 */
const SEED = Number(process.env.CONVERGENCE_SEED ?? 20261128);

let cluster: Cluster;
beforeAll(async () => {
	cluster = await startCluster(3);
	await register(cluster.servers[0], uniq('admin'));
}, 120_000);
afterAll(() => cluster?.dispose());

describe('convergence across processes', () => {
	it(`every client, hopping between processes, ends with the state of one that stayed (seed ${SEED})`, async () => {
		await convergence(cluster.servers, SEED);
	}, 180_000);
});
