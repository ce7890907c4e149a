-- Every change of an application was written twice: once to its history (enrolment_events) and
-- once to the audit log, a statement and three index entries more for each application. The
-- history is now the only record, and the audit log is read through a view that shows it as
-- the log's own entries always did (action enrolment.status_changed, the states as JSON).
-- (An import still adds its own entry, enrolment.imported, beside the change it made.)
DELETE FROM audit_log WHERE object_type = 'enrolment' AND action = 'enrolment.status_changed';

-- "Entries this person made", asked of the history as it was of the log.
CREATE INDEX enrolment_events_actor ON enrolment_events(actor_id, occurred_at);

CREATE VIEW audit_entries AS
SELECT id, actor_id, action, object_type, object_id, before_state, after_state, occurred_at
FROM audit_log
UNION ALL
SELECT
    id,
    actor_id,
    'enrolment.status_changed',
    'enrolment',
    enrolment_id,
    CASE WHEN from_status IS NULL THEN NULL ELSE json_object('status', from_status) END,
    json_object('reason', reason, 'status', to_status),
    occurred_at
FROM enrolment_events;
