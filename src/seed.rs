//! Demo data (see `llwybr seed-demo`).

use std::io::Write;

use crate::db::DbPool;

pub async fn seed_demo(_pool: &DbPool, _out: &mut impl Write) -> anyhow::Result<()> {
    anyhow::bail!("seed-demo is being written")
}
