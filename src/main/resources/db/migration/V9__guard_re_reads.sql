-- The data-load guard also counts the opt-ins that gap re-reads find: a gap event names its contacts but not their
-- values, so its transaction (key, change origin, user) is kept with each queued contact until the re-read.
-- Runs unchanged on H2 (PostgreSQL mode) and PostgreSQL.

alter table gap_requery add column transaction_key varchar(64);
alter table gap_requery add column change_origin varchar(255);
alter table gap_requery add column commit_user varchar(18);
