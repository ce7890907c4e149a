//! Consortium reporting: who may see which figures, and tables that export as CSV or XLSX.

pub mod scope;
pub mod table;

pub use scope::ReportScope;
pub use table::{Cell, ExportFormat, Table};
