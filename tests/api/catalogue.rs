use llwybr::domain::role::Role;
use serde_json::{Value, json};

use crate::helpers::{problem, spawn_app};

#[tokio::test]
async fn only_leads_and_admins_create_programmes_and_bad_ones_are_named() {
    let app = spawn_app().await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let forbidden = app
        .post_as(
            &teacher.token,
            "/api/v1/programmes",
            &json!({"code": "npqh"}),
        )
        .await;
    assert_eq!(forbidden.status(), 403);

    let admin = app.person(
        "admin@consortiwm.cymru",
        &[Role::ConsortiumAdmin],
        None,
        None,
    );
    let bad = app
        .post_as(&admin.token, "/api/v1/programmes", &json!({"code": "N P Q H", "title_en": "NPQH", "target_stages": ["astronaut"], "delivery_language": "french"}))
        .await;
    assert_eq!(bad.status(), 422);
    let body = problem(bad).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    for field in [
        "code",
        "title_cy",
        "description_en",
        "description_cy",
        "delivery_language",
        "target_stages",
    ] {
        assert!(
            fields.contains(&field),
            "{field} should be named in {fields:?}"
        );
    }
    let list = app.catalogue().await;
    assert!(list.is_empty(), "nothing was stored");
}

#[tokio::test]
async fn the_catalogue_filters_by_stage_language_and_open_cohorts() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    app.programme_with_cohort(&lead, "mldp", true, &["future_middle_leader"], 20)
        .await;
    let npqh = app
        .post_as(
            &lead.token,
            "/api/v1/programmes",
            &json!({"code": "npqh", "title_en": "NPQH", "title_cy": "CPCP", "description_en": "Headship qualification.",
                    "description_cy": "Cymhwyster prifathrawiaeth.", "target_stages": ["future_headteacher"],
                    "requires_endorsement": true, "delivery_language": "welsh"}),
        )
        .await;
    assert_eq!(npqh.status(), 201);
    let duplicate = app
        .post_as(&lead.token, "/api/v1/programmes", &json!({"code": "NPQH", "title_en": "x", "title_cy": "x", "description_en": "x", "description_cy": "x", "delivery_language": "welsh"}))
        .await;
    assert_eq!(duplicate.status(), 409);

    let codes = |list: Vec<Value>| {
        list.iter()
            .map(|p| p["code"].as_str().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
    };
    let get = |query: &'static str| {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/programmes{query}"));
        async move {
            client
                .get(url)
                .send()
                .await
                .expect("sent")
                .json::<Vec<Value>>()
                .await
                .expect("json")
        }
    };
    assert_eq!(codes(get("").await), ["mldp", "npqh"], "ordered by title");
    assert_eq!(codes(get("?stage=future_middle_leader").await), ["mldp"]);
    assert_eq!(codes(get("?stage=future_headteacher").await), ["npqh"]);
    assert_eq!(
        codes(get("?language=english").await),
        ["mldp"],
        "bilingual matches English; Welsh-only does not"
    );
    assert_eq!(
        codes(get("?open=true").await),
        ["mldp"],
        "NPQH has no cohort yet"
    );
    let bad = app
        .client
        .get(app.url("/api/v1/programmes?language=klingon"))
        .send()
        .await
        .expect("sent");
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn a_lead_edits_a_programme_and_the_change_is_audited() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (programme, cohort) = app
        .programme_with_cohort(&lead, "mldp", true, &["future_middle_leader"], 10)
        .await;
    let path = format!("/api/v1/programmes/{programme}");
    let patch = |body: Value| {
        let client = app.client.clone();
        let url = app.url(&path);
        let token = lead.token.clone();
        async move {
            client
                .patch(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("sent")
        }
    };
    let bad = patch(json!({"title_cy": "  ", "target_stages": ["nowhere"], "completion_min_attendance_pct": 120})).await;
    assert_eq!(bad.status(), 422);
    assert_eq!(
        problem(bad).await["errors"].as_array().map(Vec::len),
        Some(3)
    );

    let changed = patch(json!({"title_cy": "Rhaglen Arweinwyr Canol", "target_stages": ["aspiring_tlr", "future_middle_leader"], "requires_endorsement": false})).await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.expect("json");
    assert_eq!(changed["title_cy"], "Rhaglen Arweinwyr Canol");
    assert_eq!(
        changed["title_en"], "Middle Leadership Development Programme",
        "untouched fields stay"
    );
    assert_eq!(
        changed["target_stages"],
        json!(["aspiring_tlr", "future_middle_leader"])
    );
    assert_eq!(changed["requires_endorsement"], false);

    let hidden = patch(json!({"active": false})).await;
    assert_eq!(hidden.status(), 200);
    let list = app.catalogue().await;
    assert!(
        list.is_empty(),
        "an inactive programme leaves the catalogue"
    );
    // ... and takes no more applications, even from someone who kept the cohort's address.
    let applicant = app.person(
        "darpar@ysgol.cymru",
        &[],
        None,
        Some("future_middle_leader"),
    );
    let late = app.apply(&applicant.token, &cohort).await;
    assert_eq!(late.status(), 409);
    assert_eq!(
        problem(late).await["detail"],
        "This cohort is not taking applications."
    );

    let mut conn = app.db();
    let history = llwybr::db::audit::for_object(&mut conn, "programme", &programme).expect("audit");
    assert_eq!(
        history
            .iter()
            .filter(|r| r.action == "programme.updated")
            .count(),
        2
    );

    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let refused = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&teacher.token)
        .json(&json!({"active": true}))
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn an_unknown_provider_is_named_as_a_field_error_and_nothing_is_stored() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let programme = |provider_id: Option<&str>| {
        json!({"code": "npqh", "title_en": "NPQH", "title_cy": "CPCP", "description_en": "Headship qualification.",
               "description_cy": "Cymhwyster prifathrawiaeth.", "delivery_language": "welsh", "provider_id": provider_id})
    };
    for (query, message) in [
        ("", "There is no provider with this id."),
        ("?lang=cy", "Nid oes darparwr gyda'r dynodydd hwn."),
    ] {
        let refused = app
            .post_as(
                &lead.token,
                &format!("/api/v1/programmes{query}"),
                &programme(Some("nope")),
            )
            .await;
        assert_eq!(refused.status(), 422);
        let body = problem(refused).await;
        assert_eq!(body["code"], "validation_failed");
        assert_eq!(body["errors"][0]["field"], "provider_id", "{body}");
        assert_eq!(body["errors"][0]["message"], message, "{body}");
    }

    // Nothing was kept (the code is free), and a provider that exists is accepted.
    let provider = uuid::Uuid::new_v4().to_string();
    {
        use diesel::prelude::*;
        use llwybr::db::schema::providers;
        diesel::insert_into(providers::table)
            .values((
                providers::id.eq(&provider),
                providers::code.eq("prifysgol"),
                providers::name_en.eq("The University"),
                providers::name_cy.eq("Y Brifysgol"),
                providers::kind.eq("university"),
                providers::created_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .execute(&mut app.db())
            .expect("a provider");
    }
    let created = app
        .post_as(
            &lead.token,
            "/api/v1/programmes",
            &programme(Some(provider.as_str())),
        )
        .await;
    assert_eq!(
        created.status(),
        201,
        "{}",
        created.text().await.unwrap_or_default()
    );
    let created: Value = created.json().await.expect("json");
    assert_eq!(created["provider_id"], provider.as_str());
}

/// An admin who makes someone "programme lead" for one programme means that programme: the
/// lead changes it and adds cohorts to it, and neither changes nor adds to any other, nor adds
/// programmes of their own. A lead for every programme (no programme named) does all of it.
#[tokio::test]
async fn a_lead_for_one_programme_runs_that_programme_only() {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let (theirs, _) = app
        .programme_with_cohort(&admin, "npqh", false, &[], 10)
        .await;
    let (other, _) = app
        .programme_with_cohort(&admin, "mldp", false, &[], 10)
        .await;
    let scoped = app.person("arweinydd@darparwr.cymru", &[], None, None);
    let me: Value = app.me(&scoped.token).await.json().await.expect("json");
    let scoped_id = me["id"].as_str().unwrap_or("").to_owned();
    let granted = app
        .post_as(
            &admin.token,
            &format!("/api/v1/admin/people/{scoped_id}/roles"),
            &json!({"role": "programme_lead", "programme_id": theirs}),
        )
        .await;
    assert!(granted.status().is_success(), "{}", granted.status());

    let rename = |title: &str| json!({ "title_en": title });
    let own = app
        .client
        .patch(app.url(&format!("/api/v1/programmes/{theirs}")))
        .bearer_auth(&scoped.token)
        .json(&rename("NPQH, 2027 edition"))
        .send()
        .await
        .expect("sent");
    assert_eq!(own.status(), 200);
    let foreign = app
        .client
        .patch(app.url(&format!("/api/v1/programmes/{other}")))
        .bearer_auth(&scoped.token)
        .json(&rename("Taken over"))
        .send()
        .await
        .expect("sent");
    assert_eq!(foreign.status(), 403);

    let day =
        |days: i64| (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string();
    let cohort = json!({
        "name": "Cohort 2", "capacity": 12, "starts_on": day(60), "ends_on": day(200),
        "language_medium": "welsh"
    });
    let into_own = app
        .post_as(
            &scoped.token,
            &format!("/api/v1/programmes/{theirs}/cohorts"),
            &cohort,
        )
        .await;
    assert_eq!(into_own.status(), 201);
    let into_other = app
        .post_as(
            &scoped.token,
            &format!("/api/v1/programmes/{other}/cohorts"),
            &cohort,
        )
        .await;
    assert_eq!(into_other.status(), 403);
    let new_programme = json!({
        "code": "own-idea", "title_en": "Own idea", "title_cy": "Syniad", "description_en": "x",
        "description_cy": "x", "target_stages": [], "requires_endorsement": false,
        "delivery_language": "welsh"
    });
    let created = app
        .post_as(&scoped.token, "/api/v1/programmes", &new_programme)
        .await;
    assert_eq!(created.status(), 403);

    let listed = app.catalogue().await;
    let title_of = |id: &str| {
        listed.iter().find(|p| p["id"] == id).map(|p| {
            (
                p["title_en"].clone(),
                p["cohorts"].as_array().map_or(0, Vec::len),
            )
        })
    };
    assert_eq!(title_of(&theirs), Some((json!("NPQH, 2027 edition"), 2)));
    assert_eq!(
        title_of(&other),
        Some((json!("Middle Leadership Development Programme"), 1)),
        "the refused changes changed nothing"
    );

    let everywhere = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let ok = app
        .client
        .patch(app.url(&format!("/api/v1/programmes/{other}")))
        .bearer_auth(&everywhere.token)
        .json(&rename("Middle leadership"))
        .send()
        .await
        .expect("sent");
    assert_eq!(ok.status(), 200);
    let created = app
        .post_as(&everywhere.token, "/api/v1/programmes", &new_programme)
        .await;
    assert_eq!(created.status(), 201);
}

#[tokio::test]
async fn rules_that_name_an_unknown_role_or_no_real_period_are_refused() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (programme, _) = app
        .programme_with_cohort(&lead, "nth", false, &[], 10)
        .await;
    let refused = app
        .client
        .patch(app.url(&format!("/api/v1/programmes/{programme}?lang=cy")))
        .bearer_auth(&lead.token)
        .json(&json!({
            "title_en": "New to Headship",
            "eligibility": {"roles": ["head teacher"], "appointed_within_months": 0}
        }))
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 422);
    let body = problem(refused).await;
    let messages: Vec<&str> = body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter(|e| e["field"] == "eligibility")
                .filter_map(|e| e["message"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(messages.len(), 2, "{body}");
    assert!(messages[0].contains("rôl"), "{}", messages[0]);
    assert!(messages[1].contains("misoedd"), "{}", messages[1]);

    let listed = app.catalogue().await;
    assert_eq!(
        listed[0]["title_en"],
        "Middle Leadership Development Programme"
    );
    assert_eq!(listed[0]["eligibility"]["roles"], json!([]));
}
