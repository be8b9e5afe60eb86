/**
 * The server → client side of the protocol in one import: the data events carry
 * (payloads.ts), the union of events (server-events.ts) and their builders
 * (event-builders.ts). Those modules import each other directly, never this one.
 */
export type * from './payloads';
export type * from './server-events';
export { SYSTEM, events, nowSeconds, systemEvent } from './event-builders';
