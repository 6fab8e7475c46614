-- A staging notes on its export, with each chunk of rows it writes, when it last wrote (last_written_at). An export
-- still RECEIVING with nothing written for optout.audit.abandon-staging-after lost its instance mid-way (a crash, a
-- redeploy, the database away even for the clean-up): the next staging marks it FAILED with the reason and removes
-- its partial rows. A staging that is still writing, on this node or another, keeps its export; one taken as
-- abandoned stops at its next chunk instead of staging part of a file. Runs unchanged on H2 (PostgreSQL mode) and
-- PostgreSQL.
alter table ascend_export add column last_written_at timestamp with time zone;
update ascend_export set last_written_at = received_at;
