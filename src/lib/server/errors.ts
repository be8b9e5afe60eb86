import type { ErrorCode, ErrorParams } from '$lib/protocol/errors';

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
		readonly details: {
			field?: string;
			retryAfterSeconds?: number;
			/**
			 * The data the message text holds (`until`, `retry_after`, `max`…), sent next to
			 * `code` so a client can say it in the user's language (docs/protocol.md).
			 */
			params?: ErrorParams;
		} = {}
	) {
		super(message);
	}
}

export const notFound = (message: string) => new ServiceError('not_found', message, 404);
export const forbidden = (message = 'Not allowed') => new ServiceError('forbidden', message, 403);
