//! Seeded generator of realistic CRM customer bases, with a ground-truth file.
//!
//! ```text
//! cargo run --release --example gen_contacts -- --rows 1000000 --seed 42 \
//!     --out base.csv --truth truth.csv [--lang ru|en|mixed] \
//!     [--encoding utf-8|windows-1251] [--delimiter ';'] [--headers ru|en] [--bom] [--crlf]
//! ```
//!
//! The base is a CRM export: Russian headers (`ID клиента;ФИО;Телефон;…`) for `--lang ru|mixed`,
//! English headers (`client_id,first_name,…`) for `--lang en`. About 10% of the people are
//! written 1-3 more times, corrupted the way CRMs corrupt them (typos, name order, initials,
//! nicknames, transliteration, other phone formats, missing fields, `ё→е`, email case and
//! Gmail dots, second phones, other managers). Hard non-matches are planted on purpose:
//! households (same surname, address and home phone), namesakes (same name, other patronymic
//! or birth date) and company switchboards shared by many contacts.
//!
//! The truth file has `row,entity`: the 1-based data-row number (header excluded) and the id of
//! the real person behind it, so pairwise precision/recall/F1 of a deduplicator can be computed.
//!
//! Output is byte-identical for the same arguments: one splitmix64 stream drives everything,
//! the reference date is fixed (2025-06-30) and nothing iterates a hash map. Rows are streamed;
//! memory holds only the duplicates waiting for their turn and a small window of recent people.
#![allow(clippy::print_stderr)]

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Instant;

use clap::{Parser, ValueEnum};

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum Lang {
    /// Russian people only, Russian headers.
    Ru,
    /// English-speaking (US/GB) people only, English headers.
    En,
    /// Mostly Russian people with some US/GB ones, Russian headers.
    Mixed,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum Headers {
    Ru,
    En,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
enum Enc {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "windows-1251", alias = "cp1251")]
    Windows1251,
}

/// Generate a synthetic CRM export with planted duplicates and a truth file.
#[derive(Parser, Debug)]
#[command(about)]
struct Args {
    /// Number of data rows to write (header excluded).
    #[arg(long)]
    rows: u64,
    /// Seed of the pseudo-random stream; the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output CSV file.
    #[arg(long)]
    out: PathBuf,
    /// Truth file (`row,entity`).
    #[arg(long)]
    truth: PathBuf,
    /// Which people fill the base.
    #[arg(long, value_enum, default_value_t = Lang::Mixed)]
    lang: Lang,
    /// Header language; defaults to English for `--lang en`, Russian otherwise.
    #[arg(long, value_enum)]
    headers: Option<Headers>,
    /// Output encoding.
    #[arg(long, value_enum, default_value_t = Enc::Utf8)]
    encoding: Enc,
    /// Field delimiter (one ASCII character, or `tab`); defaults to `;` for Russian headers
    /// and `,` for English ones.
    #[arg(long)]
    delimiter: Option<String>,
    /// Start the file with a UTF-8 byte-order mark (ignored for windows-1251).
    #[arg(long)]
    bom: bool,
    /// End records with `\r\n` (Excel, 1C) instead of `\n`.
    #[arg(long)]
    crlf: bool,
}

/// Settings of one generation run.
#[derive(Clone, Debug)]
pub struct Config {
    pub rows: u64,
    pub seed: u64,
    pub lang: Lang,
    pub headers: Headers,
    pub delimiter: u8,
    pub crlf: bool,
}

/// What a run produced.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub rows: u64,
    pub entities: u64,
    /// Rows whose entity has at least one other row.
    pub rows_in_duplicate_groups: u64,
    /// Number of true duplicate pairs (sum of n*(n-1)/2 over entities).
    pub true_pairs: u64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let headers =
        args.headers.unwrap_or(if args.lang == Lang::En { Headers::En } else { Headers::Ru });
    let delimiter = match args.delimiter.as_deref() {
        None => {
            if headers == Headers::Ru {
                b';'
            } else {
                b','
            }
        }
        Some("tab") | Some("\\t") | Some("\t") => b'\t',
        Some(d) if d.len() == 1 && d.is_ascii() => d.as_bytes()[0],
        Some(d) => return Err(format!("--delimiter must be one ASCII character, got {d:?}").into()),
    };
    let cfg = Config {
        rows: args.rows,
        seed: args.seed,
        lang: args.lang,
        headers,
        delimiter,
        crlf: args.crlf,
    };

    let started = Instant::now();
    let mut out_file = BufWriter::with_capacity(1 << 20, File::create(&args.out)?);
    let truth_file = BufWriter::with_capacity(1 << 20, File::create(&args.truth)?);
    let stats = match args.encoding {
        Enc::Utf8 => {
            if args.bom {
                out_file.write_all(b"\xEF\xBB\xBF")?;
            }
            generate(&cfg, out_file, truth_file)?
        }
        Enc::Windows1251 => generate(&cfg, Cp1251Writer::new(out_file), truth_file)?,
    };
    let elapsed = started.elapsed();
    let size = std::fs::metadata(&args.out)?.len();
    eprintln!(
        "wrote {} rows ({} entities, {} rows in duplicate groups, {} true pairs) to {} \
         ({:.1} MB) in {:.2} s",
        stats.rows,
        stats.entities,
        stats.rows_in_duplicate_groups,
        stats.true_pairs,
        args.out.display(),
        size as f64 / 1e6,
        elapsed.as_secs_f64()
    );
    Ok(())
}

/// Writes the base to `out` and the truth to `truth`; the caller chooses the encoding.
pub fn generate<W: Write, T: Write>(cfg: &Config, out: W, truth: T) -> io::Result<Stats> {
    let terminator = if cfg.crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
    let mut wtr =
        csv::WriterBuilder::new().delimiter(cfg.delimiter).terminator(terminator).from_writer(out);
    let mut truth_wtr = csv::WriterBuilder::new().from_writer(truth);

    let headers: &[&str] = match cfg.headers {
        Headers::Ru => RU_HEADERS,
        Headers::En => EN_HEADERS,
    };
    wtr.write_record(headers)?;
    truth_wtr.write_record(["row", "entity"])?;

    let mut rng = Rng::new(cfg.seed);
    let mut world = World::new(cfg, &mut rng);
    let mut pending: BinaryHeap<Pending> = BinaryHeap::new();
    let mut rows_per_entity: Vec<u8> = Vec::new();
    let mut seq: u64 = 0;
    let mut fields: Vec<String> = Vec::with_capacity(32);

    for row in 1..=cfg.rows {
        let remaining = cfg.rows - row + 1;
        // A waiting duplicate goes out when its turn has come, or when the file is about to
        // end and every remaining row is needed to place the waiting ones.
        let take_pending = match pending.peek() {
            Some(top) => top.due <= row || remaining <= pending.len() as u64,
            None => false,
        };
        let job = if take_pending { pending.pop() } else { None };
        let entity = if let Some(job) = job {
            let dup = world.duplicate_of(&job.person, &mut rng);
            render(&dup, true, &mut world, &mut rng, &mut fields);
            dup.entity
        } else {
            let person = Rc::new(world.new_person(&mut rng));
            let copies = if rng.chance(0.10) {
                match rng.weighted(&[70, 22, 8]) {
                    0 => 1,
                    1 => 2,
                    _ => 3,
                }
            } else {
                0
            };
            for _ in 0..copies {
                seq += 1;
                pending.push(Pending {
                    due: row + world.duplicate_delay(&mut rng),
                    seq,
                    person: Rc::clone(&person),
                });
            }
            render(&person, false, &mut world, &mut rng, &mut fields);
            world.remember(&person);
            person.entity
        };
        wtr.write_record(fields.iter())?;
        truth_wtr.write_record([row.to_string(), entity.to_string()])?;
        let idx = entity as usize;
        if rows_per_entity.len() <= idx {
            rows_per_entity.resize(idx + 1, 0);
        }
        rows_per_entity[idx] = rows_per_entity[idx].saturating_add(1);
    }
    wtr.flush()?;
    truth_wtr.flush()?;

    let mut stats = Stats { rows: cfg.rows, ..Stats::default() };
    for &n in &rows_per_entity {
        let n = u64::from(n);
        if n > 0 {
            stats.entities += 1;
        }
        if n > 1 {
            stats.rows_in_duplicate_groups += n;
            stats.true_pairs += n * (n - 1) / 2;
        }
    }
    Ok(stats)
}

/// A duplicate waiting for its row.
struct Pending {
    due: u64,
    seq: u64,
    person: Rc<Person>,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    /// Reversed, so that the max-heap pops the earliest due (then earliest scheduled) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.due, other.seq).cmp(&(self.due, self.seq))
    }
}

/// Streams UTF-8 in, Windows-1251 out; chunks are cut at character boundaries.
struct Cp1251Writer<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Cp1251Writer<W> {
    fn new(inner: W) -> Self {
        Cp1251Writer { inner, pending: Vec::with_capacity(1 << 16) }
    }

    fn drain(&mut self) -> io::Result<()> {
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(s) => s.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = std::str::from_utf8(&self.pending[..valid])
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        // Every character the generator emits exists in Windows-1251; anything else would
        // come out as an HTML numeric reference, which is what encoding_rs does.
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        self.inner.write_all(&bytes)?;
        self.pending.drain(..valid);
        Ok(())
    }
}

impl<W: Write> Write for Cp1251Writer<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= 1 << 16 {
            self.drain()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain()?;
        self.inner.flush()
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness and dates
// ---------------------------------------------------------------------------------------------

/// splitmix64: tiny, fast, and good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_F00D)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n == 0`).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.index(xs.len())]
    }

    fn pick_str(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.index(xs.len())]
    }

    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len() - 1
    }

    fn pick_weighted<'a, T>(&mut self, xs: &'a [(T, u32)]) -> &'a T {
        let total: u64 = xs.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut x = self.below(total);
        for (v, w) in xs {
            if x < u64::from(*w) {
                return v;
            }
            x -= u64::from(*w);
        }
        &xs[xs.len() - 1].0
    }

    fn digits(&mut self, out: &mut String, n: usize) {
        for _ in 0..n {
            out.push(char::from(b'0' + self.below(10) as u8));
        }
    }
}

/// Days since 1970-01-01.
type Day = i32;

fn day(y: i32, m: u32, d: u32) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

fn civil(z: Day) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn ru_date(d: Day) -> String {
    let (y, m, dd) = civil(d);
    format!("{dd:02}.{m:02}.{y:04}")
}

fn iso_date(d: Day) -> String {
    let (y, m, dd) = civil(d);
    format!("{y:04}-{m:02}-{dd:02}")
}

/// "Today" of every generated base, fixed so that output never depends on the clock.
fn reference_day() -> Day {
    day(2025, 6, 30)
}

const YEAR: i32 = 365;

// ---------------------------------------------------------------------------------------------
// Reference tables (synthetic combinations of common names; no real persons)
// ---------------------------------------------------------------------------------------------

const RU_HEADERS: &[&str] = &[
    "ID клиента",
    "ФИО",
    "Телефон",
    "Доп. телефон",
    "E-mail",
    "Дата рождения",
    "Город",
    "Адрес",
    "Компания",
    "ИНН",
    "Менеджер",
    "Дата создания",
    "Последняя покупка",
    "Статус",
    "Согласие на обработку ПД",
    "Дата согласия",
    "Способ получения согласия",
    "Согласие на рассылку",
    "Согласие на SMS",
    "Дата отзыва согласия",
    "Кол-во заказов",
    "Сумма покупок",
    "Комментарий",
];

const EN_HEADERS: &[&str] = &[
    "client_id",
    "first_name",
    "middle_name",
    "last_name",
    "phone",
    "mobile",
    "email",
    "date_of_birth",
    "city",
    "address",
    "postcode",
    "company",
    "company_reg_no",
    "manager",
    "created_at",
    "last_purchase_at",
    "status",
    "consent_processing",
    "consent_date",
    "consent_source",
    "consent_email",
    "consent_sms",
    "unsubscribed_at",
    "orders_count",
    "total_spent",
    "notes",
];

