-- A catch-up, initial snapshot or gap re-read that Salesforce refuses (daily API limit spent, a permission missing)
-- waits with exponential back-off before its next try instead of calling Salesforce at every poll, and the operator
-- sees since when it has been failing (JMX Intake, metrics, health catchUpQueue).
-- Runs unchanged on H2 (PostgreSQL mode) and PostgreSQL.
alter table catch_up_request add column failing_since timestamp with time zone;
-- Not re-read before then; null: at once.
alter table gap_requery add column not_before timestamp with time zone;
alter table gap_requery add column failing_since timestamp with time zone;
