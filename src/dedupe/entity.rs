//! Building a dedupe [`Entity`] from a normalized row: the match keys of each role.
//!
//! Keys fold what should not tell two people apart: case, `ё`/`е`, script (Cyrillic and Latin
//! meet on one Latin skeleton), nicknames (Саша = Александр), Gmail dots, phone formats.

use crate::record::Record;

use super::{BirthDate, Entity};
use crate::memo::{Memo, memoized};
use crate::normalize::{company, email, name};
use crate::roles::{ColumnMap, Role};

/// The full names of a run of rows as their normalizer told the parts apart, packed in one
/// allocation: kept from normalization until the match keys are built, then freed whole
/// (a base has a million of them; one small allocation each would stay scattered).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedNames {
    /// Surname, first name and patronymic of each parsed name, each ended by `\u{1f}`.
    text: String,
    /// Per row: where its parts lie in `text` (`None` when the row has no parsed name).
    rows: Vec<Option<(u32, u32, Option<name::Gender>)>>,
}

impl ParsedNames {
    /// Room for `rows` rows.
    pub fn with_capacity(rows: usize) -> ParsedNames {
        ParsedNames { text: String::with_capacity(rows * 32), rows: Vec::with_capacity(rows) }
    }

    /// Appends the next row's parsed name.
    pub fn push(&mut self, parsed: Option<name::PersonName>) {
        let Some(p) = parsed else {
            self.rows.push(None);
            return;
        };
        let start = self.text.len();
        for part in [&p.surname, &p.first, &p.patronymic] {
            // The name parser never leaves a control character in a part.
            self.text.extend(part.as_deref().unwrap_or("").chars().filter(|&c| c != '\u{1f}'));
            self.text.push('\u{1f}');
        }
        match (u32::try_from(start), u32::try_from(self.text.len())) {
            (Ok(start), Ok(end)) => self.rows.push(Some((start, end, p.gender))),
            // Past 4 GiB of names in one run: that row's name is parsed again instead.
            _ => self.rows.push(None),
        }
    }

    /// Number of rows pushed.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no row was pushed.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Surname, first name and patronymic (empty when absent) and gender of row `i`.
    pub fn get(&self, i: usize) -> Option<([&str; 3], Option<name::Gender>)> {
        let (start, end, gender) = (*self.rows.get(i)?)?;
        let text = self.text.get(start as usize..end as usize)?;
        let mut it = text.split('\u{1f}');
        let parts = [it.next().unwrap_or(""), it.next().unwrap_or(""), it.next().unwrap_or("")];
        Some((parts, gender))
    }
}

/// The entity of one normalized row of `source`.
pub fn entity_from_row(record: &Record, columns: &ColumnMap, source: u32) -> Entity {
    entity_from_row_with_name(record, columns, source, None)
}

/// [`entity_from_row`] with the parts of the row's first non-blank full name already parsed
/// (by its normalizer, [`crate::normalize::normalize_row_with_name`]); `None` parses it here.
pub fn entity_from_row_with_name(
    record: &Record,
    columns: &ColumnMap,
    source: u32,
    full_name: Option<([&str; 3], Option<name::Gender>)>,
) -> Entity {
    let first_value = |role: Role| -> &str {
        columns
            .indices(role)
            .filter_map(|c| record.get(c))
            .find(|v| !v.trim().is_empty())
            .unwrap_or("")
    };
    let mut e = Entity { source, ..Entity::default() };

    let (mut surname, mut first, mut patronymic) = (
        first_value(Role::LastName).to_string(),
        first_value(Role::FirstName).to_string(),
        first_value(Role::MiddleName).to_string(),
    );
    let full = first_value(Role::FullName);
    if !full.is_empty() && (surname.is_empty() || first.is_empty()) {
        let parsed_here =
            if full_name.is_none() { name::parse_full_name(full).parsed } else { None };
        let parsed = full_name.or_else(|| {
            let p = parsed_here.as_ref()?;
            let parts = [&p.surname, &p.first, &p.patronymic].map(|v| v.as_deref().unwrap_or(""));
            Some((parts, p.gender))
        });
        if let Some(([p_surname, p_first, p_patronymic], gender)) = parsed {
            e.gender = gender;
            if surname.is_empty() {
                surname = p_surname.to_string();
            }
            if first.is_empty() {
                first = p_first.to_string();
            }
            if patronymic.is_empty() {
                patronymic = p_patronymic.to_string();
            }
        }
    }
    e.surname = memoized(Memo::Surname, &surname, name::name_key);
    e.given = memoized(Memo::Given, &first, name::name_key);
    e.given_canonical = if first.is_empty() {
        String::new()
    } else {
        memoized(Memo::GivenCanonical, &e.given, |key| name::canonical_first_name_key(key.into()))
    };
    e.patronymic = memoized(Memo::Patronymic, &patronymic, name::name_key);

    e.birth_date = birth_date(first_value(Role::BirthDate));
    for c in columns.indices(Role::Phone) {
        let cell = record.get(c).unwrap_or("");
        e.phones.extend(
            cell.split(';').map(str::trim).filter(|p| p.starts_with('+')).map(str::to_string),
        );
    }
    for c in columns.indices(Role::Email) {
        let cell = record.get(c).unwrap_or("").trim();
        if let Some((local, domain)) = cell.rsplit_once('@') {
            if !local.is_empty() && domain.contains('.') && !cell.contains(char::is_whitespace) {
                e.emails.push(email::match_key(local, &domain.to_lowercase()));
            }
        }
    }
    e.phones.sort();
    e.phones.dedup();
    e.emails.sort();
    e.emails.dedup();
    e.street_number = name::lowercase(first_value(Role::StreetNumber).trim());
    e.address = columns
        .indices(Role::Address)
        .filter_map(|c| record.get(c))
        .map(|v| name::lowercase(v.trim()))
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    e.locality = memoized(Memo::Locality, first_value(Role::City), locality_key);
    e.postcode = name::lowercase(first_value(Role::Postcode).trim());
    e.region = name::lowercase(first_value(Role::Region).trim());
    e.national_id = first_value(Role::NationalId)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    let inn = first_value(Role::Inn);
    if !inn.is_empty() && inn.bytes().all(|b| b.is_ascii_digit()) {
        e.inn = inn.to_string();
    }
    let company_name = first_value(Role::Company);
    if !company_name.is_empty() {
        // Employers repeat: colleagues share one.
        e.company = memoized(Memo::Company, company_name, company::company_key);
    }
    e
}