/// (name, diminutives and spelling variants, patronymic made from it).
type RuMale = (&'static str, &'static [&'static str], &'static str);

const RU_MALE: &[RuMale] = &[
    ("Александр", &["Саша", "Саня", "Шура"], "Александрович"),
    ("Алексей", &["Лёша", "Алёша"], "Алексеевич"),
    ("Андрей", &["Андрюша"], "Андреевич"),
    ("Дмитрий", &["Дима", "Митя"], "Дмитриевич"),
    ("Сергей", &["Серёжа"], "Сергеевич"),
    ("Михаил", &["Миша"], "Михайлович"),
    ("Николай", &["Коля"], "Николаевич"),
    ("Владимир", &["Вова", "Володя"], "Владимирович"),
    ("Евгений", &["Женя"], "Евгеньевич"),
    ("Иван", &["Ваня"], "Иванович"),
    ("Павел", &["Паша"], "Павлович"),
    ("Константин", &["Костя"], "Константинович"),
    ("Юрий", &["Юра"], "Юрьевич"),
    ("Виктор", &["Витя"], "Викторович"),
    ("Максим", &["Макс"], "Максимович"),
    ("Артём", &["Тёма", "Артем"], "Артёмович"),
    ("Игорь", &[], "Игоревич"),
    ("Олег", &[], "Олегович"),
    ("Роман", &["Рома"], "Романович"),
    ("Антон", &["Антоша"], "Антонович"),
    ("Денис", &["Дэн"], "Денисович"),
    ("Кирилл", &["Киря"], "Кириллович"),
    ("Никита", &[], "Никитич"),
    ("Илья", &["Илюша"], "Ильич"),
    ("Григорий", &["Гриша"], "Григорьевич"),
    ("Анатолий", &["Толя"], "Анатольевич"),
    ("Пётр", &["Петя"], "Петрович"),
    ("Фёдор", &["Федя"], "Фёдорович"),
    ("Степан", &["Стёпа"], "Степанович"),
    ("Тимур", &[], "Тимурович"),
    ("Руслан", &[], "Русланович"),
    ("Вячеслав", &["Слава"], "Вячеславович"),
    ("Станислав", &["Стас"], "Станиславович"),
    ("Василий", &["Вася"], "Васильевич"),
    ("Леонид", &["Лёня"], "Леонидович"),
    ("Борис", &["Боря"], "Борисович"),
    ("Геннадий", &["Гена"], "Геннадьевич"),
    ("Валерий", &["Валера"], "Валерьевич"),
    ("Егор", &[], "Егорович"),
    ("Матвей", &[], "Матвеевич"),
    ("Георгий", &["Жора", "Гоша"], "Георгиевич"),
    ("Семён", &["Сёма"], "Семёнович"),
    ("Ярослав", &["Слава"], "Ярославович"),
    ("Вадим", &["Вадик"], "Вадимович"),
    ("Эдуард", &["Эдик"], "Эдуардович"),
];

const RU_FEMALE: &[(&str, &[&str])] = &[
    ("Елена", &["Лена"]),
    ("Ольга", &["Оля"]),
    ("Татьяна", &["Таня"]),
    ("Наталья", &["Наташа", "Наталия"]),
    ("Ирина", &["Ира"]),
    ("Светлана", &["Света"]),
    ("Анна", &["Аня"]),
    ("Мария", &["Маша"]),
    ("Екатерина", &["Катя"]),
    ("Юлия", &["Юля"]),
    ("Анастасия", &["Настя"]),
    ("Дарья", &["Даша"]),
    ("Ксения", &["Ксюша"]),
    ("Александра", &["Саша"]),
    ("Евгения", &["Женя"]),
    ("Людмила", &["Люда"]),
    ("Галина", &["Галя"]),
    ("Надежда", &["Надя"]),
    ("Любовь", &["Люба"]),
    ("Валентина", &["Валя"]),
    ("Марина", &[]),
    ("Алёна", &["Алена"]),
    ("Вероника", &["Ника"]),
    ("Софья", &["Соня", "София"]),
    ("Полина", &["Поля"]),
    ("Виктория", &["Вика"]),
    ("Кристина", &[]),
    ("Алина", &[]),
    ("Лариса", &[]),
    ("Яна", &[]),
    ("Оксана", &[]),
    ("Нина", &[]),
    ("Вера", &[]),
    ("Тамара", &[]),
    ("Елизавета", &["Лиза"]),
    ("Маргарита", &["Рита"]),
    ("Валерия", &["Лера"]),
    ("Зоя", &[]),
];

/// Masculine forms; feminine ones are derived by `feminize`.
const RU_SURNAMES: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
    "Ефимов",
    "Федотов",
    "Щербаков",
    "Назаров",
    "Калинин",
    "Исаев",
    "Чернышёв",
    "Быков",
    "Маслов",
    "Родионов",
    "Коновалов",
    "Лазарев",
    "Воронин",
    "Климов",
    "Филатов",
    "Пономарёв",
    "Голубев",
    "Кудрявцев",
    "Прохоров",
    "Наумов",
    "Потапов",
    "Журавлёв",
    "Овчинников",
    "Трофимов",
    "Леонов",
    "Соболев",
    "Ермаков",
    "Колесников",
    "Гончаров",
    "Емельянов",
    "Никифоров",
    "Грачёв",
    "Котов",
    "Гришин",
    "Ефремов",
    "Архипов",
    "Громов",
    "Кириллов",
    "Малышев",
    "Панов",
    "Моисеев",
    "Румянцев",
    "Акимов",
    "Кондратьев",
    "Бирюков",
    "Горбунов",
    "Анисимов",
    "Ерёмин",
    "Тихомиров",
    "Галкин",
    "Лукьянов",
    "Михеев",
    "Скворцов",
    "Юдин",
    "Белоусов",
    "Нестеров",
    "Симонов",
    "Прокофьев",
    "Харитонов",
    "Князев",
    "Цветков",
    "Левин",
    "Воронцов",
    "Аксёнов",
    "Мальцев",
    "Логинов",
    "Горшков",
    "Савин",
    "Краснов",
    "Майоров",
    "Демидов",
    "Елисеев",
    "Рыбаков",
    "Сафонов",
    "Плотников",
    "Дёмин",
    "Хохлов",
    "Жданов",
    "Шевченко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Коваленко",
    "Черных",
    "Седых",
    "Долгих",
    "Кох",
    "Шульц",
    "Цой",
    "Ким",
    "Гурвич",
    "Вишневский",
    "Покровский",
    "Успенский",
    "Ковальский",
    "Садовский",
    "Дубицкий",
    "Полоцкий",
    "Толстой",
    "Донской",
    "Алиев",
    "Мамедов",
    "Гасанов",
    "Хасанов",
    "Сафин",
    "Галиев",
    "Нуриев",
    "Петров-Водкин",
    "Соколов-Микитов",
    "Римский-Корсаков",
];

/// Father names for Azerbaijani-style patronymics with `оглы`/`кызы`.
const RU_OGLY_FATHERS: &[&str] = &["Ахмед", "Али", "Мамед", "Гусейн", "Рашид"];

/// (name, nicknames).
const EN_MALE: &[(&str, &[&str])] = &[
    ("William", &["Bill", "Will"]),
    ("Robert", &["Bob", "Rob"]),
    ("Richard", &["Rick", "Rich"]),
    ("James", &["Jim", "Jimmy"]),
    ("John", &["Johnny", "Jack"]),
    ("Michael", &["Mike"]),
    ("Thomas", &["Tom"]),
    ("Christopher", &["Chris"]),
    ("Daniel", &["Dan", "Danny"]),
    ("Matthew", &["Matt"]),
    ("Anthony", &["Tony"]),
    ("Joseph", &["Joe"]),
    ("David", &["Dave"]),
    ("Charles", &["Charlie"]),
    ("Edward", &["Ed", "Ted"]),
    ("Benjamin", &["Ben"]),
    ("Samuel", &["Sam"]),
    ("Andrew", &["Andy"]),
    ("Steven", &["Steve"]),
    ("Jonathan", &["Jon"]),
    ("Patrick", &["Pat"]),
    ("Peter", &["Pete"]),
    ("Nicholas", &["Nick"]),
    ("Alexander", &["Alex"]),
    ("George", &[]),
    ("Oliver", &["Ollie"]),
    ("Harry", &[]),
    ("Jacob", &["Jake"]),
    ("Ethan", &[]),
    ("Ryan", &[]),
];

const EN_FEMALE: &[(&str, &[&str])] = &[
    ("Elizabeth", &["Liz", "Beth"]),
    ("Margaret", &["Maggie", "Peggy"]),
    ("Katherine", &["Kate", "Kathy", "Catherine"]),
    ("Jennifer", &["Jen", "Jenny"]),
    ("Patricia", &["Pat", "Trish"]),
    ("Susan", &["Sue"]),
    ("Deborah", &["Debbie"]),
    ("Rebecca", &["Becky"]),
    ("Jessica", &["Jess"]),
    ("Victoria", &["Vicky"]),
    ("Christine", &["Chris"]),
    ("Samantha", &["Sam"]),
    ("Alexandra", &["Alex"]),
    ("Abigail", &["Abby"]),
    ("Amanda", &["Mandy"]),
    ("Jacqueline", &["Jackie"]),
    ("Emily", &[]),
    ("Sarah", &["Sara"]),
    ("Emma", &[]),
    ("Olivia", &["Liv"]),
    ("Sophie", &["Sophia"]),
    ("Hannah", &[]),
    ("Laura", &[]),
    ("Rachel", &[]),
    ("Charlotte", &["Lottie"]),
    ("Megan", &[]),
];

const EN_SURNAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Wilson",
    "Taylor",
    "Anderson",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Hill",
    "Green",
    "Adams",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Roberts",
    "Turner",
    "Phillips",
    "Campbell",
    "Parker",
    "Evans",
    "Edwards",
    "Collins",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Cooper",
    "Peterson",
    "Reed",
    "Bailey",
    "Bell",
    "Kelly",
    "Howard",
    "Ward",
    "Cox",
    "Richardson",
    "Wood",
    "Watson",
    "Brooks",
    "Bennett",
    "Gray",
    "Hughes",
    "Price",
    "Patel",
    "Khan",
    "O'Brien",
    "O'Connor",
    "McDonald",
    "MacLeod",
    "Fitzgerald",
    "Davies",
    "Jenkins",
    "Lloyd",
    "Owen",
    "Walsh",
    "Byrne",
    "Ryan",
    "Smith-Jones",
    "van der Berg",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Country {
    Ru,
    Kz,
    Us,
    Gb,
}

struct City {
    name: &'static str,
    /// How people also write it.
    variants: &'static [&'static str],
    country: Country,
    /// Area codes of landlines.
    areas: &'static [&'static str],
    /// Postcode prefixes (RU/US: leading digits; GB: outward codes).
    post: &'static [&'static str],
    /// INN region code (RU), state (US).
    region: &'static str,
    weight: u32,
}

const RU_CITIES: &[City] = &[
    City {
        name: "Москва",
        variants: &["г. Москва", "Москва г", "МОСКВА", "Мск", "г Москва", "москва"],
        country: Country::Ru,
        areas: &["495", "499"],
        post: &["101", "105", "107", "109", "111", "115", "117", "119", "121", "123", "125", "129"],
        region: "77",
        weight: 30,
    },
    City {
        name: "Санкт-Петербург",
        variants: &["СПб", "С.-Петербург", "Санкт Петербург", "Питер", "г. Санкт-Петербург", "СПБ"],
        country: Country::Ru,
        areas: &["812"],
        post: &["190", "191", "192", "193", "194", "195", "196", "197", "198"],
        region: "78",
        weight: 14,
    },
    City {
        name: "Казань",
        variants: &["г. Казань", "Казань г"],
        country: Country::Ru,
        areas: &["843"],
        post: &["420"],
        region: "16",
        weight: 4,
    },
    City {
        name: "Краснодар",
        variants: &["г. Краснодар", "Краснодар г"],
        country: Country::Ru,
        areas: &["861"],
        post: &["350"],
        region: "23",
        weight: 4,
    },
    City {
        name: "Екатеринбург",
        variants: &["Екб", "г. Екатеринбург", "Екатеринбург г"],
        country: Country::Ru,
        areas: &["343"],
        post: &["620"],
        region: "66",
        weight: 5,
    },
    City {
        name: "Новосибирск",
        variants: &["г. Новосибирск", "Нск"],
        country: Country::Ru,
        areas: &["383"],
        post: &["630"],
        region: "54",
        weight: 5,
    },
    City {
        name: "Нижний Новгород",
        variants: &["Н. Новгород", "Н.Новгород", "г. Нижний Новгород"],
        country: Country::Ru,
        areas: &["831"],
        post: &["603"],
        region: "52",
        weight: 4,
    },
    City {
        name: "Самара",
        variants: &["г. Самара"],
        country: Country::Ru,
        areas: &["846"],
        post: &["443"],
        region: "63",
        weight: 3,
    },
    City {
        name: "Ростов-на-Дону",
        variants: &["Ростов н/Д", "г. Ростов-на-Дону", "Ростов"],
        country: Country::Ru,
        areas: &["863"],
        post: &["344"],
        region: "61",
        weight: 3,
    },
    City {
        name: "Уфа",
        variants: &["г. Уфа"],
        country: Country::Ru,
        areas: &["347"],
        post: &["450"],
        region: "02",
        weight: 3,
    },
    City {
        name: "Воронеж",
        variants: &["г. Воронеж"],
        country: Country::Ru,
        areas: &["473"],
        post: &["394"],
        region: "36",
        weight: 2,
    },
    City {
        name: "Пермь",
        variants: &["г. Пермь"],
        country: Country::Ru,
        areas: &["342"],
        post: &["614"],
        region: "59",
        weight: 2,
    },
    City {
        name: "Челябинск",
        variants: &["г. Челябинск"],
        country: Country::Ru,
        areas: &["351"],
        post: &["454"],
        region: "74",
        weight: 2,
    },
    City {
        name: "Омск",
        variants: &["г. Омск"],
        country: Country::Ru,
        areas: &["3812"],
        post: &["644"],
        region: "55",
        weight: 2,
    },
    City {
        name: "Тюмень",
        variants: &["г. Тюмень"],
        country: Country::Ru,
        areas: &["3452"],
        post: &["625"],
        region: "72",
        weight: 1,
    },
    City {
        name: "Красноярск",
        variants: &["г. Красноярск"],
        country: Country::Ru,
        areas: &["391"],
        post: &["660"],
        region: "24",
        weight: 2,
    },
    City {
        name: "Ярославль",
        variants: &["г. Ярославль"],
        country: Country::Ru,
        areas: &["4852"],
        post: &["150"],
        region: "76",
        weight: 1,
    },
    City {
        name: "Сочи",
        variants: &["г. Сочи"],
        country: Country::Ru,
        areas: &["862"],
        post: &["354"],
        region: "23",
        weight: 1,
    },
    City {
        name: "Королёв",
        variants: &["Королев", "г. Королёв", "г. Королев, МО"],
        country: Country::Ru,
        areas: &["495", "498"],
        post: &["141"],
        region: "50",
        weight: 1,
    },
    City {
        name: "Химки",
        variants: &["г. Химки", "Химки, МО"],
        country: Country::Ru,
        areas: &["495", "498"],
        post: &["141"],
        region: "50",
        weight: 1,
    },
    City {
        name: "Калининград",
        variants: &["г. Калининград"],
        country: Country::Ru,
        areas: &["4012"],
        post: &["236"],
        region: "39",
        weight: 1,
    },
    City {
        name: "Алматы",
        variants: &["Алма-Ата", "г. Алматы"],
        country: Country::Kz,
        areas: &["727"],
        post: &["050"],
        region: "77",
        weight: 1,
    },
];

