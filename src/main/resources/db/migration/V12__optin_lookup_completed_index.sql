-- optin_lookup keeps a row for every opt-in ever looked up. The health check reads max(completed_at) on every
-- /actuator/health call (the Marketing Cloud component's lastLookUp) and the optout.lookups metric counts the rows
-- with a completed_at: without an index both read the whole table, 500,000 rows after a large data load. With it
-- max() is one index lookup on H2 and PostgreSQL. The count still reads every completed look-up (the index, or the
-- table where PostgreSQL finds that cheaper).
-- Runs unchanged on H2 (PostgreSQL mode) and PostgreSQL.
create index ix_optin_lookup_completed on optin_lookup (completed_at);
