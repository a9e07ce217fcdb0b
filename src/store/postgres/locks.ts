/**
 * PostgreSQL advisory locks of Nurture: two-key locks (`pg_advisory_xact_lock(class, key)`) whose
 * first key is this class, so that they cannot collide with another application's one-key locks.
 */
export const PG_LOCK_CLASS = 0x4e757274; // 'Nurt'