const EN_CITIES: &[City] = &[
    City {
        name: "New York",
        variants: &["NYC", "New York, NY", "new york", "New York City"],
        country: Country::Us,
        areas: &["212", "646", "718", "917"],
        post: &["100", "101", "102", "112"],
        region: "NY",
        weight: 8,
    },
    City {
        name: "Los Angeles",
        variants: &["LA", "Los Angeles, CA"],
        country: Country::Us,
        areas: &["213", "310", "323"],
        post: &["900", "901"],
        region: "CA",
        weight: 5,
    },
    City {
        name: "Chicago",
        variants: &["Chicago, IL", "CHICAGO"],
        country: Country::Us,
        areas: &["312", "773"],
        post: &["606"],
        region: "IL",
        weight: 4,
    },
    City {
        name: "Houston",
        variants: &["Houston, TX"],
        country: Country::Us,
        areas: &["713", "832"],
        post: &["770"],
        region: "TX",
        weight: 3,
    },
    City {
        name: "Boston",
        variants: &["Boston, MA"],
        country: Country::Us,
        areas: &["617"],
        post: &["021"],
        region: "MA",
        weight: 2,
    },
    City {
        name: "Seattle",
        variants: &["Seattle, WA"],
        country: Country::Us,
        areas: &["206"],
        post: &["981"],
        region: "WA",
        weight: 2,
    },
    City {
        name: "Austin",
        variants: &["Austin, TX"],
        country: Country::Us,
        areas: &["512"],
        post: &["787"],
        region: "TX",
        weight: 2,
    },
    City {
        name: "London",
        variants: &["LONDON", "London, UK", "Greater London"],
        country: Country::Gb,
        areas: &["20"],
        post: &["SW1A", "SE1", "E1", "N1", "NW3", "W2", "EC2A", "WC1E", "SW11", "E14"],
        region: "",
        weight: 10,
    },
    City {
        name: "Manchester",
        variants: &["Manchester, UK", "MANCHESTER"],
        country: Country::Gb,
        areas: &["161"],
        post: &["M1", "M4", "M14", "M20"],
        region: "",
        weight: 3,
    },
    City {
        name: "Birmingham",
        variants: &["Birmingham, UK", "B'ham"],
        country: Country::Gb,
        areas: &["121"],
        post: &["B1", "B5", "B15", "B29"],
        region: "",
        weight: 3,
    },
    City {
        name: "Leeds",
        variants: &["Leeds, UK"],
        country: Country::Gb,
        areas: &["113"],
        post: &["LS1", "LS6", "LS11"],
        region: "",
        weight: 2,
    },
    City {
        name: "Glasgow",
        variants: &["Glasgow, Scotland"],
        country: Country::Gb,
        areas: &["141"],
        post: &["G1", "G12", "G41"],
        region: "",
        weight: 2,
    },
    City {
        name: "Edinburgh",
        variants: &["Edinburgh, UK", "Edinburgh, Scotland"],
        country: Country::Gb,
        areas: &["131"],
        post: &["EH1", "EH3", "EH10"],
        region: "",
        weight: 2,
    },
    City {
        name: "Bristol",
        variants: &["Bristol, UK"],
        country: Country::Gb,
        areas: &["117"],
        post: &["BS1", "BS6", "BS8"],
        region: "",
        weight: 1,
    },
];

/// Street types: (usual abbreviation, other spellings).
const RU_STREET_KINDS: &[(&str, &[&str])] = &[
    ("ул.", &["улица", "ул"]),
    ("пр-т", &["проспект", "пр.", "просп."]),
    ("пер.", &["переулок", "пер"]),
    ("ш.", &["шоссе"]),
    ("б-р", &["бульвар", "бул."]),
    ("наб.", &["набережная"]),
    ("пл.", &["площадь"]),
];

const RU_STREETS: &[(&str, usize)] = &[
    ("Ленина", 0),
    ("Гагарина", 0),
    ("Мира", 1),
    ("Советская", 0),
    ("Пушкина", 0),
    ("Ленинградский", 1),
    ("Тверская", 0),
    ("Садовая", 0),
    ("Молодёжная", 0),
    ("Центральная", 0),
    ("Школьная", 0),
    ("Лесная", 0),
    ("Новая", 0),
    ("Рокоссовского", 4),
    ("Энтузиастов", 3),
    ("Чистый", 2),
    ("Строителей", 0),
    ("Октябрьская", 0),
    ("Комсомольская", 0),
    ("Кирова", 0),
    ("Чкалова", 0),
    ("Зелёная", 0),
    ("Профсоюзная", 0),
    ("Вернадского", 1),
    ("Кутузовский", 1),
    ("Лиговский", 1),
    ("Малая Бронная", 0),
    ("Карла Маркса", 0),
    ("Первомайская", 0),
    ("Победы", 1),
    ("Космонавтов", 1),
    ("Фрунзе", 0),
    ("8 Марта", 0),
    ("Маяковского", 0),
    ("Лермонтова", 0),
    ("Горького", 0),
    ("Заводская", 0),
    ("Солнечная", 0),
    ("Сиреневый", 4),
    ("Цветной", 4),
    ("Тихий", 2),
    ("Речная", 5),
    ("Революции", 6),
];

const EN_STREETS: &[&str] = &[
    "Main",
    "Oak",
    "Maple",
    "Park",
    "High",
    "Church",
    "Station",
    "Victoria",
    "Elm",
    "Cedar",
    "Washington",
    "Lake",
    "Hill",
    "Mill",
    "King",
    "Queen",
    "Baker",
    "Market",
    "Bridge",
    "Green",
];

/// (full, abbreviation, abbreviation with dot).
const EN_STREET_SUFFIXES: &[(&str, &str, &str)] = &[
    ("Street", "St", "St."),
    ("Avenue", "Ave", "Ave."),
    ("Road", "Rd", "Rd."),
    ("Lane", "Ln", "Ln."),
    ("Drive", "Dr", "Dr."),
    ("Close", "Cl", "Cl."),
    ("Way", "Way", "Wy"),
];

const RU_MOBILE_CODES: &[&str] = &[
    "916", "903", "926", "985", "915", "905", "910", "920", "921", "911", "912", "950", "952",
    "977", "999", "967", "925", "917", "906", "909", "960", "963", "980", "981", "987", "989",
    "901", "902", "904", "908", "913", "914", "918", "919", "922", "923", "924", "927", "928",
    "929", "931", "951", "953", "958", "961", "962", "964", "965", "966", "968", "978", "982",
    "983", "984", "986", "988", "991", "993", "995", "996", "997",
];

const KZ_MOBILE_CODES: &[&str] = &["701", "702", "705", "707", "747", "771", "775", "777", "778"];

const RU_COMPANY_HEADS: &[&str] = &[
    "Альфа",
    "Бета",
    "Гамма",
    "Техно",
    "Строй",
    "Агро",
    "Мед",
    "Авто",
    "Электро",
    "Торг",
    "Инвест",
    "Транс",
    "Энерго",
    "Про",
    "Евро",
    "Сиб",
    "Урал",
    "Волга",
    "Север",
    "Юг",
    "Нова",
    "Мега",
    "Интер",
    "Вега",
    "Гранит",
];

const RU_COMPANY_TAILS: &[&str] = &[
    "сервис",
    "строй",
    "снаб",
    "торг",
    "маркет",
    "лайн",
    "групп",
    "пром",
    "ресурс",
    "комплект",
    "логистик",
    "систем",
    "тех",
    "консалт",
    "софт",
    "трейд",
    "инвест",
    "мед",
    "плюс",
    "центр",
];

const RU_COMPANY_WORDS: &[&str] = &[
    "Ромашка",
    "Вектор",
    "Гарант",
    "Меридиан",
    "Прогресс",
    "Орион",
    "Импульс",
    "Горизонт",
    "Эталон",
    "Спектр",
    "Берёзка",
    "Контур",
    "Атлант",
    "Фаворит",
    "Квадрат",
];

const EN_COMPANY_HEADS: &[&str] = &[
    "North", "Blue", "Green", "Silver", "Red", "Oak", "River", "Summit", "Bright", "Harbor",
    "Stone", "Iron", "Golden", "Pine", "Eagle", "Maple", "Cedar", "Crown", "Atlas", "Pioneer",
];

const EN_COMPANY_TAILS: &[&str] =
    &["field", "wave", "bridge", "point", "stone", "ridge", "gate", "line", "works", "view"];

const EN_COMPANY_TRADES: &[&str] = &[
    "Trading",
    "Logistics",
    "Analytics",
    "Consulting",
    "Foods",
    "Systems",
    "Media",
    "Health",
    "Labs",
    "Partners",
];

const RU_MANAGERS: &[&str] = &[
    "Петрова А.С.",
    "Сидоров И.В.",
    "Ковалёва Мария",
    "Орлов Дмитрий",
    "Смирнова Е.А.",
    "Гусев П.П.",
    "Лебедева Ольга",
    "Фролов К.",
    "Новикова Т.Н.",
    "Зайцев Артём",
    "Белова И.Г.",
    "Кузьмин А.А.",
    "Морозова Дарья",
    "Яковлев С.Ю.",
    "Тарасова В.",
    "Никитин Р.О.",
    "Соболева Анна",
    "Титов Г.",
];

const EN_MANAGERS: &[&str] = &[
    "Sarah Collins",
    "Mark Benson",
    "Priya Shah",
    "Tom Fletcher",
    "Emma Hart",
    "Daniel Reyes",
    "Lucy Grant",
    "Owen Price",
    "Hannah Webb",
    "Chris Doyle",
    "Megan Ross",
    "Adam Novak",
];

const RU_CONSENT_SOURCES: &[&str] =
    &["сайт", "анкета", "звонок", "договор", "импорт", "мероприятие", "мобильное приложение"];

const EN_CONSENT_SOURCES: &[&str] =
    &["web_form", "checkout", "import", "event", "phone", "purchased_list", "app"];

const RU_COMMENTS: &[&str] = &[
    "перезвонить в понедельник",
    "просил не звонить",
    "отказался от рассылки",
    "просит удалить данные",
    "VIP, скидка 10%",
    "номер не отвечает",
    "переехал в другой город",
    "ушёл к конкуренту",
    "дубль?",
    "контакт с выставки",
    "купленная база",
    "звонить после 18:00",
    "предпочитает WhatsApp",
];

const EN_COMMENTS: &[&str] = &[
    "call back Monday",
    "do not call",
    "asked to be removed",
    "VIP discount 10%",
    "moved away",
    "duplicate?",
    "met at trade show",
    "bought list",
    "prefers email",
    "left for competitor",
];

const FREE_RU_DOMAINS: &[(&str, u32)] = &[
    ("mail.ru", 30),
    ("yandex.ru", 25),
    ("gmail.com", 15),
    ("bk.ru", 5),
    ("list.ru", 5),
    ("inbox.ru", 4),
    ("rambler.ru", 5),
    ("ya.ru", 4),
    ("icloud.com", 3),
    ("outlook.com", 2),
    ("yahoo.com", 1),
    ("hotmail.com", 1),
];

const FREE_EN_DOMAINS: &[(&str, u32)] = &[
    ("gmail.com", 35),
    ("yahoo.com", 12),
    ("hotmail.com", 10),
    ("outlook.com", 10),
    ("icloud.com", 8),
    ("aol.com", 3),
    ("hotmail.co.uk", 5),
    ("yahoo.co.uk", 4),
    ("btinternet.com", 4),
    ("googlemail.com", 3),
    ("protonmail.com", 2),
    ("live.com", 4),
];

