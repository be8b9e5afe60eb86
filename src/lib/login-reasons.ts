/**
 * Why the app sent someone to the login page: `/login?reason=<code>`. The page shows only
 * its own translated sentence for a known code; anything else in the URL is ignored, so a
 * link cannot put an attacker's words ("your account is locked, call …") on our page.
 */
export const LOGIN_REASONS = ['kicked', 'banned'] as const;
export type LoginReason = (typeof LOGIN_REASONS)[number];

export function loginReason(value: string | null): LoginReason | null {
	return (LOGIN_REASONS as readonly string[]).includes(value ?? '') ? (value as LoginReason) : null;
}
