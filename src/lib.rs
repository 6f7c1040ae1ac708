//! steward: customer-data quality and compliance.
//!
//! The pipeline is `input → normalize → dedupe → rules → report`; [`pipeline`] runs it.
//! The five types you need: [`pipeline::RunConfig`], [`pipeline::Analysis`],
//! [`finding::Finding`], [`report::model::Report`] and [`roles::ColumnMap`].
pub mod dedupe;
pub mod error;
pub mod finding;
mod fxhash;
pub mod input;
mod memo;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod record;
pub mod report;
pub mod roles;
pub mod rules;