/// Domains people mistype, with the typical mistakes.
const DOMAIN_TYPOS: &[(&str, &[&str])] = &[
    ("gmail.com", &["gmial.com", "gmai.com", "gmail.co", "gmail.cm", "gmal.com", "gnail.com"]),
    ("mail.ru", &["mail.ry", "mail.r", "mali.ru", "maill.ru", "mail.tu", "mail.ru.ru"]),
    ("yandex.ru", &["yandex.ry", "yandx.ru", "yadex.ru", "yandex.r"]),
    ("hotmail.com", &["hotmial.com", "hotmail.con", "hotmai.com"]),
    ("outlook.com", &["outlok.com", "outlook.co"]),
    ("yahoo.com", &["yahooo.com", "yaho.com"]),
    ("rambler.ru", &["rambler.ry", "ramler.ru"]),
    ("list.ru", &["list.ry"]),
    ("bk.ru", &["bk.ry"]),
    ("inbox.ru", &["inbox.ry", "imbox.ru"]),
    ("icloud.com", &["icloud.co", "iclod.com"]),
];

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Ru,
    En,
}

#[derive(Clone, Debug)]
struct Phone {
    country: Country,
    /// National significant number: 10 digits for every country generated here.
    national: String,
    area_len: usize,
    fixed_line: bool,
}

#[derive(Clone, Debug)]
struct Address {
    street: usize,
    house: u16,
    building: Option<u8>,
    flat: Option<u16>,
    postcode: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Proc {
    Yes,
    No,
    Withdrawn,
    Missing,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mkt {
    Yes,
    No,
    Unsubscribed,
    Missing,
}

#[derive(Clone, Debug)]
struct Consent {
    processing: Proc,
    date: Option<Day>,
    source: Option<usize>,
    email: Mkt,
    sms: Mkt,
    /// Withdrawal of the processing consent, or the unsubscribe date.
    withdrawn: Option<Day>,
}

#[derive(Clone)]
struct Person {
    entity: u64,
    kind: Kind,
    male: bool,
    first: &'static str,
    nicks: &'static [&'static str],
    /// Patronymic (RU) or middle name (EN); may be empty.
    middle: String,
    /// The patronymic this person's children get (Russian men only).
    child_patronymic: Option<&'static str>,
    surname_masc: &'static str,
    surname: String,
    dob: Option<Day>,
    /// Birth date replaced by a placeholder such as 01.01.1900.
    placeholder_dob: bool,
    city: &'static City,
    address: Option<Address>,
    mobile: Option<Phone>,
    home: Option<Phone>,
    email: Option<String>,
    company: Option<usize>,
    extension: Option<u16>,
    manager: usize,
    created: Day,
    last_purchase: Option<Day>,
    orders: u32,
    spent_cents: u64,
    consent: Consent,
    comment: Option<usize>,
}

struct Company {
    kind: Kind,
    /// Legal form index (RU: ООО, АО, ПАО, ЗАО, ИП; EN: Ltd, LLC, Inc., Limited, GmbH, plc).
    form: usize,
    name: String,
    /// INN (RU) or registration number (EN).
    reg_no: String,
    city: &'static City,
    switchboard: Phone,
    toll_free: Option<Phone>,
    domain: String,
}

const RU_FORMS: &[&str] = &["ООО", "АО", "ПАО", "ЗАО", "ИП"];
const RU_FORMS_LONG: &[&str] = &[
    "Общество с ограниченной ответственностью",
    "Акционерное общество",
    "Публичное акционерное общество",
    "Закрытое акционерное общество",
    "Индивидуальный предприниматель",
];
const EN_FORMS: &[&str] = &["Ltd", "LLC", "Inc.", "Limited", "GmbH", "plc"];

/// Everything shared across rows: companies, recent people, counters.
struct World {
    lang: Lang,
    headers: Headers,
    ref_day: Day,
    rows: u64,
    companies: Vec<Company>,
    recent: VecDeque<Rc<Person>>,
    next_entity: u64,
    next_client_id: u64,
}

impl World {
    fn new(cfg: &Config, rng: &mut Rng) -> World {
        let n_companies = (cfg.rows / 150).clamp(20, 50_000) as usize;
        let mut world = World {
            lang: cfg.lang,
            headers: cfg.headers,
            ref_day: reference_day(),
            rows: cfg.rows,
            companies: Vec::with_capacity(n_companies),
            recent: VecDeque::with_capacity(256),
            next_entity: 0,
            next_client_id: if cfg.headers == Headers::Ru { 100_000 } else { 0 },
        };
        for _ in 0..n_companies {
            let kind = world.pick_kind(rng);
            let company = make_company(kind, rng);
            world.companies.push(company);
        }
        world
    }

    fn pick_kind(&self, rng: &mut Rng) -> Kind {
        match self.lang {
            Lang::Ru => Kind::Ru,
            Lang::En => Kind::En,
            Lang::Mixed => {
                if rng.chance(0.15) {
                    Kind::En
                } else {
                    Kind::Ru
                }
            }
        }
    }

    fn remember(&mut self, p: &Rc<Person>) {
        if p.company.is_none() {
            if self.recent.len() == 256 {
                self.recent.pop_front();
            }
            self.recent.push_back(Rc::clone(p));
        }
    }

    /// Rows between an original and its duplicate: some come right after (double submit),
    /// most far away (a later import).
    fn duplicate_delay(&self, rng: &mut Rng) -> u64 {
        if rng.chance(0.25) {
            rng.range(1, 30) as u64
        } else {
            let window = (self.rows / 3).clamp(100, 40_000) as f64;
            30 + (rng.unit() * rng.unit() * window) as u64
        }
    }

    fn new_entity(&mut self) -> u64 {
        self.next_entity += 1;
        self.next_entity
    }

    fn client_id(&mut self, rng: &mut Rng) -> String {
        // CRMs leave gaps where records were deleted.
        self.next_client_id += if rng.chance(0.1) { rng.range(2, 6) as u64 } else { 1 };
        match self.headers {
            Headers::Ru => self.next_client_id.to_string(),
            Headers::En => format!("C{:07}", self.next_client_id),
        }
    }

    fn new_person(&mut self, rng: &mut Rng) -> Person {
        let roll = rng.unit();
        if roll < 0.03 && !self.recent.is_empty() {
            let base = Rc::clone(&self.recent[rng.index(self.recent.len())]);
            return self.household_member(&base, rng);
        }
        if roll < 0.05 && !self.recent.is_empty() {
            let base = Rc::clone(&self.recent[rng.index(self.recent.len())]);
            return self.namesake(&base, rng);
        }
        let kind = self.pick_kind(rng);
        let b2b = (0.05..0.20).contains(&roll);
        let company = if b2b { Some(self.pick_company(kind, rng)) } else { None };
        self.fresh_person(kind, company, rng)
    }

    /// Zipf-like: a few big companies hold many contacts.
    fn pick_company(&self, kind: Kind, rng: &mut Rng) -> usize {
        let n = self.companies.len();
        for _ in 0..8 {
            let u = rng.unit();
            let i = ((u * u * u) * n as f64) as usize;
            let i = i.min(n - 1);
            if self.companies[i].kind == kind {
                return i;
            }
        }
        rng.index(n)
    }

    fn fresh_person(&mut self, kind: Kind, company: Option<usize>, rng: &mut Rng) -> Person {
        let entity = self.new_entity();
        let male = rng.chance(0.47);
        let (first, nicks, child_patronymic) = pick_first(kind, male, rng);
        let (middle, surname_masc) = match kind {
            Kind::Ru => {
                let surname = *rng.pick(RU_SURNAMES);
                let middle = if rng.chance(0.01) {
                    format!("{} {}", rng.pick(RU_OGLY_FATHERS), if male { "оглы" } else { "кызы" })
                } else {
                    patronymic(rng.pick(RU_MALE).2, male)
                };
                (middle, surname)
            }
            Kind::En => {
                let middle = if rng.chance(0.3) {
                    let pool = if male { EN_MALE } else { EN_FEMALE };
                    rng.pick(pool).0.to_string()
                } else {
                    String::new()
                };
                (middle, *rng.pick(EN_SURNAMES))
            }
        };
        let surname = if male || kind == Kind::En {
            surname_masc.to_string()
        } else {
            feminize(surname_masc)
        };
        let city = match company {
            Some(c) => self.companies[c].city,
            None => pick_city(kind, rng),
        };
        let age_days = rng.range(18 * i64::from(YEAR), 85 * i64::from(YEAR)) as Day;
        let has_dob = rng.chance(if company.is_some() { 0.2 } else { 0.8 });
        let dob = if has_dob { Some(self.ref_day - age_days) } else { None };
        let address = if rng.chance(if company.is_some() { 0.3 } else { 0.75 }) {
            Some(make_address(city, rng))
        } else {
            None
        };
        let mobile = if rng.chance(0.93) { Some(mobile_phone(city, rng)) } else { None };
        let home = if company.is_none() && (mobile.is_none() || rng.chance(0.15)) {
            Some(fixed_phone(city, rng))
        } else {
            None
        };
        let email = self.make_email(kind, first, nicks, &surname, dob, company, true, rng);
        let mut p = Person {
            entity,
            kind,
            male,
            first,
            nicks,
            middle,
            child_patronymic,
            surname_masc,
            surname,
            dob,
            placeholder_dob: rng.chance(0.007),
            city,
            address,
            mobile,
            home,
            email,
            company,
            extension: if company.is_some() && rng.chance(0.5) {
                Some(rng.range(100, 999) as u16)
            } else {
                None
            },
            manager: 0,
            created: 0,
            last_purchase: None,
            orders: 0,
            spent_cents: 0,
            consent: Consent {
                processing: Proc::Missing,
                date: None,
                source: None,
                email: Mkt::Missing,
                sms: Mkt::Missing,
                withdrawn: None,
            },
            comment: None,
        };
        self.roll_record_history(&mut p, rng);
        p
    }

    /// Record-level facts: when the record was made, purchases, consents, manager, comment.
    fn roll_record_history(&self, p: &mut Person, rng: &mut Rng) {
        let first_day = day(2012, 1, 1);
        // More recent records are more common: bases grow.
        let u = rng.unit().sqrt();
        p.created = first_day + ((self.ref_day - first_day) as f64 * u) as Day;
        let managers =
            if self.headers == Headers::Ru { RU_MANAGERS.len() } else { EN_MANAGERS.len() };
        p.manager = rng.index(managers);
        if rng.chance(0.27) {
            p.last_purchase = None;
            p.orders = 0;
            p.spent_cents = 0;
        } else {
            let span = i64::from(self.ref_day - p.created);
            let back = match rng.weighted(&[40, 30, 30]) {
                0 => rng.range(0, i64::from(YEAR).min(span)),
                1 => rng.range(i64::from(YEAR).min(span), (3 * i64::from(YEAR)).min(span)),
                _ => rng.range((3 * i64::from(YEAR)).min(span), span),
            };
            p.last_purchase = Some(self.ref_day - back as Day);
            p.orders = 1 + (rng.unit().powi(4) * 40.0) as u32;
            let avg = rng.range(300, 30_000) as u64;
            p.spent_cents = u64::from(p.orders) * avg * 100 + rng.below(100);
        }
        p.consent = make_consent(p.created, self.ref_day, rng);
        p.comment = if rng.chance(0.08) {
            Some(rng.index(if self.headers == Headers::Ru {
                RU_COMMENTS.len()
            } else {
                EN_COMMENTS.len()
            }))
        } else {
            None
        };
    }

    /// Same surname, address and home phone; a different first name (spouse, child, parent).
    fn household_member(&mut self, base: &Person, rng: &mut Rng) -> Person {
        let spouse = rng.chance(0.6);
        let male = if spouse { !base.male } else { rng.chance(0.5) };
        let mut p = self.fresh_person(base.kind, None, rng);
        p.male = male;
        for _ in 0..8 {
            let (first, nicks, child_patronymic) = pick_first(base.kind, male, rng);
            p.first = first;
            p.nicks = nicks;
            p.child_patronymic = child_patronymic;
            if first != base.first {
                break;
            }
        }
        p.surname_masc = base.surname_masc;
        p.surname = if male || base.kind == Kind::En {
            base.surname_masc.to_string()
        } else {
            feminize(base.surname_masc)
        };
        if base.kind == Kind::Ru {
            p.middle = match (spouse, base.child_patronymic) {
                (false, Some(father)) => patronymic(father, male),
                _ => patronymic(rng.pick(RU_MALE).2, male),
            };
        }
        p.dob = base.dob.map(|d| {
            if spouse {
                d + rng.range(-8 * i64::from(YEAR), 8 * i64::from(YEAR)) as Day
            } else {
                // A grown-up child, at least 18 at the reference day.
                (d + rng.range(20 * i64::from(YEAR), 35 * i64::from(YEAR)) as Day)
                    .min(self.ref_day - 18 * YEAR)
            }
        });
        p.city = base.city;
        p.address = base.address.clone();
        // One landline per flat.
        p.home = base.home.clone();
        if p.mobile.is_some() {
            p.mobile = Some(mobile_phone(p.city, rng));
        }
        if rng.chance(0.3) && base.email.is_some() {
            // A family mailbox.
            p.email = base.email.clone();
        } else {
            p.email =
                self.make_email(p.kind, p.first, p.nicks, &p.surname, p.dob, None, false, rng);
        }
        p
    }

