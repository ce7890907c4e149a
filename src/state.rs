use crate::auth::tokens::TokenKeys;
use crate::config::Settings;
use crate::db::DbPool;

/// What every request handler can reach: shared by the workers of one process, and holding
/// nothing that another process would need to see.
pub struct AppState {
    pub pool: DbPool,
    pub settings: Settings,
    pub tokens: TokenKeys,
}
