use crate::auth::tokens::TokenKeys;
use crate::config::Settings;
use std::sync::Arc;

use crate::db::DbPool;
use crate::db::group_commit::Writer;
use crate::domain::stage::ContinuumStage;

/// What every request handler can reach: shared by the workers of one process, and holding
/// nothing that another process would need to see.
pub struct AppState {
    pub pool: DbPool,
    /// Where the busiest writes go: grouped into shared commits on SQLite.
    pub writer: Writer,
    pub settings: Settings,
    pub tokens: TokenKeys,
    /// The twelve continuum stages, read once at start: only a migration changes them, and
    /// migrations run before the server starts.
    pub stages: Arc<[ContinuumStage]>,
}
