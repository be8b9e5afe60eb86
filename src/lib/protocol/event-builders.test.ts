import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModerationNotice } from './admin';
import { events, systemEvent } from './event-builders';

/**
 * Each builder gives exactly the JSON the server assembled by hand before the builders
 * (systemEvent plus the fields it spread over it), so adopting them changes no byte a client sees.
 */
const same = (built: object, before: object) =>
	expect(JSON.parse(JSON.stringify(built))).toStrictEqual(JSON.parse(JSON.stringify(before)));

const alice = { from_id: 7, from_name: 'alice' };

beforeEach(() => {
	vi.useFakeTimers();
	vi.setSystemTime(1764100000_500);
});
afterEach(() => vi.useRealTimers());

describe('event builders', () => {
	it('system replies: envelope from System with the time in whole seconds', () => {
		expect(events.roomLeft('dev')).toStrictEqual({
			type: 'room_left',
			from_id: 0,
			from_name: 'System',
			content: { room: 'dev' },
			timestamp: 1764100000
		});
		same(events.pong(), systemEvent('pong'));
		expect('content' in events.pong()).toBe(false);
		const stats = {
			users_online: 1,
			connections: 2,
			uptime_seconds: 3,
			server_time: 4,
			total_messages: 5
		};
		same(events.stats(stats), systemEvent('stats', stats));
		same(events.resumed({ last_id: 9 }), systemEvent('resumed', { last_id: 9 }));
		const receipts = { message_id: 3, read_by: [{ user_id: 2, name: 'bob', read_at: 5 }] };
		same(events.receipts(receipts), systemEvent('receipts', receipts));
	});

	it('events about a user come from that user', () => {
		const presence = { user_id: 7, user_name: 'alice', users_online: 3 };
		same(events.join(presence), { ...systemEvent('join', presence), ...alice });
		same(events.leave(presence), systemEvent('leave', presence));

		const member = { room: 'dev', user_id: 7, user_name: 'alice', members: 4 };
		same(events.memberJoined(member), { ...systemEvent('member_joined', member), ...alice });
		same(events.memberLeft(member), { ...systemEvent('member_left', member), ...alice });

		same(events.roomCreated({ name: 'dev', topic: 'code' }, { id: 7, name: 'alice' }), {
			...systemEvent('room_created', { room: 'dev', name: 'dev', topic: 'code', created_by: 7 }),
			...alice
		});

		const typing = { user_id: 7, user_name: 'alice', is_typing: true, room: 'dev' };
		same(events.typing(typing), { ...systemEvent('typing', typing), ...alice });
		const dmTyping = { user_id: 7, user_name: 'alice', is_typing: false, with: 7 };
		same(events.typing(dmTyping), { ...systemEvent('typing', dmTyping), ...alice });
	});

	it('renames come from the user under the new name', () => {
		const names = { old_name: 'alice', new_name: 'Alicia' };
		const from = { from_id: 7, from_name: 'Alicia' };
		same(events.nameChanged(7, names), { ...systemEvent('name_changed', names), ...from });
		same(events.userRenamed(7, names), {
			...systemEvent('user_renamed', { user_id: 7, ...names }),
			...from
		});
	});

	it('moderation: sanctions to the target, the notice with its room', () => {
		same(
			events.kicked({ reason: 'spam', by: 'admin' }),
			systemEvent('kicked', { reason: 'spam', by: 'admin' })
		);
		same(events.muted({ until: 9, reason: '' }), systemEvent('muted', { until: 9, reason: '' }));
		const notice = { id: 1, action: 'kick', text: 'alice was kicked' } as ModerationNotice;
		same(events.moderation(notice, 'general'), {
			...systemEvent('moderation', notice),
			room: 'general'
		});
	});

	it('error carries its parameters and the client_id; auth answers', () => {
		const error = {
			code: 'muted',
			message: 'm',
			until: 9,
			retry_after: 3,
			client_id: 'c1'
		} as const;
		same(events.error(error), systemEvent('error', error));
		const ok = { user_id: 7, user_name: 'alice', username: 'alice', is_admin: false };
		same(events.authSuccess(ok), systemEvent('auth_success', ok));
		const failed = { reason: 'r', message: 'r', code: 'throttled', retry_after: 5 } as const;
		same(events.authFailed(failed), systemEvent('auth_failed', failed));
	});
});
