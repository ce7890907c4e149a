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
    CASE WHEN from_status IS NULL THEN NULL
        ELSE '{"status":' || to_json(from_status)::text || '}' END,
    '{"reason":' || COALESCE(to_json(reason)::text, 'null')
        || ',"status":' || to_json(to_status)::text || '}',
    occurred_at
FROM enrolment_events;
