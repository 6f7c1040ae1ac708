//! Building a dedupe [`Entity`] from a normalized row: the match keys of each role.
//!
//! Keys fold what should not tell two people apart: case, `ё`/`е`, script (Cyrillic and Latin
//! meet on one Latin skeleton), nicknames (Саша = Александр), Gmail dots, phone formats.

use crate::record::Record;

use super::{BirthDate, Entity};
use crate::normalize::{company, email, name};
use crate::roles::{ColumnMap, Role};

/// The entity of one normalized row of `source`.
pub fn entity_from_row(record: &Record, columns: &ColumnMap, source: u32) -> Entity {
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
        if let Some(parsed) = name::parse_full_name(full).parsed {
            e.gender = parsed.gender;
            if surname.is_empty() {
                surname = parsed.surname.unwrap_or_default();
            }
            if first.is_empty() {
                first = parsed.first.unwrap_or_default();
            }
            if patronymic.is_empty() {
                patronymic = parsed.patronymic.unwrap_or_default();
            }
        }
    }
    e.surname = name::name_key(&surname);
    e.given = name::name_key(&first);
    e.given_canonical = if first.is_empty() { String::new() } else { name::first_name_key(&first) };
    e.patronymic = name::name_key(&patronymic);

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
    e.street_number = first_value(Role::StreetNumber).trim().to_lowercase();
    e.address = columns
        .indices(Role::Address)
        .filter_map(|c| record.get(c))
        .map(|v| v.trim().to_lowercase())
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    e.locality = locality_key(first_value(Role::City));
    e.postcode = first_value(Role::Postcode).trim().to_lowercase();
    e.region = first_value(Role::Region).trim().to_lowercase();
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
        e.company = company::company_key(company_name);
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
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let v = value.trim();
    let iso_like = v.len() >= 10 && v.as_bytes().get(4) == Some(&b'-');
    if digits.len() == 8 && (iso_like || v.len() == 8) {
        BirthDate::parse_yyyymmdd(&digits)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(headers: &[&str]) -> ColumnMap {
        let h: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        ColumnMap::resolve(&h, &[])
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
