// What scenarios 4–6 need to prepare a server's SQLite file.

/** SQLite helpers load better-sqlite3, which only scenarios 4–6 need (the smoke run does not). */
export const sqlite = () => import('./seed.js');

/** The password of every account the benchmark registers. */
export const PASSWORD = 'bench-password-1';
