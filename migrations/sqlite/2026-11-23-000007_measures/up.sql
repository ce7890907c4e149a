-- Outcome measures are data: a measure names its programmes (by code, since a measure may be
-- defined before the programme exists and survives a programme being re-created), the event that
-- starts the clock, the outcome looked for, the window and the target. Keep in step with the
-- other backend's migration.
CREATE TABLE measures (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    name_cy TEXT NOT NULL,
    -- 'completion' or 'qualification_award': what completing the programmes means. Either way
    -- the clock starts on the day the person completed (a qualification is awarded on completion).
    start_event TEXT NOT NULL,
    -- 'promoted' (a move to a higher career role) or 'appointed_head' (headteacher, acting head
    -- or executive head).
    outcome TEXT NOT NULL,
    window_months INTEGER NOT NULL,
    -- A whole percentage.
    target_pct INTEGER NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE measure_programmes (
    measure_id TEXT NOT NULL REFERENCES measures(id),
    programme_code TEXT NOT NULL,
    PRIMARY KEY (measure_id, programme_code)
);

-- The measures load the completed enrolments of a few programmes out of hundreds of thousands.
CREATE INDEX enrolments_programme_status ON enrolments(programme_id, status, person_id);

-- The two 3-year measures of the consortium's plan (seed 003, objectives 3.3-3.5).
INSERT INTO measures (id, code, name_en, name_cy, start_event, outcome, window_months, target_pct, active, created_at, updated_at)
VALUES ('measure-mldp-promoted', 'mldp-promoted-3y',
        'Middle Leadership Development Programme completers promoted within 3 years',
        'Cwblhawyr y Rhaglen Datblygu Arweinyddiaeth Ganol a ddyrchafwyd o fewn 3 blynedd',
        'completion', 'promoted', 36, 50, TRUE, '2026-11-23 00:00:00', '2026-11-23 00:00:00');
INSERT INTO measures (id, code, name_en, name_cy, start_event, outcome, window_months, target_pct, active, created_at, updated_at)
VALUES ('measure-npqh-head', 'npqh-headship-3y',
        'NPQH holders appointed to headship within 3 years',
        'Deiliaid CPCP a benodwyd i brifathrawiaeth o fewn 3 blynedd',
        'qualification_award', 'appointed_head', 36, 75, TRUE, '2026-11-23 00:00:01', '2026-11-23 00:00:01');
INSERT INTO measure_programmes (measure_id, programme_code) VALUES ('measure-mldp-promoted', 'mldp');
INSERT INTO measure_programmes (measure_id, programme_code) VALUES ('measure-npqh-head', 'npqh');
