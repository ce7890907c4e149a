DROP VIEW audit_entries;
DROP INDEX enrolment_events_actor;
INSERT INTO audit_log
    (id, actor_id, action, object_type, object_id, before_state, after_state, occurred_at)
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
