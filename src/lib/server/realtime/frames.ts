import type { RawData } from 'ws';
import {
	clientIdOf,
	clientMessageSchemas,
	isClientMessageType,
	type ClientMessageType
} from '$lib/protocol/client';
import { events } from '$lib/protocol/events';
import type { ErrorCode } from '$lib/protocol/errors';
import { ServiceError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { CloseCode, type Connection } from './connection';
import type { BudgetVerdict } from './frame-budget';
import type { FloodPenalties } from './flood-penalty';
import { handlers } from './handlers';
import type { HandlerServices } from './handlers/types';

/**
 * What frame handling needs: the handlers' services, where refusals are counted and logged,
 * and where an account cut off for flooding is told to every process.
 */
export interface FrameDeps {
	services: HandlerServices;
	metrics: Pick<Metrics, 'disconnected'>;
	log: Pick<Logger, 'error'>;
	floods: Pick<FloodPenalties, 'penalize'>;
}

const INVALID_NAME = 'Invalid name (1-20 characters required)';

export type Authenticate = (
	conn: Connection,
	creds: { username: string; password: string }
) => void;

/** The size of a frame in bytes, whatever shape `ws` delivered it in. */
export function frameBytes(data: RawData): number {
	if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
	return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** `{client_id}` for the errors that answer a frame which carried a usable one, else nothing. */
type Answering = { client_id?: string };

/**
 * Answers a frame the budget refused: one `rate_limited` error a second at most (with
 * `retry_after` in seconds, and the frame's client_id when it was read), and close 1008
 * for a connection that keeps flooding — its account is then refused a new connection for a
 * while, on every process (flood-penalty.ts).
 */
export function refuseFrame(
	deps: Pick<FrameDeps, 'metrics' | 'floods'>,
	conn: Connection,
	verdict: BudgetVerdict,
	answering: Answering = {}
): void {
	if (verdict.ok) return;
	if (verdict.close) {
		deps.metrics.disconnected('flood');
		// The gateway drops the frames it already read from this connection.
		conn.cutOffForFlooding = true;
		if (conn.identity && !conn.identity.isGuest) deps.floods.penalize(conn.identity.id);
		conn.close(CloseCode.policy, 'Too many messages');
		return;
	}
	if (verdict.answer) {
		conn.error('rate_limited', 'Too many messages; slow down', {
			retry_after: Math.max(0.001, verdict.retryAfterMs / 1000),
			...answering
		});
	}
}

/**
 * Sends and changes: their order is kept by the write queue (the message or change is
 * queued before the handler's first await, its checks run while it waits there), so the
 * connection's next frame need not wait for the commit.
 */
const ORDERED_BY_WRITE_QUEUE: ReadonlySet<ClientMessageType> = new Set([
	'message',
	'image',
	'private_message',
	'edit_message',
	'delete_message',
	'react'
]);

/**
 * Parses, charges, validates and dispatches one frame (PROTOCOL.md §5, §8). The frame's
 * cost is taken from the connection's budget as soon as its type is known, before any
 * handler runs; malformed frames pay the base price. Every error that answers a JSON object
 * with a usable `client_id` (one the schema accepts) carries it, even when the rest of the
 * frame is invalid, so the client knows which of its sends failed. Returns the handler's
 * work when the connection's next frame must wait for it (settled once it has answered; its errors are
 * answered here, never rejected).
 */
export function dispatchFrame(
	deps: FrameDeps,
	conn: Connection,
	data: RawData,
	isBinary: boolean,
	receivedAt: number,
	authenticate: Authenticate
): Promise<void> | void {
	const bytes = frameBytes(data);
	let answering: Answering = {};
	const charge = (type: ClientMessageType | null): boolean => {
		const verdict = conn.budget.charge(type, bytes);
		if (!verdict.ok) refuseFrame(deps, conn, verdict, answering);
		return verdict.ok;
	};
	if (isBinary) {
		if (charge(null))
			conn.error('invalid_message', 'Binary frames are not supported; send JSON text');
		return;
	}
	let msg: unknown;
	try {
		msg = JSON.parse(data.toString());
	} catch {
		if (charge(null)) conn.error('invalid_json', 'Invalid message format');
		return;
	}
	if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
		if (charge(null)) conn.error('invalid_json', 'Invalid message format');
		return;
	}
	const clientId = clientIdOf(msg);
	if (clientId !== undefined) answering = { client_id: clientId };
	const type = (msg as { type?: unknown }).type;
	const known = typeof type === 'string' && isClientMessageType(type) ? type : null;
	if (!charge(known)) return;
	const refuse = (code: ErrorCode, message: string) => conn.error(code, message, answering);
	if (typeof type !== 'string') return refuse('invalid_message', 'Missing message type');
	if (!known) return refuse('unknown_type', `Unknown message type: ${type.slice(0, 64)}`);
	const parsed = clientMessageSchemas[known].safeParse(msg);
	if (!parsed.success) {
		// A set_name without a usable name is the "bad set_name" of PROTOCOL.md §8.
		if (known === 'set_name') return refuse('invalid_name', INVALID_NAME);
		const issue = parsed.error.issues[0];
		const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
		return refuse('invalid_message', `Invalid ${known}: ${where}${issue.message}`);
	}
	if (known === 'ping') return conn.sendEvent(events.pong());
	if (known === 'auth')
		return authenticate(conn, parsed.data as { username: string; password: string });
	if (!conn.identity)
		return refuse('unauthorized', 'Log in first: send {"type":"auth","username":…,"password":…}');
	const handler = handlers[known] as
		((ctx: unknown, msg: unknown) => void | Promise<void>) | undefined;
	if (!handler) return refuse('unknown_type', `Unknown message type: ${known}`);
	const ctx = { services: deps.services, conn, who: conn.identity, receivedAt };
	try {
		const result = handler(ctx, parsed.data);
		if (!result) return;
		const answered = result.catch((err) => fail(deps, conn, known, err, answering));
		if (!ORDERED_BY_WRITE_QUEUE.has(known)) return answered;
	} catch (err) {
		fail(deps, conn, known, err, answering);
	}
}

function fail(
	deps: FrameDeps,
	conn: Connection,
	type: string,
	err: unknown,
	answering: Answering
): void {
	if (err instanceof ServiceError) {
		const retryAfter = err.details.retryAfterSeconds;
		return conn.error(err.code, err.message, {
			...(retryAfter !== undefined && { retry_after: retryAfter }),
			...err.details.params,
			...answering
		});
	}
	deps.log.error({ conn: conn.id, type, err }, 'handler failed');
	conn.error('invalid_message', 'The server could not process that message', answering);
}
