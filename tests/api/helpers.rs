use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use llwybr::config::{Environment, Settings};
use llwybr::db::{DbConnection, DbPool};
use llwybr::domain::role::Role;
use llwybr::startup::Application;
use serde_json::{Value, json};
use tempfile::TempDir;

pub const PASSWORD: &str = "Afon Taf 1987 glas";

/// A database of its own for one test.
pub enum TestDatabase {
    Sqlite {
        url: String,
        _dir: TempDir,
    },
    Postgres {
        url: String,
        admin_url: String,
        name: String,
    },
}

impl TestDatabase {
    pub fn create() -> Self {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.trim().is_empty() => {
                let name = format!("llwybr_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                    panic!("TEST_DATABASE_URL {admin_url} does not answer: {e}")
                });
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create the test database");
                let url = replace_database_name(&admin_url, &name);
                TestDatabase::Postgres {
                    url,
                    admin_url,
                    name,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}", dir.path().join("llwybr.sqlite3").display());
                TestDatabase::Sqlite { url, _dir: dir }
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDatabase::Sqlite { url, .. } | TestDatabase::Postgres { url, .. } => url,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDatabase::Postgres { .. })
    }

    /// Takes the database away under the running server (PostgreSQL only).
    pub fn drop_now(&self) {
        if let TestDatabase::Postgres {
            admin_url, name, ..
        } = self
        {
            drop_database(admin_url, name);
        }
    }
}

fn drop_database(admin_url: &str, name: &str) {
    if let Ok(mut admin) = PgConnection::establish(admin_url) {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin);
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres {
            admin_url, name, ..
        } = self
        {
            drop_database(admin_url, name);
        }
    }
}

pub fn replace_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let prefix = match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => &base[..slash],
        _ => base,
    };
    match query {
        Some(query) => format!("{prefix}/{name}?{query}"),
        None => format!("{prefix}/{name}"),
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    pub mail_dir: TempDir,
    pub database: TestDatabase,
    pub settings: Settings,
}

pub fn test_settings(database_url: &str, mail_dir: &Path) -> Settings {
    let config_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
    let mut settings = Settings::load_from(&config_dir, Environment::Test).expect("test settings");
    settings.database.url = database_url.to_owned();
    settings.server.port = 0;
    // Links in emails start with this; tests check they do.
    settings.server.public_url = "http://llwybr.test".to_owned();
    settings.mail.file_dir = mail_dir.to_path_buf();
    settings
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like `spawn_app`, with the test settings changed by `configure` first (e.g. to send email
/// through a test SMTP server).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::create();
    let mail_dir = tempfile::tempdir().expect("mail folder");
    let mut settings = test_settings(database.url(), mail_dir.path());
    configure(&mut settings);
    let application = Application::build(settings.clone())
        .await
        .expect("the application builds");
    let port = application.port();
    let pool = llwybr::db::connect(database.url(), 2, Duration::from_secs(5)).expect("test pool");
    tokio::spawn(application.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client: client(),
        pool,
        mail_dir,
        database,
        settings,
    }
}

/// A client that keeps cookies, as a browser does, and does not follow redirects, so that
/// tests see them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // The server closes a connection idle for 5 s (actix's keep-alive); a client that kept
        // it longer could send on it just as it closes, and see the request fail.
        .pool_idle_timeout(std::time::Duration::from_secs(2))
        .build()
        .expect("http client")
}

