//! The tables, written by hand with types both backends share (see migrations/).

diesel::table! {
    consortia (id) {
        id -> Text,
        code -> Text,
        name_en -> Text,
        name_cy -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    local_authorities (id) {
        id -> Text,
        consortium_id -> Text,
        code -> Text,
        name_en -> Text,
        name_cy -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    schools (id) {
        id -> Text,
        local_authority_id -> Text,
        school_number -> Nullable<Text>,
        name_en -> Text,
        name_cy -> Text,
        sector -> Text,
        language_medium -> Text,
        support_category -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    continuum_stages (code) {
        code -> Text,
        position -> Integer,
        name_en -> Text,
        name_cy -> Text,
        description_en -> Text,
        description_cy -> Text,
    }
}

diesel::table! {
    people (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Nullable<Text>,
        preferred_language -> Text,
        school_id -> Nullable<Text>,
        stage_code -> Nullable<Text>,
        job_title -> Nullable<Text>,
        welsh_ability -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        credentials_changed_at -> Timestamp,
        last_seen_at -> Nullable<Timestamp>,
        anonymised_at -> Nullable<Timestamp>,
        calendar_token -> Nullable<Text>,
    }
}

diesel::table! {
    role_grants (id) {
        id -> Text,
        person_id -> Text,
        role -> Text,
        school_id -> Nullable<Text>,
        local_authority_id -> Nullable<Text>,
        programme_id -> Nullable<Text>,
        granted_by -> Nullable<Text>,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    unconfirmed_addresses (person_id) {
        person_id -> Text,
        registered_at -> Timestamp,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Text,
        person_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        purpose -> Text,
    }
}

diesel::table! {
    providers (id) {
        id -> Text,
        code -> Text,
        name_en -> Text,
        name_cy -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    programmes (id) {
        id -> Text,
        code -> Text,
        title_en -> Text,
        title_cy -> Text,
        description_en -> Text,
        description_cy -> Text,
        provider_id -> Nullable<Text>,
        delivery_language -> Text,
        requires_endorsement -> Bool,
        completion_min_attendance_pct -> Integer,
        eligibility_rules -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    programme_target_stages (programme_id, stage_code) {
        programme_id -> Text,
        stage_code -> Text,
    }
}

diesel::table! {
    cohorts (id) {
        id -> Text,
        programme_id -> Text,
        name -> Text,
        capacity -> Integer,
        seats_taken -> Integer,
        waitlist_counter -> BigInt,
        starts_on -> Date,
        ends_on -> Date,
        applications_open_on -> Nullable<Date>,
        applications_close_on -> Nullable<Date>,
        language_medium -> Text,
        status -> Text,
        lead_id -> Nullable<Text>,
        venue -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    cohort_sessions (id) {
        id -> Text,
        cohort_id -> Text,
        title_en -> Text,
        title_cy -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        venue -> Nullable<Text>,
        online_url -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    enrolments (id) {
        id -> Text,
        person_id -> Text,
        cohort_id -> Text,
        programme_id -> Text,
        status -> Text,
        active -> Bool,
        waitlist_ticket -> Nullable<BigInt>,
        endorsed_by -> Nullable<Text>,
        endorsed_at -> Nullable<Timestamp>,
        eligibility_override_reason -> Nullable<Text>,
        applied_at -> Timestamp,
        updated_at -> Timestamp,
        academic_year -> Nullable<Integer>,
        school_id -> Nullable<Text>,
        joined_cohort_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    enrolment_events (id) {
        id -> Text,
        enrolment_id -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    attendance (id) {
        id -> Text,
        session_id -> Text,
        enrolment_id -> Text,
        status -> Text,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    evaluation_forms (id) {
        id -> Text,
        code -> Text,
        title_en -> Text,
        title_cy -> Text,
        is_default -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    evaluation_questions (id) {
        id -> Text,
        form_id -> Text,
        position -> Integer,
        kind -> Text,
        prompt_en -> Text,
        prompt_cy -> Text,
        required -> Bool,
        options -> Nullable<Text>,
        measure_key -> Nullable<Text>,
    }
}

diesel::table! {
    evaluation_rounds (id) {
        id -> Text,
        cohort_id -> Text,
        form_id -> Text,
        kind -> Text,
        session_id -> Nullable<Text>,
        anonymous -> Bool,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        reminder_every_days -> Nullable<Integer>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    evaluation_invitations (id) {
        id -> Text,
        round_id -> Text,
        person_id -> Text,
        token_hash -> Text,
        invited_at -> Timestamp,
        last_reminded_at -> Nullable<Timestamp>,
        responded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    evaluation_responses (id) {
        id -> Text,
        round_id -> Text,
        invitation_id -> Nullable<Text>,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    evaluation_answers (id) {
        id -> Text,
        response_id -> Text,
        question_id -> Text,
        value_int -> Nullable<Integer>,
        value_text -> Nullable<Text>,
    }
}

diesel::table! {
    evaluation_answer_tallies (round_id, question_id, value_key) {
        round_id -> Text,
        question_id -> Text,
        value_key -> Text,
        value_int -> Nullable<Integer>,
        choice -> Nullable<Text>,
        answers -> Integer,
    }
}

diesel::table! {
    career_entries (id) {
        id -> Text,
        person_id -> Text,
        role -> Text,
        school_id -> Nullable<Text>,
        organisation_name -> Nullable<Text>,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        recorded_by -> Nullable<Text>,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        before_state -> Nullable<Text>,
        after_state -> Nullable<Text>,
        occurred_at -> Timestamp,
    }
}

// A view: the audit log's own rows and every application's history (see the migration
// enrolment_history_audited). Read only.
diesel::table! {
    audit_entries (id) {
        id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        before_state -> Nullable<Text>,
        after_state -> Nullable<Text>,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    email_outbox (id) {
        id -> Text,
        recipient_email -> Text,
        recipient_name -> Text,
        language -> Text,
        template -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        claim_token -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        about_person_id -> Nullable<Text>,
    }
}

diesel::joinable!(local_authorities -> consortia (consortium_id));
diesel::joinable!(schools -> local_authorities (local_authority_id));
diesel::joinable!(people -> schools (school_id));
diesel::joinable!(people -> continuum_stages (stage_code));
diesel::joinable!(role_grants -> people (person_id));
diesel::joinable!(password_resets -> people (person_id));
diesel::joinable!(unconfirmed_addresses -> people (person_id));
diesel::joinable!(programmes -> providers (provider_id));
diesel::joinable!(programme_target_stages -> programmes (programme_id));
diesel::joinable!(programme_target_stages -> continuum_stages (stage_code));
diesel::joinable!(cohorts -> programmes (programme_id));
diesel::joinable!(cohort_sessions -> cohorts (cohort_id));
diesel::joinable!(enrolments -> cohorts (cohort_id));
diesel::joinable!(enrolment_events -> enrolments (enrolment_id));
diesel::joinable!(attendance -> cohort_sessions (session_id));
diesel::joinable!(attendance -> enrolments (enrolment_id));
diesel::joinable!(evaluation_questions -> evaluation_forms (form_id));
diesel::joinable!(evaluation_rounds -> cohorts (cohort_id));
diesel::joinable!(evaluation_invitations -> evaluation_rounds (round_id));
diesel::joinable!(evaluation_answer_tallies -> evaluation_rounds (round_id));
diesel::joinable!(evaluation_responses -> evaluation_rounds (round_id));
diesel::joinable!(evaluation_answers -> evaluation_responses (response_id));
diesel::joinable!(evaluation_answers -> evaluation_questions (question_id));
diesel::joinable!(career_entries -> people (person_id));

diesel::allow_tables_to_appear_in_same_query!(
    consortia,
    local_authorities,
    schools,
    continuum_stages,
    people,
    role_grants,
    password_resets,
    unconfirmed_addresses,
    providers,
    programmes,
    programme_target_stages,
    cohorts,
    cohort_sessions,
    enrolments,
    enrolment_events,
    attendance,
    evaluation_forms,
    evaluation_questions,
    evaluation_rounds,
    evaluation_invitations,
    evaluation_responses,
    evaluation_answers,
    evaluation_answer_tallies,
    career_entries,
    audit_log,
    email_outbox,
    session_reminders,
    imports,
    measures,
    measure_programmes,
);

diesel::table! {
    session_reminders (session_id, enrolment_id) {
        session_id -> Text,
        enrolment_id -> Text,
        queued_at -> Timestamp,
        outbox_id -> Nullable<Text>,
    }
}

diesel::table! {
    imports (id) {
        id -> Text,
        kind -> Text,
        file_name -> Text,
        content -> Text,
        status -> Text,
        rows_total -> Integer,
        rows_done -> Integer,
        errors -> Nullable<Text>,
        summary -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    measures (id) {
        id -> Text,
        code -> Text,
        name_en -> Text,
        name_cy -> Text,
        start_event -> Text,
        outcome -> Text,
        window_months -> Integer,
        target_pct -> Integer,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    measure_programmes (measure_id, programme_code) {
        measure_id -> Text,
        programme_code -> Text,
    }
}

diesel::joinable!(measure_programmes -> measures (measure_id));
