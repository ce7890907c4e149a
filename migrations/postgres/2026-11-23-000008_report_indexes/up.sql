-- Indexes for the consortium reports (participation, satisfaction, pipeline), which group
-- hundreds of thousands of enrolments and millions of evaluation answers in one query each.

-- Participation for one academic year starts from the cohorts that began in it.
CREATE INDEX cohorts_starts_on ON cohorts(starts_on, programme_id);
-- ... then reads each cohort's seats without visiting the enrolment rows.
CREATE INDEX enrolments_report ON enrolments(cohort_id, status, person_id, programme_id);
-- One authority's participation starts from its people instead.
CREATE INDEX enrolments_person_report ON enrolments(person_id, status, cohort_id, programme_id);
-- Staff per continuum stage and the target audience of a programme.
CREATE INDEX people_stage ON people(stage_code, school_id, active, anonymised_at);
-- Satisfaction: each response's answer to the overall question, read from the index (for the
-- region per round, for one authority from its people's responses).
CREATE INDEX evaluation_answers_report ON evaluation_answers(response_id, question_id, value_int);
-- Response rates: invitations and whether they were answered, per round, and for one
-- authority from its people.
CREATE INDEX evaluation_invitations_report ON evaluation_invitations(round_id, responded_at);
CREATE INDEX evaluation_invitations_person ON evaluation_invitations(person_id, round_id, responded_at);
-- The succession pipeline: deputy and assistant heads in post now.
CREATE INDEX career_entries_role ON career_entries(role, ended_on, person_id);
