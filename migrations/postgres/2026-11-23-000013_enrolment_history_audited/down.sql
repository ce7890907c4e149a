-- The history's entries go back into the log as the view shows them, before the view goes.
INSERT INTO audit_log
    (id, actor_id, action, object_type, object_id, before_state, after_state, occurred_at)
SELECT id, actor_id, action, object_type, object_id, before_state, after_state, occurred_at
FROM audit_entries
WHERE id IN (SELECT id FROM enrolment_events);
DROP VIEW audit_entries;
DROP INDEX enrolment_events_actor;
