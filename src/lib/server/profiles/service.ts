import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { events } from '$lib/protocol/events';
import type { ProfileFields } from '$lib/protocol/payloads';
import { ServiceError } from '../errors';
import type { DiskBlobStore } from '../files/blob-store';
import { receiveFile, tooLarge } from '../files/receive';
import { INLINE_IMAGE_TYPES, sniffType } from '../files/sniff';
import type { Bus } from '../realtime/bus';
import type { Identity } from '../realtime/connection';
import type { KeyedLimiter } from '../shared/limiter';
import type { ProfileRecord, ProfilesRepository } from '../storage/profiles';
import { squareAvatar } from './avatar-image';
import { checkStatus, checkTimeZone } from './rules';

/** The path an avatar is served under: a new token per upload, so it can be cached for ever. */
export const avatarUrl = (userId: number, token: string) => `/avatars/${userId}/${token}.webp`;
const avatarKey = (userId: number, token: string) => `avatar-${userId}-${token}`;
/** Tokens are what randomBytes(12).toString('base64url') gives. */
export const AVATAR_TOKEN = /^[A-Za-z0-9_-]{16}$/;
/** The most profiles one request may ask for. */
export const MAX_PROFILE_IDS = 100;

export function profileFields(p: ProfileRecord): ProfileFields {
	return {
		avatar_url: p.avatar ? avatarUrl(p.id, p.avatar) : null,
		status: p.status,
		time_zone: p.timeZone
	};
}

export interface ProfileServiceDeps {
	profiles: ProfilesRepository;
	blobs: DiskBlobStore;
	/** The upload limiter (files): an avatar is an upload. */
	limiter: KeyedLimiter;
	/** Throws `muted` for a muted user (moderation): a status reaches everyone, like a name. */
	guard: { assertCanSend(userId: number): void };
	bus: Bus;
	maxBytes: number;
}

/**
 * Profiles (docs/protocol.md, "Profiles (issue 15)"): an account's avatar (an uploaded image
 * made a square WebP, kept in the blob store), status text and time zone. Every change is
 * stored, then published as `profile_updated` to every connection (the rename's path:
 * store → bus → hub → sockets). Guests have no profile.
 */
export class ProfileService {
	constructor(private readonly deps: ProfileServiceDeps) {}

	get maxBytes(): number {
		return this.deps.maxBytes;
	}

	tooLarge(): ServiceError {
		return tooLarge(this.deps.maxBytes);
	}

	/** `set_profile` / `PUT /api/me/profile`: the fields given change, '' clears one. */
	async setText(who: Identity, input: { status?: unknown; time_zone?: unknown }) {
		const account = this.account(who);
		const status = input.status === undefined ? undefined : checkStatus(input.status);
		const timeZone = input.time_zone === undefined ? undefined : checkTimeZone(input.time_zone);
		this.deps.guard.assertCanSend(account);
		const [now] = await this.deps.profiles.many([account]);
		if (!now) throw new ServiceError('not_found', 'Account not found', 404);
		const saved = await this.deps.profiles.setText(
			account,
			status ?? now.status,
			timeZone ?? now.timeZone
		);
		return this.publish(saved!);
	}

	/** `POST /api/me/avatar`: streams the image in, makes it the avatar, removes the old one. */
	async upload(who: Identity, req: IncomingMessage): Promise<ProfileFields> {
		const account = this.account(who);
		const verdict = await this.deps.limiter.take(`upload:${account}`);
		if (!verdict.ok) {
			const seconds = Math.max(1, Math.ceil(verdict.waitMs / 1000));
			throw new ServiceError('rate_limited', 'Too many uploads; try again later', 429, {
				retryAfterSeconds: seconds,
				params: { retry_after: seconds }
			});
		}
		const token = randomBytes(12).toString('base64url');
		const key = avatarKey(account, token);
		const blobs = this.deps.blobs;
		await blobs.ensureDirs();
		const file = await receiveFile(req, blobs.tempPath(`${key}-in`), this.deps.maxBytes);
		const out = blobs.tempPath(key);
		try {
			const notImage = new ServiceError(
				'not_an_image',
				'The avatar must be a PNG, JPEG, GIF or WebP image',
				400
			);
			if (!INLINE_IMAGE_TYPES.has(await sniffType(file.head))) throw notImage;
			if (!(await squareAvatar(file.tempPath, out))) throw notImage;
			await blobs.adopt(out, key);
			const swapped = await this.deps.profiles.swapAvatar(account, token);
			if (!swapped) throw new ServiceError('not_found', 'Account not found', 404);
			if (swapped.previous) await blobs.remove(avatarKey(account, swapped.previous));
			return this.publish(swapped.profile);
		} catch (err) {
			await Promise.all([rm(out, { force: true }), blobs.remove(key)]);
			throw err;
		} finally {
			await rm(file.tempPath, { force: true });
		}
	}

	/** `DELETE /api/me/avatar`: back to the initial. */
	async removeAvatar(who: Identity): Promise<ProfileFields> {
		const account = this.account(who);
		const swapped = await this.deps.profiles.swapAvatar(account, null);
		if (!swapped) throw new ServiceError('not_found', 'Account not found', 404);
		if (swapped.previous) await this.deps.blobs.remove(avatarKey(account, swapped.previous));
		return swapped.previous ? this.publish(swapped.profile) : profileFields(swapped.profile);
	}

	/** Profiles by account id (`GET /api/profiles`); unknown ids are left out. */
	async many(ids: number[]): Promise<({ id: number } & ProfileFields)[]> {
		const found = await this.deps.profiles.many(ids.slice(0, MAX_PROFILE_IDS));
		return found.map((p) => ({ id: p.id, ...profileFields(p) }));
	}

	/** An avatar's bytes (anyone may see avatars), or undefined when the token is not stored. */
	open(userId: number, token: string): Promise<{ stream: Readable; size: number } | undefined> {
		if (!AVATAR_TOKEN.test(token)) return Promise.resolve(undefined);
		return this.deps.blobs.open(avatarKey(userId, token));
	}

	private account(who: Identity): number {
		if (who.isGuest) throw new ServiceError('forbidden', 'Guests have no profile', 403);
		return who.id;
	}

	private publish(p: ProfileRecord): ProfileFields {
		const fields = profileFields(p);
		this.deps.bus.publish({
			kind: 'event',
			to: { everyone: true },
			event: events.profileUpdated({ user_id: p.id, ...fields })
		});
		return fields;
	}
}