    /// Same first name and surname; another patronymic or another birth date.
    fn namesake(&mut self, base: &Person, rng: &mut Rng) -> Person {
        let mut p = self.fresh_person(base.kind, None, rng);
        p.male = base.male;
        p.first = base.first;
        p.nicks = base.nicks;
        p.child_patronymic = base.child_patronymic;
        p.surname_masc = base.surname_masc;
        p.surname = base.surname.clone();
        let same_middle = rng.chance(0.4);
        if same_middle {
            p.middle = base.middle.clone();
            // Born on another day, at least a month apart.
            let shift = rng.range(30, 20 * i64::from(YEAR)) as Day;
            let sign = if rng.chance(0.5) { 1 } else { -1 };
            let born = base.dob.unwrap_or(self.ref_day - 40 * YEAR) + sign * shift;
            p.dob = Some(born.min(self.ref_day - 18 * YEAR));
        } else if base.kind == Kind::Ru {
            for _ in 0..8 {
                p.middle = patronymic(rng.pick(RU_MALE).2, p.male);
                if p.middle != base.middle {
                    break;
                }
            }
        } else {
            let pool = if p.male { EN_MALE } else { EN_FEMALE };
            p.middle = rng.pick(pool).0.to_string();
        }
        if rng.chance(0.5) {
            p.city = base.city;
            p.address = Some(make_address(p.city, rng));
            if p.mobile.is_some() {
                p.mobile = Some(mobile_phone(p.city, rng));
            }
            if p.home.is_some() {
                p.home = Some(fixed_phone(p.city, rng));
            }
        }
        // Namesakes cannot own the same mailbox; force a distinguishing pattern.
        p.email = self
            .make_email(p.kind, p.first, p.nicks, &p.surname, p.dob, None, false, rng)
            .map(|e| match e.split_once('@') {
                Some((local, domain)) => format!("{local}{}@{domain}", rng.range(2, 99)),
                None => e,
            });
        p
    }

    /// Another record of the same person: typed later, by someone else, from other data.
    fn duplicate_of(&self, base: &Person, rng: &mut Rng) -> Person {
        let mut p = base.clone();
        let old_manager = p.manager;
        let old_consent = p.consent.clone();
        self.roll_record_history(&mut p, rng);
        // Usually the same manager; sometimes another one took the "new" client.
        if rng.chance(0.7) {
            p.manager = old_manager;
        }
        if rng.chance(0.8) {
            p.consent = old_consent;
        }
        if rng.chance(0.12) {
            // Gave another mobile number this time.
            let extra = mobile_phone(p.city, rng);
            if p.mobile.is_some() && rng.chance(0.5) {
                p.home = p.mobile.take();
            }
            p.mobile = Some(extra);
        }
        if rng.chance(0.1) {
            p.email =
                self.make_email(p.kind, p.first, p.nicks, &p.surname, p.dob, p.company, false, rng);
        }
        if rng.chance(0.04) {
            // Moved.
            p.city = pick_city(p.kind, rng);
            p.address = Some(make_address(p.city, rng));
        }
        p
    }

    #[allow(clippy::too_many_arguments)]
    fn make_email(
        &self,
        kind: Kind,
        first: &str,
        nicks: &[&str],
        surname: &str,
        dob: Option<Day>,
        company: Option<usize>,
        may_break: bool,
        rng: &mut Rng,
    ) -> Option<String> {
        let company = company.and_then(|c| self.companies.get(c));
        if company.is_none() && rng.chance(0.16) {
            return None;
        }
        let f = email_translit(first);
        let l = email_translit(surname);
        let f0: String = f.chars().take(1).collect();
        let year = dob.map(|d| civil(d).0).unwrap_or(1980 + rng.range(0, 25) as i32);
        let yy = year % 100;
        if let Some(c) = company {
            if rng.chance(0.8) {
                let local = match rng.weighted(&[15, 30, 25, 15, 15]) {
                    0 => {
                        let roles: &[&str] = if kind == Kind::Ru {
                            &["info", "office", "sales", "zakaz", "buh"]
                        } else {
                            &["info", "office", "sales", "hello", "contact"]
                        };
                        rng.pick(roles).to_string()
                    }
                    1 => format!("{f0}.{l}"),
                    2 => format!("{f}.{l}"),
                    3 => l.clone(),
                    _ => format!("{l}{f0}"),
                };
                return Some(format!("{local}@{}", c.domain));
            }
        }
        let nick = nicks.first().map(|n| email_translit(n)).unwrap_or_else(|| f.clone());
        let local = match rng.weighted(&[14, 8, 8, 8, 6, 10, 8, 10, 6, 4, 6, 6]) {
            0 => format!("{f}.{l}"),
            1 => format!("{f0}.{l}"),
            2 => format!("{l}.{f}"),
            3 => format!("{f}{l}"),
            4 => format!("{l}_{f0}"),
            5 => format!("{l}{yy:02}"),
            6 => format!("{f}{year}"),
            7 => format!("{l}{}", rng.range(1, 999)),
            8 => format!("{nick}{yy:02}"),
            9 => format!("{f}-{l}"),
            10 => format!("{l}{f0}"),
            _ => format!("{f}_{l}{yy:02}"),
        };
        let domains = if kind == Kind::Ru { FREE_RU_DOMAINS } else { FREE_EN_DOMAINS };
        let domain = *rng.pick_weighted(domains);
        let mut email = format!("{local}@{domain}");
        if rng.chance(0.04) {
            email = capitalize_email(&email);
        }
        if may_break {
            if rng.chance(0.03) {
                email = typo_domain(&email, rng);
            } else if rng.chance(0.01) {
                email = break_email(&email, rng);
            }
        }
        Some(email)
    }
}

/// A first name, its nicknames, and the patronymic it gives children (men only).
type FirstName = (&'static str, &'static [&'static str], Option<&'static str>);

fn pick_first(kind: Kind, male: bool, rng: &mut Rng) -> FirstName {
    match (kind, male) {
        (Kind::Ru, true) => {
            let (n, k, p) = *rng.pick(RU_MALE);
            (n, k, Some(p))
        }
        (Kind::Ru, false) => {
            let (n, k) = *rng.pick(RU_FEMALE);
            (n, k, None)
        }
        (Kind::En, true) => {
            let (n, k) = *rng.pick(EN_MALE);
            (n, k, None)
        }
        (Kind::En, false) => {
            let (n, k) = *rng.pick(EN_FEMALE);
            (n, k, None)
        }
    }
}

fn pick_city(kind: Kind, rng: &mut Rng) -> &'static City {
    let cities = if kind == Kind::Ru { RU_CITIES } else { EN_CITIES };
    let weights: Vec<u32> = cities.iter().map(|c| c.weight).collect();
    &cities[rng.weighted(&weights)]
}

/// Patronymic in the right gender from its masculine form.
fn patronymic(masc: &str, male: bool) -> String {
    if male {
        return masc.to_string();
    }
    match masc {
        "Ильич" => "Ильинична".to_string(),
        "Никитич" => "Никитична".to_string(),
        "Кузьмич" => "Кузьминична".to_string(),
        _ => match masc.strip_suffix("ич") {
            Some(stem) => format!("{stem}на"),
            None => masc.to_string(),
        },
    }
}

/// Feminine form of a Russian surname; non-inflecting ones stay as they are.
fn feminize(masc: &str) -> String {
    if masc.contains('-') {
        return masc.split('-').map(feminize).collect::<Vec<_>>().join("-");
    }
    for suffix in ["ский", "цкий", "ской", "цкой", "стой"] {
        if let Some(stem) = masc.strip_suffix(suffix) {
            let keep: String = suffix.chars().take(2).collect();
            return format!("{stem}{keep}ая");
        }
    }
    for suffix in ["ов", "ев", "ёв", "ин", "ын"] {
        if masc.ends_with(suffix) {
            return format!("{masc}а");
        }
    }
    masc.to_string()
}

fn make_address(city: &'static City, rng: &mut Rng) -> Address {
    let ru = matches!(city.country, Country::Ru | Country::Kz);
    let street = if ru { rng.index(RU_STREETS.len()) } else { rng.index(EN_STREETS.len()) };
    let house = (1.0 + rng.unit().powi(2) * 180.0) as u16;
    let building = if rng.chance(0.1) { Some(rng.range(1, 5) as u8) } else { None };
    let flat =
        if rng.chance(if ru { 0.85 } else { 0.4 }) { Some(rng.range(1, 320) as u16) } else { None };
    let prefix = rng.pick(city.post);
    let mut postcode = (*prefix).to_string();
    match city.country {
        Country::Ru | Country::Kz => rng.digits(&mut postcode, 3),
        Country::Us => rng.digits(&mut postcode, 2),
        Country::Gb => {
            const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
            postcode.push(' ');
            rng.digits(&mut postcode, 1);
            for _ in 0..2 {
                postcode.push(char::from(*rng.pick(INWARD)));
            }
        }
    }
    Address { street, house, building, flat, postcode }
}

fn mobile_phone(city: &City, rng: &mut Rng) -> Phone {
    let mut national = String::with_capacity(10);
    let area_len = match city.country {
        Country::Ru => {
            national.push_str(rng.pick_str(RU_MOBILE_CODES));
            rng.digits(&mut national, 7);
            3
        }
        Country::Kz => {
            national.push_str(rng.pick_str(KZ_MOBILE_CODES));
            rng.digits(&mut national, 7);
            3
        }
        Country::Us => {
            national.push_str(rng.pick_str(city.areas));
            us_subscriber(&mut national, rng);
            3
        }
        Country::Gb => {
            national.push('7');
            national.push(char::from(b'4' + rng.below(6) as u8));
            rng.digits(&mut national, 8);
            4
        }
    };
    Phone { country: city.country, national, area_len, fixed_line: false }
}

fn us_subscriber(national: &mut String, rng: &mut Rng) {
    // Exchange: 2-9 first, never N11 or 555.
    loop {
        let e = rng.range(200, 999);
        if e % 100 != 11 && e != 555 {
            national.push_str(&e.to_string());
            break;
        }
    }
    rng.digits(national, 4);
}

fn fixed_phone(city: &City, rng: &mut Rng) -> Phone {
    let area = *rng.pick(city.areas);
    let mut national = String::with_capacity(10);
    national.push_str(area);
    match city.country {
        Country::Us => us_subscriber(&mut national, rng),
        Country::Gb if area == "20" => {
            national.push(if rng.chance(0.7) { '7' } else { '3' });
            rng.digits(&mut national, 7);
        }
        _ => {
            national.push(char::from(b'2' + rng.below(8) as u8));
            rng.digits(&mut national, 9 - area.len());
        }
    }
    Phone { country: city.country, national, area_len: area.len(), fixed_line: true }
}

fn make_company(kind: Kind, rng: &mut Rng) -> Company {
    let city = pick_city(kind, rng);
    match kind {
        Kind::Ru => {
            let form = rng.weighted(&[60, 15, 3, 7, 15]);
            let name = if form == 4 {
                let surname = rng.pick(RU_SURNAMES);
                let i1 = rng.pick(RU_MALE).0.chars().next().unwrap_or('А');
                let i2 = rng.pick(RU_MALE).0.chars().next().unwrap_or('А');
                format!("{surname} {i1}.{i2}.")
            } else if rng.chance(0.3) {
                rng.pick(RU_COMPANY_WORDS).to_string()
            } else {
                format!("{}{}", rng.pick(RU_COMPANY_HEADS), rng.pick(RU_COMPANY_TAILS))
            };
            let reg_no = if form == 4 { inn12(city.region, rng) } else { inn10(city.region, rng) };
            let stem = email_translit(name.split(' ').next().unwrap_or(&name));
            let domain = match rng.weighted(&[60, 15, 15, 10]) {
                0 => format!("{stem}.ru"),
                1 => format!("{stem}.com"),
                2 => format!(
                    "{stem}-{}.ru",
                    email_translit(city.name).chars().take(3).collect::<String>()
                ),
                _ => format!("{stem}group.ru"),
            };
            let toll_free = if rng.chance(0.15) {
                let mut national = "800".to_string();
                rng.digits(&mut national, 7);
                Some(Phone { country: Country::Ru, national, area_len: 3, fixed_line: true })
            } else {
                None
            };
            Company {
                kind,
                form,
                name,
                reg_no,
                city,
                switchboard: fixed_phone(city, rng),
                toll_free,
                domain,
            }
        }
        Kind::En => {
            let stem = format!("{}{}", rng.pick(EN_COMPANY_HEADS), rng.pick(EN_COMPANY_TAILS));
            let name = format!("{stem} {}", rng.pick(EN_COMPANY_TRADES));
            let form = if city.country == Country::Us {
                *rng.pick(&[1usize, 2])
            } else {
                *rng.pick(&[0usize, 3, 5, 4])
            };
            let mut reg_no = String::new();
            if city.country == Country::Gb {
                rng.digits(&mut reg_no, 8);
            } else {
                rng.digits(&mut reg_no, 2);
                reg_no.push('-');
                rng.digits(&mut reg_no, 7);
            }
            let tld = if city.country == Country::Gb && rng.chance(0.6) { "co.uk" } else { "com" };
            let domain = format!("{}.{tld}", stem.to_lowercase());
            Company {
                kind,
                form,
                name,
                reg_no,
                city,
                switchboard: fixed_phone(city, rng),
                toll_free: None,
                domain,
            }
        }
    }
}

/// INN of a legal entity: region, 7 random digits, check digit.
fn inn10(region: &str, rng: &mut Rng) -> String {
    let mut s = region.to_string();
    rng.digits(&mut s, 7);
    let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
    s.push(char::from(b'0' + inn_check(&d, &[2, 4, 10, 3, 5, 9, 4, 6, 8])));
    s
}

/// INN of an individual entrepreneur: region, 8 random digits, two check digits.
fn inn12(region: &str, rng: &mut Rng) -> String {
    let mut s = region.to_string();
    rng.digits(&mut s, 8);
    let mut d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
    let c11 = inn_check(&d, &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
    d.push(u32::from(c11));
    let c12 = inn_check(&d, &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
    s.push(char::from(b'0' + c11));
    s.push(char::from(b'0' + c12));
    s
}

fn inn_check(digits: &[u32], weights: &[u32]) -> u8 {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    ((sum % 11) % 10) as u8
}

fn make_consent(created: Day, ref_day: Day, rng: &mut Rng) -> Consent {
    // Records from before the 2017 crackdown more often lack any consent.
    let old = created < day(2017, 1, 1);
    let processing =
        match rng.weighted(&[if old { 55 } else { 76 }, if old { 33 } else { 12 }, 3, 5]) {
            0 => Proc::Yes,
            1 => Proc::Missing,
            2 => Proc::No,
            _ => Proc::Withdrawn,
        };
    let span = i64::from(ref_day - created);
    let date = match processing {
        Proc::Yes | Proc::Withdrawn if rng.chance(0.9) => Some(if rng.chance(0.75) {
            created + rng.range(0, 30.min(span)) as Day
        } else {
            created + rng.range(0, span) as Day
        }),
        _ => None,
    };
    let source = if date.is_some() && rng.chance(0.85) {
        Some(rng.index(RU_CONSENT_SOURCES.len()))
    } else {
        None
    };
    let marketing = |rng: &mut Rng| -> Mkt {
        if matches!(processing, Proc::No | Proc::Withdrawn) && rng.chance(0.8) {
            return if rng.chance(0.5) { Mkt::No } else { Mkt::Unsubscribed };
        }
        match rng.weighted(&[45, 25, 8, 22]) {
            0 => Mkt::Yes,
            1 => Mkt::No,
            2 => Mkt::Unsubscribed,
            _ => Mkt::Missing,
        }
    };
    let email = marketing(rng);
    let sms = marketing(rng);
    let withdrawn = if processing == Proc::Withdrawn || email == Mkt::Unsubscribed {
        if rng.chance(0.85) {
            let from = date.unwrap_or(created);
            Some(from + rng.range(1, i64::from(ref_day - from).max(1)) as Day)
        } else {
            None
        }
    } else {
        None
    };
    Consent { processing, date, source, email, sms, withdrawn }
}

// ---------------------------------------------------------------------------------------------
// Text corruption helpers
// ---------------------------------------------------------------------------------------------

const RU_KEYBOARD: &[&str] = &["йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"];
const EN_KEYBOARD: &[&str] = &["qwertyuiop", "asdfghjkl", "zxcvbnm"];
/// Letters people confuse by ear.
const SOUND_ALIKE: &[(char, char)] = &[
    ('е', 'и'),
    ('а', 'о'),
    ('ш', 'щ'),
    ('и', 'й'),
    ('е', 'э'),
    ('ц', 'с'),
    ('e', 'i'),
    ('c', 'k'),
    ('y', 'i'),
    ('s', 'z'),
];
/// Cyrillic letters and their Latin look-alikes (OCR and mixed keyboard layouts).
const HOMOGLYPHS: &[(char, char)] = &[
    ('а', 'a'),
    ('е', 'e'),
    ('о', 'o'),
    ('р', 'p'),
    ('с', 'c'),
    ('у', 'y'),
    ('х', 'x'),
    ('А', 'A'),
    ('В', 'B'),
    ('Е', 'E'),
    ('К', 'K'),
    ('М', 'M'),
    ('Н', 'H'),
    ('О', 'O'),
    ('Р', 'P'),
    ('С', 'C'),
    ('Т', 'T'),
    ('Х', 'X'),
];

fn same_case(template: char, c: char) -> char {
    if template.is_uppercase() { c.to_uppercase().next().unwrap_or(c) } else { c }
}

fn keyboard_neighbour(c: char, rng: &mut Rng) -> Option<char> {
    let lower = c.to_lowercase().next().unwrap_or(c);
    for row in RU_KEYBOARD.iter().chain(EN_KEYBOARD) {
        let chars: Vec<char> = row.chars().collect();
        if let Some(i) = chars.iter().position(|&k| k == lower) {
            let j = if i == 0 {
                1
            } else if i + 1 == chars.len() || rng.chance(0.5) {
                i - 1
            } else {
                i + 1
            };
            return chars.get(j).map(|&n| same_case(c, n));
        }
    }
    None
}

/// One realistic typo: swap, drop, double, keyboard slip or sound-alike letter.
fn typo(s: &str, rng: &mut Rng) -> String {
    let mut cs: Vec<char> = s.chars().collect();
    let letters: Vec<usize> = (0..cs.len()).filter(|&i| cs[i].is_alphabetic()).collect();
    if letters.len() < 4 {
        return s.to_string();
    }
    // First letters are rarely wrong.
    let i = letters[1 + rng.index(letters.len() - 1)];
    match rng.below(5) {
        0 if i + 1 < cs.len() && cs[i + 1].is_alphabetic() => cs.swap(i, i + 1),
        1 => {
            cs.remove(i);
        }
        2 => cs.insert(i, cs[i]),
        3 => {
            if let Some(n) = keyboard_neighbour(cs[i], rng) {
                cs[i] = n;
            }
        }
        _ => {
            let lower = cs[i].to_lowercase().next().unwrap_or(cs[i]);
            let alt = SOUND_ALIKE.iter().find_map(|&(a, b)| {
                if a == lower {
                    Some(b)
                } else if b == lower {
                    Some(a)
                } else {
                    None
                }
            });
            match alt {
                Some(a) => cs[i] = same_case(cs[i], a),
                None => cs.swap(i, i - 1),
            }
        }
    }
    cs.into_iter().collect()
}

/// Replace one Cyrillic letter by its Latin twin.
fn homoglyph(s: &str, rng: &mut Rng) -> String {
    let mut cs: Vec<char> = s.chars().collect();
    let spots: Vec<usize> =
        (0..cs.len()).filter(|&i| HOMOGLYPHS.iter().any(|&(c, _)| c == cs[i])).collect();
    if spots.is_empty() {
        return s.to_string();
    }
    let i = spots[rng.index(spots.len())];
    if let Some(&(_, l)) = HOMOGLYPHS.iter().find(|&&(c, _)| c == cs[i]) {
        cs[i] = l;
    }
    cs.into_iter().collect()
}

fn fold_yo(s: &str) -> String {
    s.replace('ё', "е").replace('Ё', "Е")
}

#[derive(Clone, Copy)]
enum Translit {
    /// ICAO Doc 9303 / Russian passports since 2014: Юлия → Iuliia.
    Icao,
    /// BGN/PCGN-like everyday spelling: Юлия → Yuliya.
    Common,
}

fn translit_char(c: char, scheme: Translit) -> &'static str {
    let lower = c.to_lowercase().next().unwrap_or(c);
    let common = matches!(scheme, Translit::Common);
    match lower {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => {
            if common {
                "yo"
            } else {
                "e"
            }
        }
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => {
            if common {
                "y"
            } else {
                "i"
            }
        }
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' => {
            if common {
                ""
            } else {
                "ie"
            }
        }
        'ы' => "y",
        'ь' => "",
        'э' => "e",
        'ю' => {
            if common {
                "yu"
            } else {
                "iu"
            }
        }
        'я' => {
            if common {
                "ya"
            } else {
                "ia"
            }
        }
        _ => "",
    }
}

fn translit(s: &str, scheme: Translit) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let t = translit_char(c, scheme);
        if t.is_empty()
            && !('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c))
            && c != 'ё'
            && c != 'Ё'
        {
            out.push(c);
            continue;
        }
        if c.is_uppercase() {
            let mut it = t.chars();
            if let Some(f) = it.next() {
                out.extend(f.to_uppercase());
                out.push_str(it.as_str());
            }
        } else {
            out.push_str(t);
        }
    }
    out
}

