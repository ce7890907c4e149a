//! Builds the application from settings: pool, migrations, HTTP server, outbox worker.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;

use crate::auth::tokens::TokenKeys;
use crate::config::Settings;
use crate::db::group_commit::Writer;
use crate::db::{self, DbPool};
use crate::domain::stage::ContinuumStage;
use crate::error::AppError;
use crate::mail::{Mailer, worker};
use crate::routes;
use crate::routes::pages::error_page::render_errors;
use crate::state::AppState;
use crate::telemetry::log_requests;

/// The largest JSON body the API takes.
const JSON_LIMIT_BYTES: usize = 2 * 1024 * 1024;
/// The largest form a page may post.
const FORM_LIMIT_BYTES: usize = 512 * 1024;

pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
    writer: Writer,
    mailer: Mailer,
    settings: Settings,
}

/// Connects and brings the schema up to date.
pub async fn prepare_database(settings: &Settings) -> anyhow::Result<DbPool> {
    let pool = db::connect(
        &settings.database.url,
        settings.database.pool_size,
        Duration::from_secs(settings.database.connect_timeout_secs),
    )?;
    let migrating = pool.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = migrating
            .get()
            .context("could not get a database connection")?;
        db::run_migrations(&mut conn)?;
        Ok(())
    })
    .await??;
    Ok(pool)
}

async fn load_stages(pool: &DbPool) -> anyhow::Result<Arc<[ContinuumStage]>> {
    let stages = db::run(pool, |conn| Ok(db::stages::all(conn)?))
        .await
        .map_err(|error| anyhow::anyhow!("could not read the continuum stages: {error}"))?;
    Ok(stages.into())
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let pool = prepare_database(&settings).await?;
        let stages = load_stages(&pool).await?;
        let mailer = Mailer::from_settings(&settings.mail)?;
        let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))
            .with_context(|| {
                format!(
                    "could not listen on {}:{}",
                    settings.server.host, settings.server.port
                )
            })?;
        let port = listener.local_addr()?.port();
        let writer = Writer::start(&settings.database.url)?;
        let state = web::Data::new(AppState {
            pool: pool.clone(),
            writer: writer.clone(),
            settings: settings.clone(),
            tokens: TokenKeys::new(&settings.auth),
            stages,
        });
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                // The API's JSON bodies are read as bytes (`json_body::Json`), up to the 2 MB
                // actix's own JSON reader took.
                .app_data(web::PayloadConfig::new(JSON_LIMIT_BYTES))
                .app_data(
                    // Past actix's 16 KB: an evaluation form of ten questions with their
                    // choices, or a register of a large cohort, is a long form.
                    web::FormConfig::default()
                        .limit(FORM_LIMIT_BYTES)
                        .error_handler(|_, _| AppError::BadRequest("problem-invalid-form").into()),
                )
                .app_data(
                    web::QueryConfig::default()
                        .error_handler(|_, _| AppError::BadRequest("problem-invalid-query").into()),
                )
                .app_data(
                    web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()),
                )
                .configure(routes::configure)
                .default_service(web::to(|| async {
                    Err::<actix_web::HttpResponse, _>(AppError::NotFound)
                }))
                .wrap(from_fn(crate::routes::cross_site::refuse_cross_site))
                .wrap(from_fn(render_errors))
                .wrap(Compress::default())
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("X-Frame-Options", "DENY"))
                        .add(("Referrer-Policy", "same-origin"))
                        .add((
                            "Content-Security-Policy",
                            "default-src 'self'; frame-ancestors 'none'",
                        )),
                )
                .wrap(from_fn(log_requests))
        })
        .listen(listener)?
        .shutdown_timeout(settings.server.shutdown_timeout_secs);
        if settings.server.workers > 0 {
            server = server.workers(settings.server.workers);
        }
        Ok(Self {
            port,
            server: server.run(),
            pool,
            writer,
            mailer,
            settings,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM or SIGINT (actix drains in-flight requests for up to
    /// `server.shutdown_timeout_secs`), with the outbox worker, the session reminders, the
    /// evaluation job and (on SQLite) the log checkpoints running beside the server.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (stop_outbox, outbox_stopped) = tokio::sync::watch::channel(false);
        let outbox = tokio::spawn(worker::run(
            self.pool.clone(),
            self.writer.clone(),
            self.mailer.clone(),
            self.settings.mail.clone(),
            outbox_stopped,
        ));
        let reminders = tokio::spawn(crate::reminders::run(
            self.pool.clone(),
            self.settings.clone(),
        ));
        let evaluations = tokio::spawn(crate::evaluations::background::run(
            self.pool.clone(),
            self.settings.clone(),
        ));
        let checkpoints = tokio::spawn(db::checkpoint::run(self.pool.clone()));
        let imports = tokio::spawn(crate::admin::imports::run_worker(
            self.pool.clone(),
            self.settings.clone(),
        ));
        let retention = tokio::spawn(crate::admin::data_rights::run_retention(
            self.pool.clone(),
            self.settings.clone(),
        ));
        let result = self.server.await;
        imports.abort();
        retention.abort();
        // The outbox is asked to stop, not cut off: cut off between sending an email and
        // recording it, it would send that email again after the lease.
        let _ = stop_outbox.send(true);
        let outbox_abort = outbox.abort_handle();
        if tokio::time::timeout(worker::STOP_WAIT, outbox)
            .await
            .is_err()
        {
            outbox_abort.abort();
        }
        reminders.abort();
        evaluations.abort();
        checkpoints.abort();
        result
    }
}