/// Common short names of big cities, as name keys are built from them: `(variant, city)`.
const CITY_ALIASES: &[(&str, &str)] = &[
    ("мск", "москва"),
    ("спб", "санкт-петербург"),
    ("питер", "санкт-петербург"),
    ("с.-петербург", "санкт-петербург"),
    ("с-петербург", "санкт-петербург"),
    ("санкт петербург", "санкт-петербург"),
    ("екб", "екатеринбург"),
    ("нск", "новосибирск"),
    ("н. новгород", "нижний новгород"),
    ("н.новгород", "нижний новгород"),
    ("ростов н/д", "ростов-на-дону"),
    ("ростов", "ростов-на-дону"),
    ("алма-ата", "алматы"),
    ("nyc", "new york"),
    ("new york city", "new york"),
    ("la", "los angeles"),
    ("greater london", "london"),
];

/// Locality match key: the name without `г.`/`город` and without what follows a comma
/// (`Химки, МО`, `Houston, TX`, `London, UK`), common short names resolved (`СПб`, `Мск`,
/// `NYC`), then the cross-script name key.
fn locality_key(value: &str) -> String {
    let head = value.split(',').next().unwrap_or("").trim().to_lowercase();
    let words: Vec<&str> = head
        .split_whitespace()
        .filter(|w| !matches!(*w, "г" | "г." | "гор." | "город" | "city"))
        .collect();
    let joined = words.join(" ");
    let canonical =
        CITY_ALIASES.iter().find(|(v, _)| *v == joined).map_or(joined.as_str(), |(_, c)| c);
    name::name_key(canonical)
}

