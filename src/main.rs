use std::process::ExitCode;

use clap::{Parser, Subcommand};
use llwybr::config::Settings;
use llwybr::{cli, seed, startup, telemetry};

/// Llwybr: leadership development and CPD enrolment.
#[derive(Parser)]
#[command(name = "llwybr", version, about)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a consortium admin; the password is read from standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Load demo data: a consortium, schools, programmes, cohorts and one account per role.
    SeedDemo,
    /// Import a CSV file (schools, people, enrolments or careers): every row is checked first,
    /// and nothing changes unless all are good.
    Import {
        /// schools, people, enrolments or careers
        kind: String,
        file: std::path::PathBuf,
        /// Language of the problems printed: en or cy.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Fill an empty database with a synthetic consortium, for measuring reports at scale:
    /// schools, people, programmes and cohorts over six academic years, enrolments, evaluation
    /// answers and career histories. The same seed gives the same data.
    GenerateSynthetic {
        #[arg(long, default_value_t = 50_000)]
        people: usize,
        #[arg(long, default_value_t = 500_000)]
        enrolments: usize,
        /// Evaluation answers (about six per response).
        #[arg(long, default_value_t = 2_000_000)]
        answers: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Add to a database that already holds people.
        #[arg(long)]
        force: bool,
        /// Language of the messages printed: en or cy.
        #[arg(long, default_value = "en")]
        lang: String,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("llwybr: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log.format);
    let outcome = actix_web::rt::System::new().block_on(async move {
        match args.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(settings).await,
            Command::Migrate => startup::prepare_database(&settings).await.map(|_| ()),
            Command::CreateAdmin { email, name } => {
                let pool = startup::prepare_database(&settings).await?;
                cli::create_admin(&pool, &email, &name, std::io::stdin().lock()).await
            }
            Command::Import { kind, file, lang } => {
                let kind = llwybr::domain::import::ImportKind::parse(&kind).ok_or_else(|| {
                    anyhow::anyhow!(
                        "unknown kind '{kind}': use schools, people, enrolments or careers"
                    )
                })?;
                let language = llwybr::domain::language::Language::parse(&lang).unwrap_or_default();
                let pool = startup::prepare_database(&settings).await?;
                let imported = llwybr::admin::imports::import_file(
                    &pool,
                    kind,
                    &file,
                    language,
                    &mut std::io::stdout(),
                )
                .await?;
                if imported {
                    Ok(())
                } else {
                    Err(anyhow::anyhow!("nothing was imported"))
                }
            }
            Command::GenerateSynthetic {
                people,
                enrolments,
                answers,
                seed,
                force,
                lang,
            } => {
                let language = llwybr::domain::language::Language::parse(&lang).unwrap_or_default();
                let options = llwybr::synthetic::Options {
                    people,
                    enrolments,
                    answers,
                    seed,
                    force,
                    ..llwybr::synthetic::Options::default()
                };
                let pool = startup::prepare_database(&settings).await?;
                llwybr::synthetic::run_command(&pool, options, language).await
            }
            Command::SeedDemo => {
                let pool = startup::prepare_database(&settings).await?;
                seed::seed_demo(&pool, &mut std::io::stdout()).await
            }
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("llwybr: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let backend = llwybr::db::DatabaseUrl::parse(&settings.database.url)?.backend_name();
    let address = format!("{}:{}", settings.server.host, settings.server.port);
    let environment = settings.environment.as_str();
    let app = startup::Application::build(settings).await?;
    tracing::info!(%address, port = app.port(), backend, environment, "Llwybr is listening");
    app.run_until_stopped().await?;
    tracing::info!("Llwybr stopped");
    Ok(())
}
