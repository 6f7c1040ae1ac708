//! Reports: the audit report model and its renderers.
pub mod model;
