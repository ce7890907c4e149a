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
