//! steward: customer-data quality and compliance.
pub mod dedupe;
pub mod finding;
pub mod normalize;
pub mod rules;
