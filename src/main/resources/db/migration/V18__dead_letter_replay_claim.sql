-- A replay first claims its dead letter: state REPLAYING with the time of the claim (replay_claimed_at), taken only
-- from an OPEN letter, so that two operators (or two JMX clicks) replaying the same letter at once run its replay
-- once, not twice (two sheets, two deliveries). A failed replay sets the letter back to OPEN; a successful one makes
-- it REPLAYED. A letter left REPLAYING by a crash mid-replay can be replayed again once its claim is older than the
-- longest a replay takes (DeadLetterService.STALE_REPLAY_AFTER). Runs unchanged on H2 (PostgreSQL mode) and
-- PostgreSQL.
alter table dead_letter add column replay_claimed_at timestamp with time zone;