pub struct SentEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl TestApp {
    /// A connection of the test's own to the app's database, for setting up and checking data
    /// behind the API's back.
    pub fn db(&self) -> DbConnection {
        llwybr::db::open(self.database.url()).expect("a connection to the test database")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn register(&self, email: &str, name: &str) -> reqwest::Response {
        self.post_json(
            "/api/v1/auth/register",
            &json!({ "email": email, "password": PASSWORD, "name": name, "preferred_language": "en" }),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_json(
            "/api/v1/auth/login",
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    /// Registers a person and returns an access token for them.
    pub async fn token_for(&self, email: &str) -> String {
        let registered = self.register(email, "Ceri Jones").await;
        assert_eq!(
            registered.status(),
            201,
            "{}",
            registered.text().await.unwrap_or_default()
        );
        let login: Value = self
            .login(email, PASSWORD)
            .await
            .json()
            .await
            .expect("login json");
        login["access_token"].as_str().expect("a token").to_owned()
    }

    pub async fn me(&self, token: &str) -> reqwest::Response {
        self.client
            .get(self.url("/api/v1/me"))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// Every email the outbox worker has written so far.
    pub fn sent_emails(&self) -> Vec<SentEmail> {
        let Ok(entries) = std::fs::read_dir(self.mail_dir.path()) else {
            return Vec::new();
        };
        let mut emails = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "eml") {
                // The file transport may still be writing a file: one that does not read or
                // parse yet is picked up by the next look.
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let Some(message) = mail_parser::MessageParser::default().parse(&bytes) else {
                    continue;
                };
                emails.push(SentEmail {
                    to: message
                        .to()
                        .and_then(|to| to.first())
                        .and_then(|a| a.address())
                        .unwrap_or_default()
                        .to_owned(),
                    subject: message.subject().unwrap_or_default().to_owned(),
                    text: message
                        .body_text(0)
                        .map(|b| b.into_owned())
                        .unwrap_or_default(),
                    html: message
                        .body_html(0)
                        .map(|b| b.into_owned())
                        .unwrap_or_default(),
                });
            }
        }
        emails
    }

    /// Waits until an email to `to` whose subject contains `subject` has been sent.
    pub async fn wait_for_email(&self, to: &str, subject: &str) -> SentEmail {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(email) = self
                .sent_emails()
                .into_iter()
                .find(|e| e.to == to && e.subject.contains(subject))
            {
                return email;
            }
            assert!(
                Instant::now() < deadline,
                "no email to {to} with subject containing {subject:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The problem document of an error response, after checking its content type.
pub async fn problem(response: reqwest::Response) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    response.json().await.expect("problem json")
}

/// Finds the reset token in an emailed link.
pub fn token_in_link(text: &str) -> String {
    let start = text.find("token=").expect("a link with a token") + "token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        replace_database_name("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        replace_database_name("postgres://u@h/test?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
    assert_eq!(
        replace_database_name("postgres://u@h", "x"),
        "postgres://u@h/x"
    );
}

/// One argon2 hash of PASSWORD, shared by people made directly in the database.
fn password_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| llwybr::auth::passwords::hash(PASSWORD).expect("hash"))
}

/// Someone made directly in the database, with a token to act as them.
pub struct TestPerson {
    pub email: String,
    pub token: String,
}

impl TestApp {
    /// Makes a school (and its consortium and authority, once) and returns its id.
    pub fn school(&self, name: &str) -> String {
        use diesel::prelude::*;
        use llwybr::db::schema::{consortia, local_authorities, schools};
        let mut conn = self.db();
        let now = chrono::Utc::now().naive_utc();
        let la: Option<String> = local_authorities::table
            .select(local_authorities::id)
            .first(&mut conn)
            .optional()
            .expect("la");
        let la = la.unwrap_or_else(|| {
            let consortium = uuid::Uuid::new_v4().to_string();
            diesel::insert_into(consortia::table)
                .values((
                    consortia::id.eq(&consortium),
                    consortia::code.eq("csc"),
                    consortia::name_en.eq("Central South Consortium"),
                    consortia::name_cy.eq("Consortiwm Canolbarth y De"),
                    consortia::created_at.eq(now),
                ))
                .execute(&mut conn)
                .expect("consortium");
            let la = uuid::Uuid::new_v4().to_string();
            diesel::insert_into(local_authorities::table)
                .values((
                    local_authorities::id.eq(&la),
                    local_authorities::consortium_id.eq(&consortium),
                    local_authorities::code.eq("cardiff"),
                    local_authorities::name_en.eq("Cardiff"),
                    local_authorities::name_cy.eq("Caerdydd"),
                    local_authorities::created_at.eq(now),
                ))
                .execute(&mut conn)
                .expect("authority");
            la
        });
        let id = uuid::Uuid::new_v4().to_string();
        diesel::insert_into(schools::table)
            .values((
                schools::id.eq(&id),
                schools::local_authority_id.eq(&la),
                schools::name_en.eq(name),
                schools::name_cy.eq(name),
                schools::sector.eq("primary"),
                schools::language_medium.eq("welsh"),
                schools::created_at.eq(now),
                schools::updated_at.eq(now),
            ))
            .execute(&mut conn)
            .expect("school");
        id
    }

    /// A second local authority (Bridgend) with one school; returns (authority, school).
    pub fn second_authority(&self) -> (String, String) {
        use diesel::prelude::*;
        use llwybr::db::schema::{local_authorities, schools};
        let mut conn = self.db();
        let (consortium, _): (String, String) = local_authorities::table
            .select((local_authorities::consortium_id, local_authorities::id))
            .first(&mut conn)
            .expect("first authority");
        let now = chrono::Utc::now().naive_utc();
        let la = uuid::Uuid::new_v4().to_string();
        diesel::insert_into(local_authorities::table)
            .values((
                local_authorities::id.eq(&la),
                local_authorities::consortium_id.eq(&consortium),
                local_authorities::code.eq("bridgend"),
                local_authorities::name_en.eq("Bridgend"),
                local_authorities::name_cy.eq("Pen-y-bont ar Ogwr"),
                local_authorities::created_at.eq(now),
            ))
            .execute(&mut conn)
            .expect("authority");
        let school = uuid::Uuid::new_v4().to_string();
        diesel::insert_into(schools::table)
            .values((
                schools::id.eq(&school),
                schools::local_authority_id.eq(&la),
                schools::name_en.eq("Ysgol B"),
                schools::name_cy.eq("Ysgol B"),
                schools::sector.eq("secondary"),
                schools::language_medium.eq("english"),
                schools::created_at.eq(now),
                schools::updated_at.eq(now),
            ))
            .execute(&mut conn)
            .expect("school");
        (la, school)
    }

    /// Makes the person at `email` an LA officer of `authority`.
    pub fn grant_officer(&self, email: &str, authority: &str) {
        use diesel::prelude::*;
        use llwybr::db::people::{NewRoleGrant, insert_grant};
        use llwybr::db::schema::people;
        let mut conn = self.db();
        let officer_id: String = people::table
            .filter(people::email.eq(email))
            .select(people::id)
            .first(&mut conn)
            .expect("officer");
        insert_grant(
            &mut conn,
            &NewRoleGrant {
                id: &uuid::Uuid::new_v4().to_string(),
                person_id: &officer_id,
                role: Role::LaOfficer.as_str(),
                school_id: None,
                local_authority_id: Some(authority),
                programme_id: None,
                granted_by: None,
                granted_at: chrono::Utc::now().naive_utc(),
            },
        )
        .expect("grant");
    }

    /// A person with these roles (every person is also a participant), at a school and stage.
    pub fn person(
        &self,
        email: &str,
        roles: &[Role],
        school: Option<&str>,
        stage: Option<&str>,
    ) -> TestPerson {
        use llwybr::db::people::{NewPerson, NewRoleGrant, insert_grant, insert_person};
        let mut conn = self.db();
        let now = chrono::Utc::now().naive_utc();
        let id = uuid::Uuid::new_v4().to_string();
        insert_person(
            &mut conn,
            &NewPerson {
                id: &id,
                email,
                name: email.split('@').next().unwrap_or(email),
                password_hash: Some(password_hash()),
                preferred_language: "en",
                school_id: school,
                stage_code: stage,
                job_title: None,
                active: true,
                created_at: now,
                updated_at: now,
                credentials_changed_at: now,
            },
        )
        .expect("person");
        let mut all = vec![Role::Participant];
        all.extend_from_slice(roles);
        for role in all {
            insert_grant(
                &mut conn,
                &NewRoleGrant {
                    id: &uuid::Uuid::new_v4().to_string(),
                    person_id: &id,
                    role: role.as_str(),
                    school_id: if role == Role::Headteacher {
                        school
                    } else {
                        None
                    },
                    local_authority_id: None,
                    programme_id: None,
                    granted_by: None,
                    granted_at: now,
                },
            )
            .expect("grant");
        }
        let token = llwybr::auth::tokens::TokenKeys::new(&self.settings.auth)
            .issue(&id, chrono::Utc::now())
            .expect("token");
        TestPerson {
            email: email.to_owned(),
            token,
        }
    }

    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Applies to `cohort` as the person whose token this is, as the API's client would.
    pub async fn apply(&self, token: &str, cohort: &str) -> reqwest::Response {
        self.post_as(
            token,
            &format!("/api/v1/cohorts/{cohort}/applications"),
            &json!({}),
        )
        .await
    }

    /// The catalogue as anyone reads it: `GET /api/v1/programmes`.
    pub async fn catalogue(&self) -> Vec<Value> {
        self.client
            .get(self.url("/api/v1/programmes"))
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json")
    }

    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// Creates a programme and one cohort through the API, as `lead`; returns (programme, cohort) ids.
    pub async fn programme_with_cohort(
        &self,
        lead: &TestPerson,
        code: &str,
        endorsement: bool,
        stages: &[&str],
        capacity: i64,
    ) -> (String, String) {
        let programme = self
            .post_as(
                &lead.token,
                "/api/v1/programmes",
                &json!({
                    "code": code, "title_en": "Middle Leadership Development Programme",
                    "title_cy": "Rhaglen Datblygu Arweinyddiaeth Ganol",
                    "description_en": "For aspiring and new middle leaders.",
                    "description_cy": "Ar gyfer darpar arweinwyr canol ac arweinwyr canol newydd.",
                    "target_stages": stages, "requires_endorsement": endorsement, "delivery_language": "bilingual"
                }),
            )
            .await;
        assert_eq!(
            programme.status(),
            201,
            "{}",
            programme.text().await.unwrap_or_default()
        );
        let programme: Value = programme.json().await.expect("json");
        let programme_id = programme["id"].as_str().expect("id").to_owned();
        // Dates relative to today, so that the cohort is always taking applications.
        let day = |days: i64| {
            (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
        };
        let cohort = self
            .post_as(
                &lead.token,
                &format!("/api/v1/programmes/{programme_id}/cohorts"),
                &json!({
                    "name": "Cohort 1", "capacity": capacity, "starts_on": day(60), "ends_on": day(240),
                    "language_medium": "bilingual", "applications_close_on": day(30)
                }),
            )
            .await;
        assert_eq!(
            cohort.status(),
            201,
            "{}",
            cohort.text().await.unwrap_or_default()
        );
        let cohort: Value = cohort.json().await.expect("json");
        (programme_id, cohort["id"].as_str().expect("id").to_owned())
    }
}
