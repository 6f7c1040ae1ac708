//! Rules: the registry of permanent codes, rules files and checks.
pub mod checks;
pub mod config;
pub mod docs;
pub mod engine;
pub mod gate;
pub mod meta;
pub mod registry;
pub mod selector;
pub mod user;

pub use config::Config;
pub use engine::RuleSet;