/// Lower-case ASCII form for mailbox names: transliterated, letters and digits only.
fn email_translit(s: &str) -> String {
    translit(s, Translit::Common)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn capitalize_email(email: &str) -> String {
    let mut out = String::with_capacity(email.len());
    let mut up = true;
    for c in email.chars() {
        if up {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c);
        }
        up = matches!(c, '.' | '@' | '_');
    }
    out
}

fn typo_domain(email: &str, rng: &mut Rng) -> String {
    let Some((local, domain)) = email.split_once('@') else { return email.to_string() };
    let lower = domain.to_ascii_lowercase();
    match DOMAIN_TYPOS.iter().find(|(d, _)| *d == lower) {
        Some((_, typos)) => format!("{local}@{}", rng.pick(typos)),
        None => format!("{local}@{domain}."),
    }
}

fn break_email(email: &str, rng: &mut Rng) -> String {
    let Some((local, domain)) = email.split_once('@') else { return email.to_string() };
    match rng.below(6) {
        0 => format!("{local}{domain}"),
        1 => format!("{local}@@{domain}"),
        2 => format!("{local}@{}", domain.replacen('.', ",", 1)),
        3 => format!("{local} @{domain}"),
        4 => format!("{local}@"),
        _ => format!("{local}@{domain}."),
    }
}

