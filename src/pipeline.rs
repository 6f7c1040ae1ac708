//! The pipeline: input → normalize → (dedupe → rules) → outputs. The CLI calls these
//! functions; they never print.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::finding::{Finding, FindingKey, mask_value};
use crate::input::{self, QuarantinedRow, ReadOptions, UnifiedInput};
use crate::normalize::{CellIssue, email, phone};
use crate::normalize::{
    NormalizeContext, NormalizeSettings, NormalizedRow, normalize_row_with_name,
};
use crate::output::OutputSet;
use crate::progress::Progress;
use crate::report::model::{
    Accounting, GateSummary, Report, RuleCount, SAMPLES_PER_RULE, SCHEMA_VERSION, Tool,
    compute_profile, non_personal,
};
use crate::report::{html, junit, markdown};
use crate::roles::{ColumnMap, Role, RoleOrigin};
use crate::rules::RuleSet;
use crate::rules::checks::{
    self, Channel, CheckParams, ContactCap, ContactLog, Contactability, KeyNormalizer, RowView,
    Segment, SuppressionList, contactability, segment,
};
use crate::rules::gate::{self, Verdict};
use std::sync::Arc;

use crate::dedupe::merge::{GoldenRecord, MergeRow, merge_cluster};
use crate::dedupe::{self, DedupeResult, DedupeSettings};

/// Everything a run needs, resolved and validated by the caller.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Input files, in order.
    pub inputs: Vec<PathBuf>,
    /// Encoding, delimiter and size limits.
    pub read: ReadOptions,
    /// Explicit column roles (rules files first, then `--map`; later entries win).
    pub columns: Vec<(String, Option<Role>, RoleOrigin)>,
    /// Normalizer settings (region, typo fixing, as-of date).
    pub normalize: NormalizeSettings,
    /// Show personal values in report messages instead of masking them.
    pub show_values: bool,
    /// Rules: selection, severities, user rules, missing values, parameters and the gate.
    pub rules: RuleSet,
    /// Suppression lists (unsubscribes, do-not-call): phones and/or emails, any CSV or one per line.
    pub suppress: Vec<PathBuf>,
    /// Contact log for the contact-frequency rule (client id or phone/email, channel, timestamp).
    pub contacts_log: Option<PathBuf>,
    /// Find duplicate clients and merge each cluster into one golden record.
    pub dedupe: bool,
    /// Run the domain checks (completeness, lifecycle, consent, business rules) and profile the
    /// data for the report. `normalize` turns this off: it only rewrites values.
    pub assess: bool,
}

impl RunConfig {
    /// A run over `inputs` with `rules`: column roles, region, typo fixing and the as-of date
    /// come from the rules (the as-of date is today when the rules leave it unset).
    pub fn new(inputs: Vec<PathBuf>, rules: RuleSet) -> RunConfig {
        let config = rules.config();
        RunConfig {
            inputs,
            read: ReadOptions::default(),
            columns: config.columns.clone(),
            normalize: NormalizeSettings {
                region: config.params.region.clone(),
                fix_typos: config.fix_typos,
                as_of: config.as_of.unwrap_or_else(|| chrono::Local::now().date_naive()),
                allow_ip_literals: config.params.allow_ip_literals,
            },
            show_values: false,
            rules,
            suppress: Vec::new(),
            contacts_log: None,
            dedupe: true,
            assess: true,
        }
    }
}

/// The result of analysing inputs, before anything is written.
#[derive(Debug)]
pub struct Analysis {
    /// The unified input table and its quarantine. Rows keep their place (source, row, line);
    /// their values moved into `normalized`.
    pub input: UnifiedInput,
    /// Column roles.
    pub columns: ColumnMap,
    /// Normalized rows, parallel to `input.rows`.
    pub normalized: Vec<NormalizedRow>,
    /// Duplicate clusters, when deduplication ran.
    pub dedupe: Option<DedupeResult>,
    /// The member rows (ascending) of each cluster of two or more rows, by cluster id; rows
    /// alone in their cluster are written as they are. [`Analysis::golden`] merges a cluster
    /// when it is written: golden records are not held (a large base has ~100k of them).
    pub merged_clusters: BTreeMap<u32, Vec<u32>>,
    /// Segment and contactability of each golden record, by cluster id.
    pub golden_assessment: BTreeMap<u32, (Segment, Contactability)>,
    /// Lifecycle segment per row, parallel to `input.rows`.
    pub segments: Vec<Segment>,
    /// Whether each row may be contacted by email, SMS and call, parallel to `input.rows`.
    pub reach: Vec<Contactability>,
    /// The audit report (accounting is filled in when outputs are planned).
    pub report: Report,
    /// The rules the run used: findings take their effective severity from them.
    pub rules: RuleSet,
    /// Whether findings show personal values unmasked.
    pub show_values: bool,
}

impl Analysis {
    /// The golden record of `cluster` (one of [`Analysis::merged_clusters`]), merged by the
    /// run's survivorship rules; `None` for a row alone in its cluster.
    pub fn golden(&self, cluster: u32) -> Option<GoldenRecord> {
        let members = self.merged_clusters.get(&cluster)?;
        let survivorship = &self.rules.config().survivorship;
        Some(merge_members(&self.input, &self.columns, &self.normalized, members, survivorship))
    }

    /// Every finding, sorted by source, row, column and code, with effective severities;
    /// findings of disabled rules are left out. Built on demand: a large base's findings are
    /// many, so the writers stream them instead.
    pub fn findings(&self) -> Vec<Finding> {
        findings_at(self, &places(&self.input))
    }

    /// How many findings [`Analysis::findings`] holds, without building them.
    pub fn finding_count(&self) -> u64 {
        self.report.findings.values().map(|c| c.count).sum()
    }
}

/// Rows per parallel work unit: large enough to amortise scheduling, small enough for progress.
const CHUNK: usize = 4096;

/// Rows whose output is formatted before it is written: bounds the memory of the writers.
const WRITE_BATCH: usize = 16 * CHUNK;
// Deduplication takes the parsed names of whole chunks per batch (`deduplicate`).
const _: () = assert!(WRITE_BATCH % CHUNK == 0);

