-- The whole domain in one first migration, so later work adds behaviour rather than rethinks
-- tables. IDs are UUIDs generated in Rust and stored as TEXT; times are UTC TIMESTAMPs; the
-- same statements (bar types SQLite ignores) stand in migrations/sqlite.

CREATE TABLE consortia (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    name_cy TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE local_authorities (
    id TEXT PRIMARY KEY,
    consortium_id TEXT NOT NULL REFERENCES consortia(id),
    code TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    name_cy TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE schools (
    id TEXT PRIMARY KEY,
    local_authority_id TEXT NOT NULL REFERENCES local_authorities(id),
    school_number TEXT UNIQUE,
    name_en TEXT NOT NULL,
    name_cy TEXT NOT NULL,
    sector TEXT NOT NULL,
    language_medium TEXT NOT NULL,
    support_category TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX schools_local_authority ON schools(local_authority_id);

CREATE TABLE continuum_stages (
    code TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    name_cy TEXT NOT NULL,
    description_en TEXT NOT NULL,
    description_cy TEXT NOT NULL
);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    preferred_language TEXT NOT NULL,
    school_id TEXT REFERENCES schools(id),
    stage_code TEXT REFERENCES continuum_stages(code),
    job_title TEXT,
    welsh_ability TEXT,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- Tokens issued before this moment (a password change or reset) are no longer accepted.
    credentials_changed_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP,
    anonymised_at TIMESTAMP
);
CREATE INDEX people_school ON people(school_id);

-- A role is held within a scope: a headteacher of a school, an LA officer of an authority, a
-- programme lead of a programme (or of none yet), an admin of the consortium.
CREATE TABLE role_grants (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,
    school_id TEXT REFERENCES schools(id),
    local_authority_id TEXT REFERENCES local_authorities(id),
    programme_id TEXT,
    granted_by TEXT REFERENCES people(id),
    granted_at TIMESTAMP NOT NULL
);
CREATE INDEX role_grants_person ON role_grants(person_id);
CREATE INDEX role_grants_school ON role_grants(school_id);

CREATE TABLE password_resets (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX password_resets_person ON password_resets(person_id);

CREATE TABLE providers (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    name_cy TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE programmes (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title_en TEXT NOT NULL,
    title_cy TEXT NOT NULL,
    description_en TEXT NOT NULL,
    description_cy TEXT NOT NULL,
    provider_id TEXT REFERENCES providers(id),
    delivery_language TEXT NOT NULL,
    requires_endorsement BOOLEAN NOT NULL,
    -- Completion rule: the share of sessions a participant must attend.
    completion_min_attendance_pct INTEGER NOT NULL,
    -- Further eligibility rules (roles, recent appointment, ...) as JSON, read by domain code.
    eligibility_rules TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE programme_target_stages (
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    stage_code TEXT NOT NULL REFERENCES continuum_stages(code),
    PRIMARY KEY (programme_id, stage_code)
);

CREATE TABLE cohorts (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    name TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    -- Kept in step with confirmed enrolments by one conditional UPDATE, so that concurrent
    -- applications can never take more seats than there are.
    seats_taken INTEGER NOT NULL,
    -- Next waiting-list ticket: arrival order survives concurrent applications.
    waitlist_counter BIGINT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    applications_open_on DATE,
    applications_close_on DATE,
    language_medium TEXT NOT NULL,
    status TEXT NOT NULL,
    lead_id TEXT REFERENCES people(id),
    venue TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (programme_id, name)
);
CREATE INDEX cohorts_programme ON cohorts(programme_id);

CREATE TABLE cohort_sessions (
    id TEXT PRIMARY KEY,
    cohort_id TEXT NOT NULL REFERENCES cohorts(id),
    title_en TEXT NOT NULL,
    title_cy TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    venue TEXT,
    online_url TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX cohort_sessions_cohort ON cohort_sessions(cohort_id);

CREATE TABLE enrolments (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    cohort_id TEXT NOT NULL REFERENCES cohorts(id),
    programme_id TEXT NOT NULL REFERENCES programmes(id),
    status TEXT NOT NULL,
    -- True while the application is live (not withdrawn, declined, deferred away, or finished);
    -- the partial unique index below allows one live application per person per programme.
    active BOOLEAN NOT NULL,
    waitlist_ticket BIGINT,
    endorsed_by TEXT REFERENCES people(id),
    endorsed_at TIMESTAMP,
    eligibility_override_reason TEXT,
    applied_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX enrolments_cohort_status ON enrolments(cohort_id, status);
CREATE INDEX enrolments_person ON enrolments(person_id);
CREATE UNIQUE INDEX enrolments_one_active_per_programme ON enrolments(person_id, programme_id) WHERE active;

CREATE TABLE enrolment_events (
    id TEXT PRIMARY KEY,
    enrolment_id TEXT NOT NULL REFERENCES enrolments(id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor_id TEXT REFERENCES people(id),
    reason TEXT,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX enrolment_events_enrolment ON enrolment_events(enrolment_id);

CREATE TABLE attendance (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES cohort_sessions(id),
    enrolment_id TEXT NOT NULL REFERENCES enrolments(id),
    status TEXT NOT NULL,
    recorded_by TEXT REFERENCES people(id),
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (session_id, enrolment_id)
);
CREATE INDEX attendance_enrolment ON attendance(enrolment_id);

CREATE TABLE evaluation_forms (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title_en TEXT NOT NULL,
    title_cy TEXT NOT NULL,
    is_default BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE evaluation_questions (
    id TEXT PRIMARY KEY,
    form_id TEXT NOT NULL REFERENCES evaluation_forms(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    prompt_en TEXT NOT NULL,
    prompt_cy TEXT NOT NULL,
    required BOOLEAN NOT NULL,
    -- Choices for single-choice questions, as a JSON array of {value, label_en, label_cy}.
    options TEXT,
    -- Marks the question that satisfaction is measured on ("overall").
    measure_key TEXT,
    UNIQUE (form_id, position)
);

CREATE TABLE evaluation_rounds (
    id TEXT PRIMARY KEY,
    cohort_id TEXT NOT NULL REFERENCES cohorts(id),
    form_id TEXT NOT NULL REFERENCES evaluation_forms(id),
    kind TEXT NOT NULL,
    session_id TEXT REFERENCES cohort_sessions(id),
    anonymous BOOLEAN NOT NULL,
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    reminder_every_days INTEGER,
    created_by TEXT REFERENCES people(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX evaluation_rounds_cohort ON evaluation_rounds(cohort_id);

CREATE TABLE evaluation_invitations (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES evaluation_rounds(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    token_hash TEXT NOT NULL UNIQUE,
    invited_at TIMESTAMP NOT NULL,
    last_reminded_at TIMESTAMP,
    responded_at TIMESTAMP,
    UNIQUE (round_id, person_id)
);

-- For an anonymous round invitation_id stays NULL: nothing links the answers to a person.
CREATE TABLE evaluation_responses (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES evaluation_rounds(id),
    invitation_id TEXT UNIQUE REFERENCES evaluation_invitations(id),
    submitted_at TIMESTAMP NOT NULL
);
CREATE INDEX evaluation_responses_round ON evaluation_responses(round_id);

CREATE TABLE evaluation_answers (
    id TEXT PRIMARY KEY,
    response_id TEXT NOT NULL REFERENCES evaluation_responses(id),
    question_id TEXT NOT NULL REFERENCES evaluation_questions(id),
    value_int INTEGER,
    value_text TEXT,
    UNIQUE (response_id, question_id)
);
CREATE INDEX evaluation_answers_question ON evaluation_answers(question_id);

CREATE TABLE career_entries (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,
    school_id TEXT REFERENCES schools(id),
    organisation_name TEXT,
    started_on DATE NOT NULL,
    ended_on DATE,
    recorded_by TEXT REFERENCES people(id),
    reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX career_entries_person ON career_entries(person_id, started_on);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    actor_id TEXT REFERENCES people(id),
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
CREATE INDEX audit_log_actor ON audit_log(actor_id, occurred_at);

-- Written in the same transaction as the change it reports; a worker in any process claims a
-- row (claimed_until) before sending, so no email goes out twice.
CREATE TABLE email_outbox (
    id TEXT PRIMARY KEY,
    recipient_email TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    language TEXT NOT NULL,
    template TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    claim_token TEXT,
    sent_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX email_outbox_due ON email_outbox(sent_at, next_attempt_at);