fn toggle_gmail_dots(local: &str, rng: &mut Rng) -> String {
    if local.contains('.') {
        local.replace('.', "")
    } else if local.len() > 3 {
        let at = 1 + rng.index(local.len() - 2);
        if local.is_char_boundary(at) {
            format!("{}.{}", &local[..at], &local[at..])
        } else {
            local.to_string()
        }
    } else {
        local.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering one record
// ---------------------------------------------------------------------------------------------

/// One row, by meaning; laid out in header order at the end.
#[derive(Default)]
struct Record {
    id: String,
    full_name: String,
    first: String,
    middle: String,
    last: String,
    phone: String,
    phone2: String,
    email: String,
    dob: String,
    city: String,
    address: String,
    postcode: String,
    company: String,
    reg_no: String,
    manager: String,
    created: String,
    last_purchase: String,
    status: String,
    consent: String,
    consent_date: String,
    consent_source: String,
    consent_email: String,
    consent_sms: String,
    withdrawn: String,
    orders: String,
    spent: String,
    comment: String,
}

fn render(p: &Person, dup: bool, world: &mut World, rng: &mut Rng, fields: &mut Vec<String>) {
    let ru_headers = world.headers == Headers::Ru;
    let mut r = Record { id: world.client_id(rng), ..Record::default() };
    render_name(p, dup, ru_headers, rng, &mut r);
    render_phones(p, dup, world, rng, &mut r);
    r.email = render_email(p, dup, ru_headers, rng);
    r.dob = render_dob(p, dup, ru_headers, rng);
    render_place(p, dup, ru_headers, rng, &mut r);
    render_company(p, dup, world, rng, &mut r);
    render_crm(p, ru_headers, rng, &mut r);

    fields.clear();
    if ru_headers {
        let address = if r.postcode.is_empty() || !rng.chance(0.15) {
            std::mem::take(&mut r.address)
        } else if r.address.is_empty() {
            String::new()
        } else {
            format!("{}, {}", r.postcode, r.address)
        };
        fields.extend([
            r.id,
            r.full_name,
            r.phone,
            r.phone2,
            r.email,
            r.dob,
            r.city,
            address,
            r.company,
            r.reg_no,
            r.manager,
            r.created,
            r.last_purchase,
            r.status,
            r.consent,
            r.consent_date,
            r.consent_source,
            r.consent_email,
            r.consent_sms,
            r.withdrawn,
            r.orders,
            r.spent,
            r.comment,
        ]);
    } else {
        fields.extend([
            r.id,
            r.first,
            r.middle,
            r.last,
            r.phone,
            r.phone2,
            r.email,
            r.dob,
            r.city,
            r.address,
            r.postcode,
            r.company,
            r.reg_no,
            r.manager,
            r.created,
            r.last_purchase,
            r.status,
            r.consent,
            r.consent_date,
            r.consent_source,
            r.consent_email,
            r.consent_sms,
            r.withdrawn,
            r.orders,
            r.spent,
            r.comment,
        ]);
    }
}

fn initial(s: &str) -> String {
    match s.chars().next() {
        Some(c) => format!("{}.", c.to_uppercase()),
        None => String::new(),
    }
}

fn render_name(p: &Person, dup: bool, ru_headers: bool, rng: &mut Rng, r: &mut Record) {
    let ru = p.kind == Kind::Ru;
    let mut first = p.first.to_string();
    let mut middle = p.middle.clone();
    let mut last = p.surname.clone();
    let mut middle_first = false; // "Иван Иванович Иванов"
    let mut surname_first = false; // EN people written "Smith, John"
    let mut initials = false;
    let mut swap_columns = false;

    if dup {
        if !p.nicks.is_empty() && rng.chance(if ru { 0.12 } else { 0.18 }) {
            first = rng.pick(p.nicks).to_string();
            if ru && rng.chance(0.6) {
                middle.clear();
            }
        }
        if ru && rng.chance(0.10) {
            initials = true;
        } else if rng.chance(0.15) {
            middle.clear();
        }
        if rng.chance(0.25) {
            match rng.weighted(&[50, 35, 15]) {
                0 => last = typo(&last, rng),
                1 => first = typo(&first, rng),
                _ => middle = typo(&middle, rng),
            }
        }
        if ru && rng.chance(0.03) {
            last = homoglyph(&last, rng);
        }
        if ru && rng.chance(0.07) {
            let scheme = if rng.chance(0.5) { Translit::Icao } else { Translit::Common };
            first = translit(&first, scheme);
            middle = translit(&middle, scheme);
            last = translit(&last, scheme);
        }
        if ru {
            middle_first = rng.chance(0.15);
        } else {
            surname_first = rng.chance(0.08);
            if !middle.is_empty() && rng.chance(0.5) {
                middle = initial(&middle);
            }
            if last.contains('\'') && rng.chance(0.4) {
                last = last.replace('\'', if rng.chance(0.5) { "" } else { " " });
            }
        }
        swap_columns = rng.chance(0.05);
    } else if ru && rng.chance(0.03) {
        middle.clear();
    } else if ru && rng.chance(0.03) {
        middle_first = true;
    }
    if (ru || p.first.contains('ё')) && rng.chance(if dup { 0.5 } else { 0.3 }) {
        first = fold_yo(&first);
        middle = fold_yo(&middle);
        last = fold_yo(&last);
    }
    let case = rng.unit();
    let (upper, lower) = if dup { (0.05, 0.04) } else { (0.015, 0.005) };
    if case < upper {
        first = first.to_uppercase();
        middle = middle.to_uppercase();
        last = last.to_uppercase();
    } else if case < upper + lower {
        first = first.to_lowercase();
        middle = middle.to_lowercase();
        last = last.to_lowercase();
    }

    // Full name, for the single ФИО column.
    let full = if initials {
        let (fi, mi) = (initial(&first), initial(&middle));
        match rng.below(3) {
            0 => format!("{last} {fi}{mi}"),
            1 => format!("{last} {fi} {mi}"),
            _ => format!("{fi}{mi} {last}"),
        }
    } else if ru && middle_first {
        join_nonempty(&[&first, &middle, &last])
    } else if ru {
        join_nonempty(&[&last, &first, &middle])
    } else if surname_first {
        if rng.chance(0.5) { format!("{last}, {first}") } else { format!("{last} {first}") }
    } else {
        join_nonempty(&[&first, &middle, &last])
    };
    r.full_name = if dup && rng.chance(0.04) {
        if rng.chance(0.5) { format!("{full} ") } else { full.replacen(' ', "  ", 1) }
    } else {
        full
    };

    // Split columns, for English headers.
    if initials {
        first = initial(&first);
        middle = initial(&middle);
    }
    if swap_columns && !ru_headers {
        std::mem::swap(&mut first, &mut last);
    }
    r.first = first;
    r.middle = middle;
    r.last = last;
}

fn join_nonempty(parts: &[&str]) -> String {
    parts.iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

fn render_phones(p: &Person, dup: bool, world: &World, rng: &mut Rng, r: &mut Record) {
    let company = p.company.and_then(|c| world.companies.get(c));
    let (mut main, mut second): (Option<String>, Option<String>);
    match company {
        Some(c) => {
            let board = if let (Some(tf), true) = (&c.toll_free, rng.chance(0.3)) {
                tf
            } else {
                &c.switchboard
            };
            let ext = p.extension.filter(|_| rng.chance(0.8));
            let board_text = format_phone(board, ext, dup, rng);
            let mobile = p.mobile.as_ref().map(|m| format_phone(m, None, dup, rng));
            if rng.chance(0.6) || mobile.is_none() {
                main = Some(board_text);
                second = mobile.filter(|_| rng.chance(0.6));
            } else {
                main = mobile;
                second = Some(board_text).filter(|_| rng.chance(0.5));
            }
        }
        None => {
            let mobile = p.mobile.as_ref().map(|m| format_phone(m, None, dup, rng));
            let home = p.home.as_ref().map(|h| format_phone(h, None, dup, rng));
            match (mobile, home) {
                (Some(m), Some(h)) => {
                    if rng.chance(0.8) {
                        main = Some(m);
                        second = Some(h);
                    } else {
                        main = Some(h);
                        second = Some(m);
                    }
                }
                (m, h) => {
                    main = m.or(h);
                    second = None;
                }
            }
        }
    }
    if dup {
        if rng.chance(0.1) {
            std::mem::swap(&mut main, &mut second);
        }
        if rng.chance(0.3) {
            second = None;
        }
        if rng.chance(0.08) {
            main = None;
        }
    }
    if main.is_none() {
        main = second.take();
    }
    // Two numbers crammed into one field.
    if let (Some(s), true) = (&second, rng.chance(0.02)) {
        if let Some(extra) = p.mobile.as_ref().filter(|_| p.home.is_some()) {
            let sep = if rng.chance(0.5) { ", " } else { "; " };
            second = Some(format!("{s}{sep}{}", format_phone(extra, None, true, rng)));
        }
    }
    r.phone = main.unwrap_or_else(|| placeholder(rng));
    r.phone2 = second.unwrap_or_default();
}

/// How an empty field is sometimes filled in by hand.
fn placeholder(rng: &mut Rng) -> String {
    if rng.chance(0.03) {
        rng.pick(&["-", "нет", "n/a", "0"]).to_string()
    } else {
        String::new()
    }
}

/// One of the many ways people write a phone number.
fn format_phone(p: &Phone, ext: Option<u16>, dup: bool, rng: &mut Rng) -> String {
    let mut national = p.national.clone();
    if dup && rng.chance(0.02) {
        // A mistyped digit.
        let i = p.area_len + rng.index(national.len() - p.area_len);
        let d = char::from(b'0' + rng.below(10) as u8);
        national.replace_range(i..i + 1, &d.to_string());
    }
    let n = national.as_str();
    let area = &n[..p.area_len];
    let rest = &n[p.area_len..];
    let mut text = match p.country {
        Country::Ru | Country::Kz => format_ru(n, area, rest, p.fixed_line, rng),
        Country::Us => format_us(n, area, rest, rng),
        Country::Gb => format_gb(n, area, rest, rng),
    };
    let russian_style = matches!(p.country, Country::Ru | Country::Kz);
    if let Some(x) = ext {
        let forms: &[&str] = if russian_style {
            &[" доб. ", " доб.", " (доб. ", ", доб. ", " вн. ", " ext. "]
        } else {
            &[" x", " ext. ", " ext ", " #"]
        };
        let form = *rng.pick(forms);
        text.push_str(form);
        text.push_str(&x.to_string());
        if form.contains('(') {
            text.push(')');
        }
    }
    if rng.chance(0.03) {
        let labels: &[&str] = if russian_style {
            &["тел. ", "т. ", "Тел.: ", "моб. ", "tel: "]
        } else {
            &["tel: ", "Tel. ", "ph: ", "mob "]
        };
        text.insert_str(0, rng.pick_str(labels));
    }
    if rng.chance(0.02) {
        let notes: &[&str] = if russian_style {
            &[" (моб.)", " (раб.)", " WhatsApp", " (Viber)", " - рабочий", " (личный)"]
        } else {
            &[" (mobile)", " (work)", " (home)", " - WhatsApp", " cell"]
        };
        text.push_str(rng.pick_str(notes));
    }
    if rng.chance(0.02) {
        text = text.replace(' ', "\u{a0}");
    }
    if rng.chance(0.01) {
        text = text.replace('-', "\u{2013}");
    }
    text
}

/// Split the subscriber part the Russian way: 7 → 3-2-2, 6 → 2-2-2, 5 → 1-2-2.
fn ru_groups(rest: &str) -> (&str, &str, &str) {
    let a = rest.len().saturating_sub(4);
    let (g1, tail) = rest.split_at(a);
    let (g2, g3) = tail.split_at(2);
    (g1, g2, g3)
}

fn format_ru(n: &str, a: &str, rest: &str, fixed_line: bool, rng: &mut Rng) -> String {
    let (g1, g2, g3) = ru_groups(rest);
    if fixed_line && a.len() == 3 && rng.chance(0.02) {
        // Local number only: the writer assumed the city.
        return format!("{g1}-{g2}-{g3}");
    }
    match rng.weighted(&[20, 22, 12, 14, 8, 6, 5, 2, 3, 2, 3, 2, 3, 2, 2, 1]) {
        0 => format!("+7 ({a}) {g1}-{g2}-{g3}"),
        1 => format!("8 ({a}) {g1}-{g2}-{g3}"),
        2 => format!("+7 {a} {g1}-{g2}-{g3}"),
        3 => format!("8{n}"),
        4 => format!("+7{n}"),
        5 => format!("8-{a}-{g1}-{g2}-{g3}"),
        6 => format!("8 {a} {g1} {g2} {g3}"),
        7 => format!("7 ({a}) {rest}"),
        8 => format!("({a}) {g1}-{g2}-{g3}"),
        9 => n.to_string(),
        10 => format!("+7({a}){g1}-{g2}-{g3}"),
        11 => format!("8({a}){rest}"),
        12 => format!("+7 {a} {g1} {g2} {g3}"),
        13 => format!("7{n}"),
        14 => format!("8 {a} {rest}"),
        _ => format!("+7-{a}-{g1}-{g2}-{g3}"),
    }
}

fn format_us(n: &str, a: &str, rest: &str, rng: &mut Rng) -> String {
    let (e, l) = rest.split_at(3);
    match rng.weighted(&[30, 20, 12, 8, 6, 10, 10, 4]) {
        0 => format!("({a}) {e}-{l}"),
        1 => format!("{a}-{e}-{l}"),
        2 => format!("+1 {a} {e} {l}"),
        3 => format!("1-{a}-{e}-{l}"),
        4 => format!("{a}.{e}.{l}"),
        5 => format!("+1{n}"),
        6 => format!("+1 ({a}) {e}-{l}"),
        _ => n.to_string(),
    }
}

fn format_gb(n: &str, a: &str, rest: &str, rng: &mut Rng) -> String {
    let grouped = if rest.len() == 8 {
        format!("{} {}", &rest[..4], &rest[4..])
    } else if rest.len() == 7 {
        format!("{} {}", &rest[..3], &rest[3..])
    } else {
        rest.to_string()
    };
    match rng.weighted(&[35, 25, 8, 10, 10, 6, 6]) {
        0 => format!("0{a} {grouped}"),
        1 => format!("+44 {a} {grouped}"),
        2 => format!("+44 (0){a} {grouped}"),
        3 => format!("0{n}"),
        4 => format!("+44{n}"),
        5 => format!("(0{a}) {rest}"),
        _ => format!("0044 {a} {grouped}"),
    }
}

fn render_email(p: &Person, dup: bool, ru_headers: bool, rng: &mut Rng) -> String {
    let Some(email) = &p.email else {
        return if ru_headers { placeholder(rng) } else { String::new() };
    };
    if !dup {
        return email.clone();
    }
    if rng.chance(0.2) {
        return String::new();
    }
    let Some((local, domain)) = email.split_once('@') else { return email.clone() };
    let mut local = local.to_string();
    let mut domain = domain.to_string();
    let lower_domain = domain.to_ascii_lowercase();
    if lower_domain == "gmail.com" || lower_domain == "googlemail.com" {
        if rng.chance(0.4) {
            local = toggle_gmail_dots(&local, rng);
        }
        if rng.chance(0.1) {
            local = format!("{local}+{}", rng.pick(&["shop", "promo", "crm", "news"]));
        }
        if rng.chance(0.1) {
            domain = if lower_domain == "gmail.com" { "googlemail.com" } else { "gmail.com" }
                .to_string();
        }
    }
    if ["yandex.ru", "ya.ru"].contains(&lower_domain.as_str()) && rng.chance(0.2) {
        domain = rng.pick(&["yandex.ru", "ya.ru", "yandex.com"]).to_string();
    }
    let mut out = format!("{local}@{domain}");
    match rng.weighted(&[75, 8, 7, 5, 5]) {
        0 => {}
        1 => out = out.to_uppercase(),
        2 => out = capitalize_email(&out),
        3 => out = typo_domain(&out, rng),
        _ => out = format!(" {out} "),
    }
    out
}

fn render_dob(p: &Person, dup: bool, ru_headers: bool, rng: &mut Rng) -> String {
    if p.placeholder_dob {
        return if ru_headers {
            rng.pick(&["01.01.1900", "01.01.1970", "00.00.0000"]).to_string()
        } else {
            rng.pick(&["1900-01-01", "1970-01-01"]).to_string()
        };
    }
    let Some(d) = p.dob else { return String::new() };
    if dup && rng.chance(0.25) {
        return String::new();
    }
    let (mut y, mut m, mut dd) = civil(d);
    if dup && rng.chance(0.03) && dd <= 12 && dd != m {
        std::mem::swap(&mut m, &mut dd);
    }
    if dup && rng.chance(0.02) {
        // Transposed last two digits of the year: 1985 → 1958.
        let (t, u) = ((y / 10) % 10, y % 10);
        y = y - t * 10 - u + u * 10 + t;
    }
    let noisy = rng.chance(if dup { 0.10 } else { 0.03 });
    if !noisy {
        return if ru_headers {
            format!("{dd:02}.{m:02}.{y:04}")
        } else {
            format!("{y:04}-{m:02}-{dd:02}")
        };
    }
    match (rng.below(7), ru_headers) {
        (0, true) => format!("{dd}.{m}.{y}"),
        (1, true) => format!("{dd:02}.{m:02}.{:02}", y % 100),
        (2, true) => format!("{dd:02}/{m:02}/{y:04}"),
        (3, true) => format!("{y:04}-{m:02}-{dd:02}"),
        (4, true) => format!("{dd:02}.{m:02}.{y:04} г."),
        (5, true) => format!("{dd}.{m:02}.{y:04}"),
        (0, false) => format!("{m:02}/{dd:02}/{y:04}"),
        (1, false) => format!("{dd:02}/{m:02}/{y:04}"),
        (2, false) => format!("{y:04}/{m:02}/{dd:02}"),
        (3, false) => format!("{y:04}{m:02}{dd:02}"),
        (4, false) => format!("{m}/{dd}/{:02}", y % 100),
        (5, false) => format!("{y:04}-{m}-{dd}"),
        // What Excel leaves behind: a serial day number.
        _ => (d + 25_569).to_string(),
    }
}

fn render_place(p: &Person, dup: bool, ru_headers: bool, rng: &mut Rng, r: &mut Record) {
    let city = p.city;
    r.city = if dup && rng.chance(0.08) {
        String::new()
    } else if rng.chance(if dup { 0.35 } else { 0.2 }) && !city.variants.is_empty() {
        rng.pick(city.variants).to_string()
    } else {
        city.name.to_string()
    };
    let Some(a) = &p.address else { return };
    if dup && rng.chance(0.2) {
        return;
    }
    let ru = matches!(city.country, Country::Ru | Country::Kz);
    r.postcode = a.postcode.clone();
    if ru {
        let (name, kind) = RU_STREETS[a.street % RU_STREETS.len()];
        let (abbr, others) = RU_STREET_KINDS[kind];
        let k = if rng.chance(0.25) && !others.is_empty() { *rng.pick(others) } else { abbr };
        let name = if rng.chance(0.3) { fold_yo(name) } else { name.to_string() };
        let house = match a.building {
            Some(b) => match rng.below(3) {
                0 => format!("{}, корп. {b}", a.house),
                1 => format!("{}к{b}", a.house),
                _ => format!("{}/{b}", a.house),
            },
            None => a.house.to_string(),
        };
        let mut text = match (rng.weighted(&[35, 20, 10, 10, 10, 15]), a.flat) {
            (0, Some(f)) => format!("{k} {name}, д. {house}, кв. {f}"),
            (1, Some(f)) => format!("{k} {name}, д.{house}, кв.{f}"),
            (2, Some(f)) => format!("{name} {k}, {house}-{f}"),
            (3, Some(f)) => format!("{k} {name} {house}-{f}"),
            (4, Some(f)) => format!("{k} {name}, дом {house}, квартира {f}"),
            (_, Some(f)) => format!("{k} {name}, {house}, {f}"),
            (0 | 1 | 4, None) => format!("{k} {name}, д. {house}"),
            (_, None) => format!("{k} {name}, {house}"),
        };
        if rng.chance(0.1) {
            text = format!("г. {}, {text}", city.name);
        }
        r.address = text;
    } else {
        let street = EN_STREETS[a.street % EN_STREETS.len()];
        let (full, abbr, dotted) =
            EN_STREET_SUFFIXES[(a.street * 7 + usize::from(a.house)) % EN_STREET_SUFFIXES.len()];
        let suffix = *rng.pick(&[full, abbr, dotted]);
        let base = format!("{} {street} {suffix}", a.house);
        r.address = match (a.flat, city.country) {
            (Some(f), Country::Gb) => format!("Flat {f}, {base}"),
            (Some(f), _) => {
                let unit = format!("{}{}", f % 40 + 1, char::from(b'A' + (f % 4) as u8));
                if rng.chance(0.5) {
                    format!("{base}, Apt {unit}")
                } else {
                    format!("{base} #{unit}")
                }
            }
            (None, _) => base,
        };
        if city.country == Country::Us && rng.chance(0.3) {
            r.address = format!("{}, {} {}", r.address, city.name, city.region);
        }
    }
    if dup && rng.chance(0.1) {
        r.address = r.address.to_uppercase();
    }
    if ru_headers && !ru {
        // Russian CRMs have no postcode column; foreign postcodes end up in the address.
        r.address = format!("{}, {}", r.address, a.postcode);
        r.postcode.clear();
    }
}

fn render_company(p: &Person, dup: bool, world: &World, rng: &mut Rng, r: &mut Record) {
    let Some(c) = p.company.and_then(|c| world.companies.get(c)) else { return };
    r.company = match c.kind {
        Kind::Ru => {
            let form = RU_FORMS[c.form];
            let name = &c.name;
            if c.form == 4 {
                match rng.weighted(&[70, 20, 10]) {
                    0 => format!("ИП {name}"),
                    1 => format!("{} {name}", RU_FORMS_LONG[4]),
                    _ => format!("{name} ИП"),
                }
            } else {
                match rng.weighted(&[40, 25, 12, 10, 8, 5]) {
                    0 => format!("{form} «{name}»"),
                    1 => format!("{form} \"{name}\""),
                    2 => format!("{form} {name}"),
                    3 => format!("{name} {form}"),
                    4 => format!("{} «{name}»", RU_FORMS_LONG[c.form]),
                    _ => name.to_string(),
                }
            }
        }
        Kind::En => {
            let form = EN_FORMS[c.form];
            match rng.weighted(&[60, 15, 15, 10]) {
                0 => format!("{} {form}", c.name),
                1 => format!("{}, {form}", c.name),
                2 => c.name.clone(),
                _ => format!("{} {form}", c.name.to_uppercase()),
            }
        }
    };
    if rng.chance(if dup { 0.3 } else { 0.1 }) {
        return;
    }
    let mut reg = c.reg_no.clone();
    if reg.starts_with('0') && rng.chance(0.5) {
        // Excel read it as a number.
        reg = reg.trim_start_matches('0').to_string();
    }
    if dup && rng.chance(0.02) {
        reg = typo_digits(&reg, rng);
    }
    r.reg_no = reg;
}

fn typo_digits(s: &str, rng: &mut Rng) -> String {
    let mut b: Vec<u8> = s.bytes().collect();
    if b.len() >= 2 {
        let i = rng.index(b.len() - 1);
        b.swap(i, i + 1);
    }
    String::from_utf8(b).unwrap_or_else(|_| s.to_string())
}

fn render_crm(p: &Person, ru_headers: bool, rng: &mut Rng, r: &mut Record) {
    let date = |d: Day| if ru_headers { ru_date(d) } else { iso_date(d) };
    r.manager = if rng.chance(0.02) {
        String::new()
    } else if ru_headers {
        RU_MANAGERS[p.manager % RU_MANAGERS.len()].to_string()
    } else {
        EN_MANAGERS[p.manager % EN_MANAGERS.len()].to_string()
    };
    let (h, mi, s) = (rng.range(8, 20), rng.range(0, 59), rng.range(0, 59));
    r.created = if ru_headers {
        format!("{} {h:02}:{mi:02}", ru_date(p.created))
    } else {
        format!("{} {h:02}:{mi:02}:{s:02}", iso_date(p.created))
    };
    r.last_purchase = p.last_purchase.map(date).unwrap_or_default();
    let reference = reference_day();
    let status_pool: &[&str] = match (p.last_purchase, ru_headers) {
        (None, true) => &["Лид", "Лид", "Новый", "Потенциальный", "Отказ"],
        (None, false) => &["lead", "lead", "prospect", "new", "lost"],
        (Some(d), true) if reference - d <= YEAR => {
            &["Клиент", "Постоянный клиент", "VIP", "Активный"]
        }
        (Some(d), false) if reference - d <= YEAR => {
            &["customer", "repeat customer", "vip", "active"]
        }
        // Old buyers: often never re-flagged.
        (Some(_), true) => &["Клиент", "Неактивный", "Архив", "Клиент"],
        (Some(_), false) => &["customer", "inactive", "churned", "customer"],
    };
    r.status = rng.pick(status_pool).to_string();

    let c = &p.consent;
    r.consent = match (c.processing, ru_headers) {
        (Proc::Yes, true) => rng.pick_weighted(&[
            ("Да", 80),
            ("да", 8),
            ("1", 4),
            ("+", 3),
            ("Y", 2),
            ("Согласен", 3),
        ]),
        (Proc::No, true) => rng.pick_weighted(&[("Нет", 80), ("нет", 10), ("0", 5), ("-", 5)]),
        (Proc::Withdrawn, true) => {
            rng.pick_weighted(&[("Отозвано", 70), ("отозвано", 10), ("Отозвал", 10), ("Отзыв", 10)])
        }
        (Proc::Missing, true) => rng.pick_weighted(&[("", 97), ("н/д", 3)]),
        (Proc::Yes, false) => rng.pick_weighted(&[("yes", 70), ("Y", 10), ("TRUE", 10), ("1", 10)]),
        (Proc::No, false) => rng.pick_weighted(&[("no", 80), ("N", 10), ("FALSE", 5), ("0", 5)]),
        (Proc::Withdrawn, false) => rng.pick_weighted(&[("withdrawn", 85), ("revoked", 15)]),
        (Proc::Missing, false) => &"",
    }
    .to_string();
    r.consent_date = c.date.map(date).unwrap_or_default();
    r.consent_source = match (c.source, ru_headers) {
        (Some(i), true) => RU_CONSENT_SOURCES[i % RU_CONSENT_SOURCES.len()].to_string(),
        (Some(i), false) => EN_CONSENT_SOURCES[i % EN_CONSENT_SOURCES.len()].to_string(),
        (None, _) => String::new(),
    };
    let marketing = |m: Mkt, rng: &mut Rng| -> String {
        match (m, ru_headers) {
            (Mkt::Yes, true) => rng.pick(&["Да", "Да", "Да", "да"]).to_string(),
            (Mkt::No, true) => "Нет".to_string(),
            (Mkt::Unsubscribed, true) => rng.pick(&["Отписался", "Отписан", "Нет"]).to_string(),
            (Mkt::Yes, false) => rng.pick(&["true", "true", "yes"]).to_string(),
            (Mkt::No, false) => "false".to_string(),
            (Mkt::Unsubscribed, false) => rng.pick(&["unsubscribed", "false"]).to_string(),
            (Mkt::Missing, _) => String::new(),
        }
    };
    r.consent_email = marketing(c.email, rng);
    r.consent_sms = marketing(c.sms, rng);
    r.withdrawn = c.withdrawn.map(date).unwrap_or_default();
    if p.orders > 0 {
        r.orders = p.orders.to_string();
        let (units, cents) = (p.spent_cents / 100, p.spent_cents % 100);
        r.spent = if ru_headers {
            if units >= 1000 && rng.chance(0.5) {
                format!("{},{cents:02}", group_thousands(units, '\u{a0}'))
            } else {
                format!("{units},{cents:02}")
            }
        } else {
            format!("{units}.{cents:02}")
        };
    } else if rng.chance(0.5) {
        r.orders = "0".to_string();
    }
    r.comment = match (p.comment, ru_headers) {
        (Some(i), true) => RU_COMMENTS[i % RU_COMMENTS.len()].to_string(),
        (Some(i), false) => EN_COMMENTS[i % EN_COMMENTS.len()].to_string(),
        (None, _) => String::new(),
    };
}

/// `1234567` → `1 234 567` with the given separator (Russian accounting style).
fn group_thousands(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}