/// A birth date as written: ISO from the date normalizer, or the raw digits of a value it could
/// not read (`19561304`: a typo'd month still carries the year and day).
fn birth_date(value: &str) -> Option<BirthDate> {
    // The digits on the stack: only a value with exactly eight is read.
    let mut digits = [0u8; 8];
    let mut count = 0usize;
    for d in value.bytes().filter(u8::is_ascii_digit) {
        if let Some(slot) = digits.get_mut(count) {
            *slot = d;
        }
        count += 1;
    }
    let v = value.trim();
    let iso_like = v.len() >= 10 && v.as_bytes().get(4) == Some(&b'-');
    if count == 8 && (iso_like || v.len() == 8) {
        BirthDate::parse_yyyymmdd(std::str::from_utf8(&digits).ok()?)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memoized_keys_are_the_keys() {
        for name in ["Иванов", "Ёлкина", "Smith", "", "Иванов", "Ёлкина"] {
            assert_eq!(memoized(Memo::Surname, name, name::name_key), name::name_key(name));
        }
        // The same value of another kind has its own key.
        assert_eq!(memoized(Memo::Surname, "СПб", name::name_key), "spb");
        for city in ["г. Москва", "СПб", "London, UK", "г. Москва"] {
            assert_eq!(memoized(Memo::Locality, city, locality_key), locality_key(city));
        }
        assert_ne!(locality_key("СПб"), "spb");
    }

    fn map(headers: &[&str]) -> ColumnMap {
        let h: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        ColumnMap::resolve(&h, &[])
    }

    #[test]
    fn parsed_names_give_each_row_its_parts_and_the_same_entity() {
        let mut names = ParsedNames::with_capacity(3);
        let parsed = name::parse_full_name("Иванова Мария Петровна").parsed;
        names.push(parsed.clone());
        names.push(None);
        names.push(Some(name::PersonName { first: Some("Ann".into()), ..Default::default() }));
        assert_eq!(names.len(), 3);
        let gender = parsed.and_then(|p| p.gender);
        assert_eq!(names.get(0), Some((["Иванова", "Мария", "Петровна"], gender)));
        assert_eq!(names.get(1), None);
        assert_eq!(names.get(2), Some((["", "Ann", ""], None)));
        assert_eq!(names.get(3), None);
        let m = map(&["ФИО", "Телефон"]);
        let record = Record::from(vec!["Иванова Мария Петровна", "+79161234567"]);
        let given = entity_from_row_with_name(&record, &m, 0, names.get(0));
        let parsed_here = entity_from_row(&record, &m, 0);
        assert_eq!(
            (given.surname, given.given, given.patronymic, given.gender),
            (parsed_here.surname, parsed_here.given, parsed_here.patronymic, parsed_here.gender)
        );
    }

    #[test]
    fn russian_and_latin_spellings_meet_on_keys() {
        let m = map(&["ФИО", "Телефон", "E-mail", "Дата рождения"]);
        let ru = entity_from_row(
            &Record::from(vec![
                "Иванов Иван Иванович",
                "+79161234567; +74951234567",
                "Iv.Anov@Gmail.com",
                "1980-02-01",
            ]),
            &m,
            0,
        );
        let en =
            entity_from_row(&Record::from(vec!["Ivanov Ivan", "", "ivanov@gmail.com", ""]), &m, 1);
        assert_eq!(ru.surname, en.surname);
        assert_eq!(ru.given, en.given);
        assert_eq!(ru.emails, en.emails);
        assert_eq!(ru.phones, vec!["+74951234567", "+79161234567"]);
        assert_eq!(ru.birth_date, BirthDate::parse_yyyymmdd("19800201"));
        assert!(!ru.patronymic.is_empty());
        assert_eq!(ru.source, 0);
        let nick = entity_from_row(&Record::from(vec!["Иванов Саша", "", "", ""]), &m, 0);
        let full = entity_from_row(&Record::from(vec!["Иванов Александр", "", "", ""]), &m, 0);
        assert_eq!(nick.given_canonical, full.given_canonical);
        assert_ne!(nick.given, full.given);
    }

    proptest::proptest! {
        #[test]
        fn birth_date_reads_as_collecting_the_digits_did(value in "[0-9 .-]{0,12}[0-9a-z]{0,2}") {
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            let v = value.trim();
            let iso_like = v.len() >= 10 && v.as_bytes().get(4) == Some(&b'-');
            let reference = if digits.len() == 8 && (iso_like || v.len() == 8) {
                BirthDate::parse_yyyymmdd(&digits)
            } else {
                None
            };
            proptest::prop_assert_eq!(birth_date(&value), reference, "{:?}", value);
        }
    }

    #[test]
    fn locality_variants_share_a_key() {
        for group in [
            &["Москва", "г. Москва", "Москва г", "МОСКВА", "Мск", "г Москва"][..],
            &["Санкт-Петербург", "СПб", "С.-Петербург", "Санкт Петербург", "Питер"][..],
            &["Химки", "г. Химки", "Химки, МО"][..],
            &["New York", "NYC", "New York, NY", "new york", "New York City"][..],
            &["London", "LONDON", "London, UK", "Greater London"][..],
        ] {
            let keys: Vec<String> = group.iter().map(|v| locality_key(v)).collect();
            assert!(!keys[0].is_empty());
            assert!(keys.iter().all(|k| *k == keys[0]), "{group:?}: {keys:?}");
        }
        assert_ne!(locality_key("Москва"), locality_key("Казань"));
        assert_eq!(locality_key(""), "");
    }

    #[test]
    fn separate_name_columns_and_raw_dates() {
        let m = map(&["given_name", "surname", "date_of_birth", "soc_sec_id"]);
        let e = entity_from_row(
            &Record::from(vec!["mitchell", "green", "19561304", "180 497 4"]),
            &m,
            0,
        );
        assert_eq!(e.given, name::name_key("Mitchell"));
        assert!(!e.given.is_empty());
        assert_eq!(e.national_id, "1804974");
        assert_eq!(e.birth_date, BirthDate::parse_yyyymmdd("19561304"));
    }
}
