import type { SessionUser } from '$lib/server/auth/sessions';

declare global {
	namespace App {
		interface Error {
			code?: string;
		}
		interface Locals {
			user: SessionUser | null;
			sessionId: string | null;
			/** X-Request-Id of this request (generated or accepted); in every log line about it. */
			requestId: string;
		}
	}
}

export {};
