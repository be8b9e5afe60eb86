import type { ErrorCode } from '$lib/protocol/errors';

/**
 * A refusal a service can explain to the user. Adapters turn it into an `error` event
 * (WebSocket) or `{error: {code, message}}` with `status` (HTTP).
 */
export class ServiceError extends Error {
	override name = 'ServiceError';
	constructor(
		readonly code: ErrorCode,
		message: string,
		readonly status = 400,
		readonly details: { field?: string; retryAfterSeconds?: number } = {}
	) {
		super(message);
	}
}

export const notFound = (message: string) => new ServiceError('not_found', message, 404);
export const forbidden = (message = 'Not allowed') => new ServiceError('forbidden', message, 403);
