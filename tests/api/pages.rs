use serde_json::Value;

use crate::helpers::{PASSWORD, client, spawn_app};

async fn body(response: reqwest::Response) -> String {
    response.text().await.expect("body")
}

#[tokio::test]
async fn the_home_page_speaks_english_and_welsh() {
    let app = spawn_app().await;
    let english = body(app.client.get(app.url("/")).send().await.expect("sent")).await;
    assert!(english.contains("<html lang=\"en\">"));
    assert!(english.contains("The leadership continuum"));
    assert!(english.contains("Executive Head Teacher"));

    let welsh = body(
        app.client
            .get(app.url("/?lang=cy"))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert!(welsh.contains("<html lang=\"cy\">"));
    assert!(welsh.contains("Y continwwm arweinyddiaeth"));
    assert!(welsh.contains("Pennaeth Gweithredol"));

    let by_browser = app
        .client
        .get(app.url("/"))
        .header("accept-language", "cy")
        .send()
        .await
        .expect("sent");
    assert!(body(by_browser).await.contains("Hafan"));
}

#[tokio::test]
async fn the_language_switch_is_remembered() {
    let app = spawn_app().await;
    let switched = app
        .client
        .get(app.url("/language/cy?next=%2Flogin"))
        .send()
        .await
        .expect("sent");
    assert_eq!(switched.status(), 303);
    assert_eq!(switched.headers()["location"], "/login");
    let cookie = switched.headers()["set-cookie"].to_str().unwrap_or("");
    assert!(cookie.starts_with("llwybr_lang=cy"), "{cookie}");

    let later = body(
        app.client
            .get(app.url("/login"))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert!(later.contains("<html lang=\"cy\">"));
    assert!(later.contains("Mewngofnodi"));
    assert!(
        later.contains("href=\"/language/en?next=%2Flogin\""),
        "the switch points back"
    );

    let elsewhere = app
        .client
        .get(app.url("/language/en?next=https%3A%2F%2Fevil.example"))
        .send()
        .await
        .expect("sent");
    assert_eq!(elsewhere.headers()["location"], "/");
}

/// Browsers drop tabs and newlines from a URL and read `\` as `/`: each of these would take
/// the reader to evil.example.
const SNEAKY_NEXTS: [&str; 6] = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/ /evil.example",
    "/\\evil.example",
    "\t//evil.example",
];

#[tokio::test]
async fn next_never_leaves_the_site_even_with_a_tab_or_newline_in_it() {
    let app = spawn_app().await;
    app.register("ceri@ysgol.cymru", "Ceri").await;
    for sneaky in SNEAKY_NEXTS {
        let query = serde_urlencoded::to_string([("next", sneaky)]).expect("query");

        let switched = app
            .client
            .get(app.url(&format!("/language/cy?{query}")))
            .send()
            .await
            .expect("sent");
        assert_eq!(switched.status(), 303, "{sneaky:?}");
        assert_eq!(switched.headers()["location"], "/", "{sneaky:?}");

        let form = body(
            app.client
                .get(app.url(&format!("/login?{query}")))
                .send()
                .await
                .expect("sent"),
        )
        .await;
        assert!(
            form.contains("name=\"next\" value=\"/profile\""),
            "{sneaky:?}: the login form carries the default page instead"
        );

        let signed_in = client()
            .post(app.url("/login"))
            .form(&[
                ("email", "ceri@ysgol.cymru"),
                ("password", PASSWORD),
                ("next", sneaky),
            ])
            .send()
            .await
            .expect("sent");
        assert_eq!(signed_in.status(), 303, "{sneaky:?}");
        assert_eq!(signed_in.headers()["location"], "/profile", "{sneaky:?}");
    }
}

#[tokio::test]
async fn register_through_the_form_then_see_the_profile_and_pathway() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/register"))
        .form(&[
            ("name", "Ceri Jones"),
            ("email", "ceri@ysgol.cymru"),
            ("password", PASSWORD),
            ("preferred_language", "en"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/profile");
    let session = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("llwybr_session="))
        .unwrap_or("")
        .to_owned();
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");

    {
        use diesel::prelude::*;
        use llwybr::db::schema::people;
        let mut conn = app.db();
        diesel::update(people::table.filter(people::email.eq("ceri@ysgol.cymru")))
            .set(people::stage_code.eq("future_middle_leader"))
            .execute(&mut conn)
            .expect("set stage");
    }

    let profile = body(
        app.client
            .get(app.url("/profile"))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert!(profile.contains("Ceri Jones"));
    assert_eq!(
        profile.matches("class=\"stage ").count(),
        12,
        "all twelve stages"
    );
    assert_eq!(profile.matches("aria-current=\"step\"").count(), 1);
    let current = profile.split("aria-current=\"step\"").nth(1).unwrap_or("");
    assert!(
        current.contains("Future Middle Leader"),
        "the current stage is highlighted"
    );
    assert_eq!(profile.matches("stage-passed").count(), 5);

    let welsh = body(
        app.client
            .get(app.url("/profile?lang=cy"))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert!(welsh.contains("Darpar Arweinydd Canol"));
    assert!(welsh.contains("Rydych chi yma"));
}

#[tokio::test]
async fn a_bad_form_is_shown_again_with_every_problem_in_the_readers_language() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/register?lang=cy"))
        .form(&[
            ("name", "Ceri"),
            ("email", "nid-ebost"),
            ("password", "byr"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 422);
    let page = body(response).await;
    assert!(page.contains("Mae problem"));
    assert!(page.contains("fformat cywir"), "the email error in Welsh");
    assert!(
        page.contains("o leiaf 10 nod"),
        "the password error in Welsh"
    );
    assert!(
        page.contains("value=\"nid-ebost\""),
        "what was typed is kept"
    );
    assert!(
        !page.contains("value=\"byr\""),
        "passwords are never echoed"
    );
    assert_eq!(app.login("nid-ebost", "byr").await.status(), 401);
}

#[tokio::test]
async fn another_site_cannot_post_a_form_for_a_visitor() {
    let app = spawn_app().await;
    app.register("ceri@ysgol.cymru", "Ceri").await;
    let sign_in = |headers: &[(&'static str, &'static str)]| {
        let mut request = client().post(app.url("/login")).form(&[
            ("email", "ceri@ysgol.cymru"),
            ("password", PASSWORD),
            ("next", "/profile"),
        ]);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };
    for headers in [
        &[("sec-fetch-site", "cross-site")][..],
        &[("origin", "https://evil.example")][..],
    ] {
        let refused = sign_in(headers).await.expect("sent");
        assert_eq!(refused.status(), 403, "{headers:?}");
        assert!(
            refused.headers().get("set-cookie").is_none(),
            "no session is started"
        );
        assert!(
            body(refused).await.contains("<html"),
            "a page, not a bare status"
        );
    }
    let ours = sign_in(&[("sec-fetch-site", "same-origin")])
        .await
        .expect("sent");
    assert_eq!(ours.status(), 303);
    let program = sign_in(&[]).await.expect("sent");
    assert_eq!(program.status(), 303, "no headers either way: let through");
}

#[tokio::test]
async fn the_language_switch_on_a_refused_form_goes_back_to_the_forms_page() {
    let app = spawn_app().await;
    let refused = client()
        .post(app.url("/login"))
        .header("referer", app.url("/login?next=%2Fprofile&lang=en"))
        .form(&[
            ("email", "nobody@ysgol.cymru"),
            ("password", "Not The Password 1"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 401);
    let html = body(refused).await;
    assert!(
        html.contains("/language/cy?next=%2Flogin%3Fnext%3D%252Fprofile\""),
        "{html}"
    );
    let elsewhere = client()
        .post(app.url("/login"))
        .header("referer", "https://evil.example/login")
        .form(&[
            ("email", "nobody@ysgol.cymru"),
            ("password", "Not The Password 1"),
        ])
        .send()
        .await
        .expect("sent");
    assert!(body(elsewhere).await.contains("/language/cy?next=%2F\""));
}

#[tokio::test]
async fn a_refusal_still_shows_who_is_signed_in() {
    let app = spawn_app().await;
    app.register("ceri@ysgol.cymru", "Ceri").await;
    let browser = client();
    let signed_in = browser
        .post(app.url("/login"))
        .form(&[("email", "ceri@ysgol.cymru"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sent");
    assert_eq!(signed_in.status(), 303);
    let refused = browser
        .get(app.url("/lead/cohorts/no-such-cohort"))
        .send()
        .await
        .expect("sent");
    assert!(refused.status().is_client_error());
    let html = body(refused).await;
    assert!(
        html.contains("href=\"/applications\""),
        "the header is a signed-in person's: {html}"
    );
}

#[tokio::test]
async fn the_profile_needs_a_login_and_returns_there_after() {
    let app = spawn_app().await;
    app.register("ceri@ysgol.cymru", "Ceri").await;
    let anonymous = client()
        .get(app.url("/profile"))
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status(), 303);
    assert_eq!(
        anonymous.headers()["location"],
        "/login?next=%2Fprofile&lang=en"
    );

    let wrong = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", "ceri@ysgol.cymru"),
            ("password", "Not The Password 1"),
            ("next", "/profile"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong.status(), 401);
    assert!(
        body(wrong)
            .await
            .contains("The email address or the password is wrong.")
    );

    let right = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", "ceri@ysgol.cymru"),
            ("password", PASSWORD),
            ("next", "/profile"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(right.status(), 303);
    assert_eq!(right.headers()["location"], "/profile");
    assert_eq!(
        app.client
            .get(app.url("/profile"))
            .send()
            .await
            .expect("sent")
            .status(),
        200
    );

    let out = app
        .client
        .post(app.url("/logout"))
        .send()
        .await
        .expect("sent");
    assert_eq!(out.status(), 303);
    assert_eq!(
        app.client
            .get(app.url("/profile"))
            .send()
            .await
            .expect("sent")
            .status(),
        303
    );
}

#[tokio::test]
async fn switching_language_while_signed_in_changes_the_preference() {
    let app = spawn_app().await;
    app.register("ceri@ysgol.cymru", "Ceri").await;
    app.client
        .post(app.url("/login"))
        .form(&[("email", "ceri@ysgol.cymru"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sent");
    app.client
        .get(app.url("/language/cy?next=%2Fprofile"))
        .send()
        .await
        .expect("sent");
    let token: Value = app
        .login("ceri@ysgol.cymru", PASSWORD)
        .await
        .json()
        .await
        .expect("json");
    let me: Value = app
        .me(token["access_token"].as_str().unwrap_or(""))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me["preferred_language"], "cy");
}

#[tokio::test]
async fn a_missing_page_is_a_friendly_page_in_welsh_too() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/dim-yma"))
        .header("accept-language", "cy")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 404);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/html")
    );
    let page = body(response).await;
    assert!(page.contains("Heb ddod o hyd i&#39;r dudalen"), "{page}");
    assert!(page.contains("href=\"/\""));

    let api = app
        .client
        .get(app.url("/api/v1/nothing"))
        .send()
        .await
        .expect("sent");
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn the_reset_pages_work_without_javascript() {
    let app = spawn_app().await;
    app.register("ceri@ysgol.cymru", "Ceri").await;
    let asked = app
        .client
        .post(app.url("/password/forgot"))
        .form(&[("email", "ceri@ysgol.cymru")])
        .send()
        .await
        .expect("sent");
    assert_eq!(asked.status(), 200);
    assert!(body(asked).await.contains("If that address has an account"));
    let email = app.wait_for_email("ceri@ysgol.cymru", "Reset").await;
    let token = crate::helpers::token_in_link(&email.text);
    let form = body(
        app.client
            .get(app.url(&format!("/password/reset?token={token}")))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert!(form.contains(&format!("value=\"{token}\"")));
    let done = app
        .client
        .post(app.url("/password/reset"))
        .form(&[
            ("token", token.as_str()),
            ("password", "Cwm Rhondda 1907 coch"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/login?reset=done&lang=en");
    assert_eq!(
        app.login("ceri@ysgol.cymru", "Cwm Rhondda 1907 coch")
            .await
            .status(),
        200
    );
}