/// Reads, unifies and normalizes the inputs. Writes nothing.
pub fn analyze(config: &RunConfig, command: &str, progress: &dyn Progress) -> Result<Analysis> {
    if config.inputs.is_empty() {
        return Err(Error::Usage("no input files given".into()));
    }
    progress.start("reading", 0);
    let loaded: Vec<_> = config
        .inputs
        .par_iter()
        .enumerate()
        .map(|(i, path)| input::read_source(path, i as u32, &config.read))
        .collect::<Result<_>>()?;
    let mut input = input::unify(loaded);
    progress.finish();
    let columns = ColumnMap::resolve(&input.headers, &config.columns);
    // User rules bound to the columns once; they run on normalized rows.
    let user_rules = config.rules.bind(&columns)?;
    progress.start("profiling columns", input.rows.len() as u64);
    let ctx = NormalizeContext::new(
        config.normalize.clone(),
        config.rules.config().missing_values.clone(),
        columns.clone(),
        input.records.iter(),
    );
    progress.finish();

    progress.start("normalizing", input.rows.len() as u64);
    // Each row's values as read move into its normalized row (`NormalizedRow::raw` gives
    // them back), and each chunk of read rows is freed once normalized: a base is held once.
    let mut chunks: Vec<Vec<csv::StringRecord>> = Vec::new();
    let mut records = std::mem::take(&mut input.records).into_iter();
    loop {
        let chunk: Vec<csv::StringRecord> = records.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(chunk);
    }
    // Deduplication builds its name keys from the full names as parsed here (kept until then).
    let keep_names = config.dedupe;
    let (mut normalized, mut names) = chunks
        .into_par_iter()
        .map(|chunk| {
            let mut rows: Vec<NormalizedRow> = Vec::with_capacity(chunk.len());
            let mut names = dedupe::entity::ParsedNames::with_capacity(if keep_names {
                chunk.len()
            } else {
                0
            });
            for record in &chunk {
                let (mut n, name) = normalize_row_with_name(record, &ctx);
                user_rules.check_row(&n.record, &mut n.issues);
                rows.push(n);
                if keep_names {
                    names.push(name);
                }
            }
            progress.advance(chunk.len() as u64);
            (rows, names)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .fold(
            (Vec::with_capacity(input.rows.len()), Vec::new()),
            |(mut all, mut all_names), (rows, names)| {
                all.extend(rows);
                all_names.push(names);
                (all, all_names)
            },
        );
    progress.finish();
    let label = |i: usize| {
        input.rows.get(i).map_or_else(String::new, |r| {
            let mut s = format!("row {}", r.row);
            if input.sources.len() > 1 {
                if let Some(src) = input.sources.get(r.source as usize) {
                    s.push_str(&format!(" of {}", src.path));
                }
            }
            s
        })
    };
    for (i, issue) in user_rules.check_table(normalized.iter().map(|n| &n.record), &label) {
        if let Some(n) = normalized.get_mut(i) {
            n.issues.push(issue);
        }
    }
    drop(user_rules);

    // Domain checks (completeness, lifecycle, consent, business rules) on normalized rows.
    let dedupe = config.dedupe.then(|| {
        deduplicate(
            &input,
            &columns,
            &mut normalized,
            std::mem::take(&mut names),
            &config.rules.config().params.dedupe,
            progress,
        )
    });
    let clusters: Vec<Option<u32>> = match &dedupe {
        Some(d) => d.cluster_of.iter().map(|&c| Some(c)).collect(),
        None => vec![None; normalized.len()],
    };
    let keys = contact_keys(&config.normalize);
    let suppression = load_suppression(&config.suppress, &keys)?;
    let contact_log = load_contact_log(config.contacts_log.as_deref(), &keys)?;
    let params = check_params(&config.rules.config().params);
    let (segments, reach) = if !config.assess {
        (
            vec![Segment::Unknown; normalized.len()],
            vec![Contactability::default(); normalized.len()],
        )
    } else {
        progress.start("checking rules", normalized.len() as u64);
        let checked = run_checks(
            &mut normalized,
            &columns,
            &clusters,
            &params,
            config.normalize.as_of,
            contact_log.as_ref(),
            &suppression,
        );
        progress.finish();
        checked
    };

    // Issues are kept to the end (findings are formatted while written): hold no spare room.
    normalized.par_iter_mut().for_each(|n| n.issues.shrink_to_fit());
    progress.start("counting findings", normalized.len() as u64);
    let rows_read: u64 = input.sources.iter().map(|s| s.rows_read).sum();
    let outcome = gate::evaluate_tally(
        &config.rules,
        tally_findings(&input, &normalized, &config.rules),
        rows_read,
    );
    let counts: BTreeMap<String, RuleCount> = outcome
        .rules
        .iter()
        .map(|(&code, o)| {
            let count = RuleCount {
                name: config.rules.lookup(code).map_or_else(String::new, |r| r.name),
                severity: o.severity.as_str().to_string(),
                count: o.findings,
                rows: o.rows,
                percent: o.percent,
                warn: o.thresholds.warn,
                fail: o.thresholds.fail,
                verdict: o.verdict,
            };
            (code.to_string(), count)
        })
        .collect();
    progress.finish();
    let with = |v: Verdict| -> Vec<String> {
        outcome.rules.iter().filter(|(_, o)| o.verdict == v).map(|(c, _)| c.to_string()).collect()
    };
    let gate_summary = GateSummary {
        verdict: outcome.verdict,
        fail_on: outcome.fail_on.as_str().to_string(),
        rows_flagged: outcome.rows_flagged,
        percent: outcome.percent,
        warn: outcome.overall.warn,
        fail: outcome.overall.fail,
        failed: with(Verdict::Fail),
        warned: with(Verdict::Warn),
    };
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::default(),
        command: command.to_string(),
        as_of: config.normalize.as_of.to_string(),
        inputs: input.sources.clone(),
        columns: columns.columns().to_vec(),
        accounting: Accounting {
            rows_read,
            records_written: input.rows.len() as u64,
            rows_merged: 0,
            rows_quarantined: input.quarantine.len() as u64,
        },
        findings: counts,
        rules_files: config.rules.config().layers.clone(),
        gate: gate_summary,
        profile: None,
    };
    progress.start("profiling data", normalized.len() as u64);
    let cluster_sizes: Vec<usize> =
        dedupe.as_ref().map_or_else(Vec::new, |d| d.clusters().iter().map(Vec::len).collect());
    report.profile = config.assess.then(|| {
        let samples = first_findings(
            (&input, &columns, &normalized),
            config.show_values,
            &config.rules,
            SAMPLES_PER_RULE,
        );
        compute_profile(
            &columns,
            &normalized,
            &segments,
            &reach,
            &cluster_sizes,
            &samples,
            config.show_values,
        )
    });
    progress.finish();
    progress.start("merging clusters", normalized.len() as u64);
    let merged_clusters: BTreeMap<u32, Vec<u32>> = match &dedupe {
        Some(d) => d.clusters().into_iter().map(|m| (d.cluster_of[m[0] as usize], m)).collect(),
        None => BTreeMap::new(),
    };
    // A golden record is contactable on a channel when some member is, and the merged record
    // (whose consent is the most restrictive of its members) still allows it. Without the
    // domain checks there is nothing to assess.
    let survivorship = &config.rules.config().survivorship;
    let golden_assessment: BTreeMap<u32, (Segment, Contactability)> = if !config.assess {
        BTreeMap::new()
    } else {
        let clusters: Vec<(&u32, &Vec<u32>)> = merged_clusters.iter().collect();
        clusters
            .par_iter()
            .map(|&(&c, members)| {
                let g = merge_members(&input, &columns, &normalized, members, survivorship);
                let view = RowView {
                    values: &g.record,
                    columns: &columns,
                    cell_issues: &[],
                    cluster: Some(c),
                };
                let mut r = contactability(&view, &suppression, config.normalize.as_of);
                let any = |f: fn(&Contactability) -> bool| {
                    g.members.iter().any(|&m| reach.get(m).is_some_and(f))
                };
                r.can_email &= any(|x| x.can_email);
                r.can_sms &= any(|x| x.can_sms);
                r.can_call &= any(|x| x.can_call);
                (c, (segment(&view, &params, config.normalize.as_of), r))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect()
    };
    progress.finish();
    let merged_rows: usize = merged_clusters.values().map(|m| m.len() - 1).sum();
    report.accounting.records_written = (input.rows.len() - merged_rows) as u64;
    report.accounting.rows_merged = merged_rows as u64;
    Ok(Analysis {
        input,
        columns,
        normalized,
        dedupe,
        merged_clusters,
        golden_assessment,
        segments,
        reach,
        report,
        rules: config.rules.clone(),
        show_values: config.show_values,
    })
}

/// The date a row was last known to be current: its latest activity, purchase or creation date.
fn recency(record: &crate::record::Record, columns: &ColumnMap) -> Option<chrono::NaiveDate> {
    [Role::LastActivityAt, Role::LastPurchaseAt, Role::CreatedAt]
        .iter()
        .flat_map(|&role| columns.indices(role))
        .filter_map(|c| record.get(c))
        .filter_map(crate::normalize::date::iso_date_prefix)
        .max()
}

/// Merges every cluster of two or more rows into a golden record (survivorship per field,
/// union of contacts, the most restrictive consent).
fn merge_members(
    input: &UnifiedInput,
    columns: &ColumnMap,
    normalized: &[NormalizedRow],
    members: &[u32],
    survivorship: &crate::rules::config::Survivorship,
) -> GoldenRecord {
    let rows: Vec<MergeRow> = members
        .iter()
        .map(|&i| {
            let i = i as usize;
            let record = &normalized[i].record;
            MergeRow {
                index: i,
                record,
                source: &input.sources[input.rows[i].source as usize].path,
                recency: recency(record, columns),
            }
        })
        .collect();
    merge_cluster(&rows, columns, survivorship)
}

/// Finds duplicate clients among all rows (several inputs are linked together). Review-band
/// pairs, oversized blocks and split chains become `DU` issues on the rows they concern.
fn deduplicate(
    input: &UnifiedInput,
    columns: &ColumnMap,
    normalized: &mut [NormalizedRow],
    names: Vec<dedupe::entity::ParsedNames>,
    params: &crate::rules::config::DedupeParams,
    progress: &dyn Progress,
) -> DedupeResult {
    progress.start("deduplicating", normalized.len() as u64);
    // Entities (match keys as strings) are built a batch at a time and interned into the
    // compact table, so a large base never holds them all.
    // Interning is serial: it runs beside the building of the next batch.
    // Room for every row up front: growing the rows by doubling copies and maps them afresh.
    let mut table = dedupe::EntityTable::with_capacity(normalized.len());
    let intern = |table: &mut dedupe::EntityTable, entities: &mut Vec<dedupe::Entity>| {
        for e in entities.iter() {
            table.push(e);
        }
        entities.clear();
    };
    // Two batch buffers take turns (one built while the other is interned), so a batch's
    // room is reused rather than mapped afresh.
    let mut built: Vec<dedupe::Entity> = Vec::new();
    let mut building: Vec<dedupe::Entity> = Vec::new();
    // Each row's parsed full name, if the normalizer kept them (one run per chunk of `CHUNK`
    // rows, so a batch covers whole runs), else parsed again. A batch's runs are freed once
    // its entities are built.
    let whole_runs = names.iter().rev().skip(1).all(|r| r.len() == CHUNK);
    let with_names = whole_runs
        && names.iter().map(dedupe::entity::ParsedNames::len).sum::<usize>() == normalized.len();
    let mut names = names.into_iter();
    for (rows, places) in normalized.chunks(WRITE_BATCH).zip(input.rows.chunks(WRITE_BATCH)) {
        let runs: Vec<dedupe::entity::ParsedNames> = if with_names {
            names.by_ref().take(WRITE_BATCH / CHUNK).collect()
        } else {
            Vec::new()
        };
        let name_of = |k: usize| runs.get(k / CHUNK).and_then(|r| r.get(k % CHUNK));
        rayon::join(
            || {
                rows.par_iter()
                    .zip(places)
                    .enumerate()
                    .map(|(k, (n, r))| {
                        let name = name_of(k);
                        dedupe::entity::entity_from_row_with_name(
                            &n.record, columns, r.source, name,
                        )
                    })
                    .collect_into_vec(&mut building)
            },
            || intern(&mut table, &mut built),
        );
        std::mem::swap(&mut built, &mut building);
    }
    intern(&mut table, &mut built);
    // The batch buffers' room is not needed while matching, the run's memory peak.
    drop((built, building));
    table.freeze();
    let settings = DedupeSettings {
        match_threshold: params.match_threshold,
        review_threshold: params.review_threshold,
        ..DedupeSettings::default()
    };
    let result = dedupe::dedupe_table(table, &settings);
    let where_is = |i: u32| {
        input.rows.get(i as usize).map_or_else(String::new, |r| {
            let file = &input.sources[r.source as usize].path;
            if input.sources.len() > 1 {
                format!("row {} of {file}", r.row)
            } else {
                format!("row {}", r.row)
            }
        })
    };
    // Pair- and table-level issues sit on the row's first column (row-level findings).
    let row_issue = |issue: crate::finding::Issue| CellIssue { column: CellIssue::ROW, issue };
    let mut extra: Vec<(u32, CellIssue)> = Vec::new();
    for pair in &result.review_pairs {
        let why = pair.veto.map(|v| format!(" (kept apart: {})", v.describe())).unwrap_or_default();
        let message = format!(
            "may be the same client as {}: match probability {:.3}{why}",
            where_is(pair.b),
            pair.probability
        );
        extra.push((pair.a, row_issue(crate::finding::Issue::new("DU002", message))));
    }
    // Each row that duplicates an earlier row is told which row it duplicates.
    let clusters = result.cluster_of.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut first_of: Vec<Option<u32>> = vec![None; clusters];
    for (i, &c) in result.cluster_of.iter().enumerate() {
        let Some(slot) = first_of.get_mut(c as usize) else { continue };
        let first = *slot.get_or_insert(i as u32);
        if first != i as u32 {
            let message =
                format!("same client as {}: merged into cluster {}", where_is(first), c + 1);
            extra.push((i as u32, row_issue(crate::finding::Issue::new("DU001", message))));
        }
    }
    for split in &result.split_clusters {
        if let Some(&first) = split.records.first() {
            extra.push((first, row_issue(split.issue())));
        }
    }
    for block in result.stats.capped_blocks.iter() {
        let mut issue = block.issue();
        issue.message = issue
            .message
            .replace(&block.key_preview, &crate::finding::mask_value(&block.key_preview))
            .into();
        extra.push((0, row_issue(issue)));
    }
    for (i, issue) in extra {
        if let Some(n) = normalized.get_mut(i as usize) {
            n.issues.push(issue);
        }
    }
    progress.finish();
    result
}

/// Maps the rules files' parameters onto the domain checks' parameters.
fn check_params(p: &crate::rules::config::Params) -> CheckParams {
    let cap = |channel: Channel, name: &str| ContactCap {
        channel,
        max: p.contact_cap.channels.get(name).copied().unwrap_or(p.contact_cap.max_contacts),
        window_days: p.contact_cap.window_days,
    };
    CheckParams {
        active_days: p.active_days,
        stale_months: p.stale_months,
        lead_max_days: p.lead_max_days,
        retention_days_after_withdrawal: p.retention_days_after_withdrawal,
        contact_caps: vec![
            cap(Channel::Call, "call"),
            cap(Channel::Sms, "sms"),
            cap(Channel::Email, "email"),
        ],
        ..CheckParams::default()
    }
}

/// Match keys for suppression lists and contact logs: the same normalizers as the data, so
/// `8 (916) 123-45-67` in a do-not-call list meets `+79161234567` in the base.
fn contact_keys(settings: &NormalizeSettings) -> KeyNormalizer {
    let phone_options = phone::PhoneOptions::with_region(settings.region.clone());
    let phone_key = move |raw: &str| {
        let cell = phone::normalize_phone(raw, &phone_options);
        cell.numbers.first().map(|n| n.e164.clone())
    };
    let email_key = |raw: &str| {
        let cell = email::normalize_email(raw, &email::EmailOptions::default());
        cell.address.map(|a| a.match_key)
    };
    KeyNormalizer::new(Arc::new(phone_key), Arc::new(email_key))
}

fn load_suppression(paths: &[PathBuf], keys: &KeyNormalizer) -> Result<SuppressionList> {
    let mut text = String::new();
    for path in paths {
        let bytes =
            std::fs::read(path).map_err(|cause| Error::Read { path: path.clone(), cause })?;
        let detected = input::encoding::detect(&bytes, None)
            .map_err(|e| Error::Unreadable { path: path.clone(), detail: e.0 })?;
        let (decoded, _) = detected.encoding.decode_with_bom_removal(&bytes);
        text.push_str(&decoded);
        text.push('\n');
    }
    Ok(SuppressionList::from_text(&text, keys.clone()))
}

fn load_contact_log(path: Option<&Path>, keys: &KeyNormalizer) -> Result<Option<ContactLog>> {
    let Some(path) = path else { return Ok(None) };
    let bytes =
        std::fs::read(path).map_err(|cause| Error::Read { path: path.to_path_buf(), cause })?;
    let detected = input::encoding::detect(&bytes, None)
        .map_err(|e| Error::Unreadable { path: path.to_path_buf(), detail: e.0 })?;
    let (decoded, _) = detected.encoding.decode_with_bom_removal(&bytes);
    let delimiter = input::dialect::sniff_delimiter(decoded.as_bytes());
    let reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(decoded.as_bytes());
    ContactLog::parse_with_keys(reader, keys).map(Some).map_err(|e| Error::Unreadable {
        path: path.to_path_buf(),
        detail: format!("{e}; expected columns: client id or phone/email, channel, timestamp"),
    })
}

/// Runs the domain checks; their findings join each row's issues. Returns each row's segment
/// and contactability.
fn run_checks(
    normalized: &mut [NormalizedRow],
    columns: &ColumnMap,
    clusters: &[Option<u32>],
    params: &CheckParams,
    as_of: chrono::NaiveDate,
    contact_log: Option<&ContactLog>,
    suppression: &SuppressionList,
) -> (Vec<Segment>, Vec<Contactability>) {
    let (row_issues, table_issues, segments, reach) = {
        let views: Vec<RowView> = normalized
            .iter()
            .zip(clusters)
            .map(|(n, &cluster)| RowView {
                values: &n.record,
                columns,
                cell_issues: &n.issues,
                cluster,
            })
            .collect();
        let per_row: Vec<(Vec<CellIssue>, Segment, Contactability)> = views
            .par_iter()
            .map(|v| {
                let mut out = Vec::new();
                checks::check_row(v, params, as_of, &mut out);
                (out, segment(v, params, as_of), contactability(v, suppression, as_of))
            })
            .collect();
        let mut table = Vec::new();
        checks::check_table(&views, params, as_of, contact_log, Some(suppression), &mut table);
        let mut row_issues = Vec::with_capacity(per_row.len());
        let mut segments = Vec::with_capacity(per_row.len());
        let mut reach = Vec::with_capacity(per_row.len());
        for (issues, seg, r) in per_row {
            row_issues.push(issues);
            segments.push(seg);
            reach.push(r);
        }
        (row_issues, table, segments, reach)
    };
    for (n, issues) in normalized.iter_mut().zip(row_issues) {
        n.issues.extend(issues);
    }
    for (i, issue) in table_issues {
        if let Some(n) = normalized.get_mut(i) {
            n.issues.push(issue);
        }
    }
    (segments, reach)
}

/// Where a finding-bearing row sits in the findings' order: a quarantined row or a data row.
#[derive(Debug, Clone, Copy)]
enum Place {
    Quarantined(usize),
    Data(usize),
}

/// Every quarantined and data row in findings order (source, then row number).
fn places(input: &UnifiedInput) -> Vec<Place> {
    let mut out = Vec::with_capacity(input.rows.len() + input.quarantine.len());
    let mut q = input.quarantine.iter().enumerate().peekable();
    for (i, r) in input.rows.iter().enumerate() {
        while let Some((j, _)) = q.next_if(|(_, q)| (q.source, q.row) < (r.source, r.row)) {
            out.push(Place::Quarantined(j));
        }
        out.push(Place::Data(i));
    }
    out.extend(q.map(|(j, _)| Place::Quarantined(j)));
    out
}

/// Every finding counted for the gate (what the gate and the counts need: place, rule and
/// effective severity, no text), chunks of rows on all cores. Findings of disabled rules are
/// left out.
fn tally_findings(
    input: &UnifiedInput,
    normalized: &[NormalizedRow],
    rules: &RuleSet,
) -> gate::Tally {
    let mut quarantined = gate::Tally::default();
    for q in &input.quarantine {
        if let Some(severity) = rules.severity(q.code) {
            quarantined.add(FindingKey { source: q.source, row: q.row, code: q.code, severity });
        }
    }
    // Chunks hold whole rows, so no row is counted in two tallies.
    input
        .rows
        .par_chunks(CHUNK)
        .zip(normalized.par_chunks(CHUNK))
        .map(|(rows, norms)| {
            let mut t = gate::Tally::default();
            for (row, norm) in rows.iter().zip(norms) {
                for issue in norm.all_issues() {
                    if let Some(severity) = rules.severity(issue.code) {
                        let code = issue.code;
                        t.add(FindingKey { source: row.source, row: row.row, code, severity });
                    }
                }
            }
            t
        })
        .collect::<Vec<_>>()
        .into_iter()
        .fold(quarantined, gate::Tally::merge)
}

/// The finding of a quarantined row, unless its rule is disabled.
fn quarantine_finding(q: &QuarantinedRow, rules: &RuleSet) -> Option<Finding> {
    Some(Finding {
        source: q.source,
        row: q.row,
        column: None,
        code: q.code,
        severity: rules.severity(q.code)?,
        before: String::new(),
        after: String::new(),
        message: format!("row quarantined: {}", q.reason),
    })
}

/// The findings of data row `index`, sorted by column and code, with effective severities and
/// personal values masked in messages unless `show_values`. `only` keeps the issues it accepts
/// (the others are never formatted).
fn row_findings(
    analysis_parts: (&UnifiedInput, &ColumnMap, &[NormalizedRow]),
    index: usize,
    show_values: bool,
    rules: &RuleSet,
    only: &mut dyn FnMut(&'static str) -> bool,
) -> Vec<Finding> {
    let (input, columns, normalized) = analysis_parts;
    let (row, norm) = (&input.rows[index], &normalized[index]);
    let mut findings = Vec::new();
    for issue in norm.all_issues() {
        let Some(severity) = rules.severity(issue.code) else { continue };
        if !only(issue.code) {
            continue;
        }
        let column = (issue.column != CellIssue::ROW).then_some(issue.column);
        let before = norm.raw(issue.column as usize).to_string();
        let normalized_value = norm.record.get(issue.column as usize).unwrap_or("");
        let after = issue.suggestion.unwrap_or(normalized_value).to_string();
        // Dates, consent flags and statuses are not personal: keep them readable.
        let show = show_values || non_personal(columns.role(issue.column as usize));
        // Most messages are fixed sentences: mask only what a message quotes.
        let mut message = issue.message().into_owned();
        if !show && !before.is_empty() && message.contains(before.as_str()) {
            message = message.replace(&before, &mask_value(&before));
        }
        // Checks that run after normalization quote the normalized value: mask it too.
        let trimmed = normalized_value.trim();
        if !show && !trimmed.is_empty() && trimmed != before && message.contains(trimmed) {
            message = message.replace(trimmed, &mask_value(trimmed));
        }
        findings.push(Finding {
            source: row.source,
            row: row.row,
            column,
            code: issue.code,
            severity,
            before,
            after,
            message,
        });
    }
    // Stable, so equal keys keep their (deterministic) production order.
    findings.sort_by(|a, b| (a.column, a.code).cmp(&(b.column, b.code)));
    findings
}

/// The findings of the rows at `places`, in order.
fn findings_at(analysis: &Analysis, places: &[Place]) -> Vec<Finding> {
    let parts = (&analysis.input, &analysis.columns, analysis.normalized.as_slice());
    let rules = &analysis.rules;
    places
        .iter()
        .flat_map(|&place| match place {
            Place::Quarantined(j) => {
                quarantine_finding(&analysis.input.quarantine[j], rules).into_iter().collect()
            }
            Place::Data(i) => row_findings(parts, i, analysis.show_values, rules, &mut |_| true),
        })
        .collect()
}

/// The first `per_rule` findings of each code, in findings order (the report's samples).
fn first_findings(
    parts: (&UnifiedInput, &ColumnMap, &[NormalizedRow]),
    show_values: bool,
    rules: &RuleSet,
    per_rule: usize,
) -> Vec<Finding> {
    let mut taken: std::collections::HashMap<&'static str, usize> = Default::default();
    let mut out = Vec::new();
    for place in places(parts.0) {
        let found = match place {
            Place::Quarantined(j) => {
                quarantine_finding(&parts.0.quarantine[j], rules).into_iter().collect()
            }
            Place::Data(i) => {
                let wanted = |code: &'static str| taken.get(code).copied().unwrap_or(0) < per_rule;
                if !parts.2[i].all_issues().any(|issue| wanted(issue.code)) {
                    continue;
                }
                row_findings(parts, i, show_values, rules, &mut |code| wanted(code))
            }
        };
        for f in found {
            let n = taken.entry(f.code).or_insert(0);
            if *n < per_rule {
                *n += 1;
                out.push(f);
            }
        }
    }
    out
}

/// Names of the files `clean` writes.
pub const CLEAN_OUTPUTS: [&str; 10] = [
    "cleaned.csv",
    "quarantine.csv",
    "findings.csv",
    "clusters.csv",
    "merges.csv",
    "review.csv",
    "report.json",
    "report.md",
    "report.html",
    "junit.xml",
];

/// Names of the files `dedupe` writes.
pub const DEDUPE_OUTPUTS: [&str; 4] = ["clusters.csv", "merges.csv", "review.csv", "report.json"];

/// Writes the outputs of `clean` into `dir`, atomically. Returns the written paths.
pub fn write_clean_outputs(
    analysis: &Analysis,
    dir: &Path,
    inputs: &[PathBuf],
    progress: &dyn Progress,
) -> Result<Vec<PathBuf>> {
    write_outputs(analysis, dir, inputs, &CLEAN_OUTPUTS, progress)
}

/// Writes the outputs of `dedupe` (clusters, review pairs, report) into `dir`, atomically.
pub fn write_dedupe_outputs(
    analysis: &Analysis,
    dir: &Path,
    inputs: &[PathBuf],
    progress: &dyn Progress,
) -> Result<Vec<PathBuf>> {
    write_outputs(analysis, dir, inputs, &DEDUPE_OUTPUTS, progress)
}

fn write_outputs(
    analysis: &Analysis,
    dir: &Path,
    inputs: &[PathBuf],
    names: &[&'static str],
    progress: &dyn Progress,
) -> Result<Vec<PathBuf>> {
    let set = OutputSet::new(dir, names, inputs)?;
    // The files are written at once: each is formatted on all cores, and one file's serial
    // writes and disk syncs leave room for the others. A failure is reported for the first
    // failed file in the order named.
    progress.start("writing outputs", 0);
    let written: Vec<Result<()>> =
        names.par_iter().map(|&name| write_output(analysis, &set, dir, name)).collect();
    progress.finish();
    written.into_iter().collect::<Result<()>>()?;
    progress.start("committing outputs", 0);
    let written = set.commit();
    progress.finish();
    written
}

/// Writes output `name` of `set` into `dir`.
fn write_output(analysis: &Analysis, set: &OutputSet, dir: &Path, name: &str) -> Result<()> {
    let path = dir.join(name);
    match name {
        "cleaned.csv" => write_cleaned(analysis, set, &path),
        "quarantine.csv" => write_quarantine(analysis, set, &path),
        "findings.csv" => write_findings(analysis, set, &path),
        "clusters.csv" => write_clusters(analysis, set, &path),
        "review.csv" => write_review(analysis, set, &path),
        "merges.csv" => write_merges(analysis, set, &path),
        _ => {
            let text = match name {
                "report.json" => {
                    let mut t = serde_json::to_string_pretty(&analysis.report)
                        .map_err(|e| Error::Write { path: path.clone(), cause: e.into() })?;
                    t.push('\n');
                    t
                }
                "report.md" => markdown::render(&analysis.report),
                "report.html" => html::render(&analysis.report),
                "junit.xml" => junit::render(&analysis.report),
                other => return Err(Error::Usage(format!("unknown output {other}"))),
            };
            let mut w = set.create(name)?;
            std::io::Write::write_all(&mut w, text.as_bytes())
                .map_err(|cause| Error::Write { path: path.clone(), cause })?;
            set.finish(w, &path)
        }
    }
}

/// Writes the normalized table alone (the `normalize` command) to `path`, atomically.
pub fn write_normalized(analysis: &Analysis, path: &Path, inputs: &[PathBuf]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Usage(format!("{}: --out must name a file", path.display())))?;
    let set = OutputSet::new(&dir, &[name], inputs)?;
    write_cleaned_named(analysis, &set, name, path, false)?;
    set.commit().map(|_| ())
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    let source = match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    };
    Error::Write { path: path.to_path_buf(), cause: source }
}

fn finish_csv(
    set: &OutputSet,
    w: csv::Writer<std::io::BufWriter<std::fs::File>>,
    path: &Path,
) -> Result<()> {
    let inner = w.into_inner().map_err(|e| Error::Write {
        path: path.to_path_buf(),
        cause: std::io::Error::other(e.to_string()),
    })?;
    set.finish(inner, path)
}

fn write_cleaned(analysis: &Analysis, set: &OutputSet, path: &Path) -> Result<()> {
    write_cleaned_named(analysis, set, "cleaned.csv", path, true)
}

fn write_cleaned_named(
    analysis: &Analysis,
    set: &OutputSet,
    name: &str,
    path: &Path,
    with_assessment: bool,
) -> Result<()> {
    let several = analysis.input.sources.len() > 1;
    let mut header: Vec<String> = analysis.input.headers.clone();
    // One extension column per phone column that has any extension, so nothing typed is lost.
    let ext_columns = extension_columns(analysis);
    for &c in &ext_columns {
        header.push(format!("steward_ext_{}", analysis.input.headers[c as usize]));
    }
    header.push("steward_row".into());
    if several {
        header.push("steward_source".into());
    }
    if with_assessment {
        header.push("steward_cluster".into());
    }
    header.push("steward_issues".into());
    if with_assessment {
        for h in ["steward_segment", "steward_can_email", "steward_can_sms", "steward_can_call"] {
            header.push(h.into());
        }
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let cluster_of = analysis.dedupe.as_ref().map(|d| d.cluster_of.as_slice());
    let indices: Vec<usize> = (0..analysis.input.rows.len()).collect();
    write_csv_batched(set, name, path, &header, &indices, WRITE_BATCH, |&i, w| {
        let cluster = cluster_of.and_then(|all| all.get(i).copied());
        let merged = cluster.and_then(|c| Some((c, analysis.merged_clusters.get(&c)?)));
        // A cluster is written once, at its first row; its other rows are merged into it.
        let golden = match merged {
            Some((_, members)) if members.first() != Some(&(i as u32)) => return Ok(()),
            Some((c, _)) => analysis.golden(c),
            None => None,
        };
        let members: Vec<usize> = match &golden {
            Some(g) => g.members.clone(),
            None => vec![i],
        };
        let mut record = crate::record::RecordBuilder::from(match golden {
            Some(ref g) => g.record.clone(),
            None => analysis.normalized[i].record.clone(),
        });
        for c in &ext_columns {
            let exts: Vec<&str> = members
                .iter()
                .flat_map(|&m| analysis.normalized[m].extensions.iter())
                .filter(|(col, _)| col == c)
                .map(|(_, e)| e.as_str())
                .collect();
            record.push_field(&exts.join("; "));
        }
        let rows = &analysis.input.rows;
        record.push_field(
            &members.iter().map(|&m| rows[m].row.to_string()).collect::<Vec<_>>().join(";"),
        );
        if several {
            let sources: Vec<&str> = members
                .iter()
                .map(|&m| analysis.input.sources[rows[m].source as usize].path.as_str())
                .collect();
            record.push_field(&sources.join(";"));
        }
        if with_assessment {
            record
                .push_field(&cluster.map(cluster_label).unwrap_or_else(|| cluster_label(i as u32)));
        }
        // steward_issues names problems only; changes (Info) are in findings.csv.
        let mut codes: Vec<&str> = Vec::new();
        for issue in members.iter().flat_map(|&m| analysis.normalized[m].all_issues()) {
            let reported = analysis.report.findings.get(issue.code);
            let problem = reported.is_some_and(|c| c.severity != "info");
            if problem && !codes.contains(&issue.code) {
                codes.push(issue.code);
            }
        }
        record.push_field(&codes.join(";"));
        if with_assessment {
            let (segment, reach) = match cluster.and_then(|c| analysis.golden_assessment.get(&c)) {
                Some(&(s, r)) if golden.is_some() => (s, r),
                _ => (
                    analysis.segments.get(i).copied().unwrap_or(Segment::Unknown),
                    analysis.reach.get(i).copied().unwrap_or_default(),
                ),
            };
            record.push_field(segment.as_str());
            record.push_field(yes_no(reach.can_email));
            record.push_field(yes_no(reach.can_sms));
            record.push_field(yes_no(reach.can_call));
        }
        w.write_record(&record.finish())
    })
}

/// Human address of row `index`: `row 12`, or `row 12 of b.csv` with several inputs.
pub fn row_label(analysis: &Analysis, index: usize) -> String {
    analysis.input.rows.get(index).map_or_else(String::new, |r| {
        if analysis.input.sources.len() > 1 {
            format!("row {} of {}", r.row, analysis.input.sources[r.source as usize].path)
        } else {
            format!("row {}", r.row)
        }
    })
}

/// Finds a row by its data-row number, `N` (first input) or `FILE:N`.
pub fn find_row(analysis: &Analysis, spec: &str) -> Option<usize> {
    let (source, number) = match spec.rsplit_once(':') {
        Some((file, n)) => {
            let s = analysis
                .input
                .sources
                .iter()
                .position(|s| s.path == file || s.path.ends_with(file))?;
            (s as u32, n.trim().parse::<u64>().ok()?)
        }
        None => (0, spec.trim().parse::<u64>().ok()?),
    };
    analysis.input.rows.iter().position(|r| r.source == source && r.row == number)
}

/// Explains why two rows do or do not match: each field's comparison level and weight.
pub fn explain_rows(analysis: &Analysis, a: usize, b: usize) -> Option<dedupe::Explanation> {
    let d = analysis.dedupe.as_ref()?;
    let entity = |i: usize| {
        let row = analysis.input.rows.get(i)?;
        let n = analysis.normalized.get(i)?;
        Some(dedupe::entity::entity_from_row(&n.record, &analysis.columns, row.source))
    };
    Some(dedupe::explain(&entity(a)?, &entity(b)?, &d.model))
}

/// One line per field: `surname exact +4.12`.
pub fn explanation_text(e: &dedupe::Explanation) -> String {
    e.fields
        .iter()
        .filter(|f| f.weight != 0.0 || f.level_name != "missing")
        .map(|f| format!("{} {} {:+.2}", f.field.name(), f.level_name, f.weight))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Cluster ids as written: 1-based in input order of each cluster's first row.
fn cluster_label(c: u32) -> String {
    (u64::from(c) + 1).to_string()
}

fn write_clusters(analysis: &Analysis, set: &OutputSet, path: &Path) -> Result<()> {
    /// One line of `clusters.csv`: a data row (by index), or a quarantined row (by index)
    /// with the cluster of its own it gets.
    enum Line {
        Row(usize),
        Quarantined(usize, u32),
    }
    let id_col = analysis.columns.first(Role::Id);
    let cluster_of = analysis.dedupe.as_ref().map(|d| d.cluster_of.as_slice());
    let mut sizes: Vec<u32> = Vec::new();
    if let Some(all) = cluster_of {
        sizes = vec![0; all.iter().max().map_or(0, |&m| m as usize + 1)];
        for &c in all {
            sizes[c as usize] += 1;
        }
    }
    let mut next_free = cluster_of
        .map_or(analysis.input.rows.len() as u32, |all| all.iter().max().map_or(0, |m| m + 1));
    // Rows and quarantined rows, merged back into input order.
    let rows = &analysis.input.rows;
    let quarantine = &analysis.input.quarantine;
    let mut lines = Vec::with_capacity(rows.len() + quarantine.len());
    let (mut r, mut q) = (0usize, 0usize);
    while r < rows.len() || q < quarantine.len() {
        let take_row = match (rows.get(r), quarantine.get(q)) {
            (Some(a), Some(b)) => (a.source, a.row) < (b.source, b.row),
            (Some(_), None) => true,
            _ => false,
        };
        if take_row {
            lines.push(Line::Row(r));
            r += 1;
        } else {
            // A quarantined row is its own cluster: it was never compared.
            lines.push(Line::Quarantined(q, next_free));
            next_free += 1;
            q += 1;
        }
    }
    let source = |s: u32| analysis.input.sources[s as usize].path.as_str();
    let header = ["source", "row", "id", "cluster", "status"];
    write_csv_batched(
        set,
        "clusters.csv",
        path,
        &header,
        &lines,
        WRITE_BATCH,
        |line, w| match *line {
            Line::Row(r) => {
                let row = &rows[r];
                let c = cluster_of.and_then(|all| all.get(r).copied()).unwrap_or(r as u32);
                let duplicate = sizes.get(c as usize).is_some_and(|&n| n > 1);
                let status = if duplicate { "duplicate" } else { "single" };
                let id = id_col.map_or("", |i| analysis.normalized[r].raw(i));
                let (row_no, cluster) = (row.row.to_string(), cluster_label(c));
                w.write_record([source(row.source), &row_no, id, &cluster, status])
            }
            Line::Quarantined(q, c) => {
                let qr = &quarantine[q];
                let (row_no, cluster) = (qr.row.to_string(), cluster_label(c));
                w.write_record([source(qr.source), &row_no, "", &cluster, "quarantined"])
            }
        },
    )
}

/// Writes the CSV file `name`: `header`, then `items` a batch at a time. Each batch is
/// formatted into CSV bytes on all cores, in order, then written: output rows are built in
/// parallel and never all held.
fn write_csv_batched<T: Sync>(
    set: &OutputSet,
    name: &str,
    path: &Path,
    header: &[&str],
    items: &[T],
    batch: usize,
    format: impl Fn(&T, &mut csv::Writer<Vec<u8>>) -> csv::Result<()> + Sync,
) -> Result<()> {
    let mut out = set.create(name)?;
    let bytes_of = |w: csv::Writer<Vec<u8>>| {
        w.into_inner().map_err(|e| Error::Write {
            path: path.to_path_buf(),
            cause: std::io::Error::other(e.to_string()),
        })
    };
    let write = |out: &mut std::io::BufWriter<std::fs::File>, bytes: &[u8]| {
        std::io::Write::write_all(out, bytes)
            .map_err(|cause| Error::Write { path: path.to_path_buf(), cause })
    };
    let mut head = csv::Writer::from_writer(Vec::new());
    head.write_record(header).map_err(|e| csv_error(path, e))?;
    write(&mut out, &bytes_of(head)?)?;
    // Enough parts per batch to keep every core busy, few enough to stay cheap.
    let part = (batch / 64).max(1);
    let batches = items.chunks(batch.max(1));
    let last = batches.len().saturating_sub(1);
    for (b, batch) in batches.enumerate() {
        let parts: Vec<Vec<u8>> = batch
            .par_chunks(part)
            .map(|part| {
                let mut w = csv::Writer::from_writer(Vec::new());
                for item in part {
                    format(item, &mut w).map_err(|e| csv_error(path, e))?;
                }
                bytes_of(w)
            })
            .collect::<Result<_>>()?;
        for part in parts {
            write(&mut out, &part)?;
        }
        // The last batch is synced by `finish`.
        if b < last {
            set.write_back(&mut out, path)?;
        }
    }
    set.finish(out, path)
}

/// Field provenance of golden records: for each merged cluster and column, the value kept,
/// the strategy that chose it, the rows it came from and the values set aside.
fn write_merges(analysis: &Analysis, set: &OutputSet, path: &Path) -> Result<()> {
    let header = ["cluster", "rows", "column", "strategy", "value", "from_rows", "set_aside"];
    let place = |i: usize| {
        analysis.input.rows.get(i).map_or_else(String::new, |r| {
            if analysis.input.sources.len() > 1 {
                format!("{}:{}", analysis.input.sources[r.source as usize].path, r.row)
            } else {
                r.row.to_string()
            }
        })
    };
    let clusters: Vec<u32> = analysis.merged_clusters.keys().copied().collect();
    // A cluster is a line per column (a kilobyte or two): fewer of them per batch.
    let batch = WRITE_BATCH / 16;
    write_csv_batched(set, "merges.csv", path, &header, &clusters, batch, |&cluster, w| {
        let Some(g) = analysis.golden(cluster) else { return Ok(()) };
        let cluster = cluster_label(cluster);
        let rows = g.members.iter().map(|&m| place(m)).collect::<Vec<_>>().join(";");
        for p in &g.provenance {
            let column = analysis.input.headers.get(p.column as usize).map_or("", String::as_str);
            let value = g.record.get(p.column as usize).unwrap_or("");
            let from = p.from_rows.iter().map(|&m| place(m)).collect::<Vec<_>>().join(";");
            let aside = p
                .discarded
                .iter()
                .map(|(m, v)| format!("{}={v}", place(*m)))
                .collect::<Vec<_>>()
                .join("; ");
            w.write_record([&cluster, &rows, column, p.strategy, value, &from, &aside])?;
        }
        Ok(())
    })
}

fn write_review(analysis: &Analysis, set: &OutputSet, path: &Path) -> Result<()> {
    let header = [
        "source_a",
        "row_a",
        "source_b",
        "row_b",
        "probability",
        "weight",
        "kept_apart_because",
        "explanation",
    ];
    let pairs = analysis.dedupe.as_ref().map_or(&[][..], |d| &d.review_pairs[..]);
    write_csv_batched(set, "review.csv", path, &header, pairs, WRITE_BATCH, |pair, w| {
        let (a, b) = (pair.a as usize, pair.b as usize);
        let (Some(ra), Some(rb)) = (analysis.input.rows.get(a), analysis.input.rows.get(b)) else {
            return Ok(());
        };
        let explanation =
            explain_rows(analysis, a, b).map(|e| explanation_text(&e)).unwrap_or_default();
        let src = |r: &input::RowPlace| analysis.input.sources[r.source as usize].path.as_str();
        w.write_record([
            src(ra),
            &ra.row.to_string(),
            src(rb),
            &rb.row.to_string(),
            &format!("{:.4}", pair.probability),
            &format!("{:.3}", pair.weight),
            pair.veto.map_or("", |v| v.describe()),
            &explanation,
        ])
    })
}

/// Phone columns with at least one extension, in column order.
fn extension_columns(analysis: &Analysis) -> Vec<u32> {
    let mut cols: Vec<u32> =
        analysis.normalized.iter().flat_map(|n| n.extensions.iter().map(|(c, _)| *c)).collect();
    cols.sort_unstable();
    cols.dedup();
    cols
}

fn write_quarantine(analysis: &Analysis, set: &OutputSet, path: &Path) -> Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(set.create("quarantine.csv")?);
    w.write_record(["source", "row", "line", "code", "reason", "raw"])
        .map_err(|e| csv_error(path, e))?;
    for q in &analysis.input.quarantine {
        let QuarantinedRow { source, row, line, code, reason, raw } = q;
        let src = &analysis.input.sources[*source as usize].path;
        w.write_record([src.as_str(), &row.to_string(), &line.to_string(), code, reason, raw])
            .map_err(|e| csv_error(path, e))?;
    }
    finish_csv(set, w, path)
}

fn write_findings(analysis: &Analysis, set: &OutputSet, path: &Path) -> Result<()> {
    let header = ["source", "row", "column", "code", "severity", "before", "after", "message"];
    // Findings are formatted while written, never all held: a base has millions.
    let places = places(&analysis.input);
    write_csv_batched(set, "findings.csv", path, &header, &places, WRITE_BATCH, |&place, w| {
        for f in findings_at(analysis, &[place]) {
            let src = &analysis.input.sources[f.source as usize].path;
            let column = f
                .column
                .and_then(|c| analysis.input.headers.get(c as usize))
                .map_or("", String::as_str);
            w.write_record([
                src.as_str(),
                &f.row.to_string(),
                column,
                f.code,
                f.severity.as_str(),
                &f.before,
                &f.after,
                &f.message,
            ])?;
        }
        Ok(())
    })
}
