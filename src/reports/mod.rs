//! Consortium reporting: who may see which figures, and tables that export as CSV or XLSX.

pub mod chart;
pub mod dashboard;
pub mod participation;
pub mod pipeline;
pub mod quarterly;
pub mod satisfaction;
pub mod scope;
pub mod table;
pub mod tables;

pub use scope::ReportScope;
pub use table::{Cell, ExportFormat, Table};
