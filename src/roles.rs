//! Column roles: what a source column means (phone, email, full name, consent …),
//! resolved from header aliases in Russian and English, the rules file and `--map`.

use serde::Serialize;

/// The meaning of a column. Columns without a role pass through untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Client id in the source system.
    Id,
    /// Full name in one cell (ФИО).
    FullName,
    /// Surname (Фамилия).
    LastName,
    /// Given name (Имя).
    FirstName,
    /// Patronymic (Отчество).
    MiddleName,
    /// Phone number; several columns allowed.
    Phone,
    /// Email address; several columns allowed.
    Email,
    /// Company name.
    Company,
    /// Russian taxpayer number.
    Inn,
    /// Street address.
    Address,
    /// House / street number.
    StreetNumber,
    /// City, town or suburb.
    City,
    /// Postal code.
    Postcode,
    /// Region, state or oblast.
    Region,
    /// Country.
    Country,
    /// Date of birth.
    BirthDate,
    /// Gender.
    Gender,
    /// Record creation date.
    CreatedAt,
    /// Last activity / contact date.
    LastActivityAt,
    /// Last purchase / deal date.
    LastPurchaseAt,
    /// Record status (lead, client, …).
    Status,
    /// Customer type (person / company) when the export says it.
    ClientType,
    /// Responsible manager.
    Manager,
    /// Where the record came from.
    Source,
    /// National id (SNILS, passport, social security number).
    NationalId,
    /// Contact person at a company.
    ContactPerson,
    /// Decision maker at a company.
    DecisionMaker,
    /// Working hours of a company.
    WorkingHours,
    /// Preferred channel of communication.
    PreferredChannel,
    /// Convenient time to call.
    CallTime,
    /// Consent to personal-data processing (152-FZ art. 9 / GDPR art. 6).
    ConsentProcessing,
    /// Date the processing consent was given.
    ConsentDate,
    /// How the consent was collected (web form, paper, call).
    ConsentMethod,
    /// Reference to the consent evidence (document id, log id).
    ConsentEvidence,
    /// Advertising consent, all channels (38-FZ art. 18).
    ConsentMarketing,
    /// Advertising consent for email.
    ConsentEmail,
    /// Advertising consent for SMS.
    ConsentSms,
    /// Advertising consent for calls.
    ConsentCall,
    /// Date consent was withdrawn.
    ConsentWithdrawnAt,
    /// Unsubscribe / stop date or flag.
    UnsubscribedAt,
    /// Marked for a marketing campaign.
    MarketingFlag,
    /// Country where the data is stored.
    StorageCountry,
    /// Citizenship.
    Citizenship,
}

/// Every role, in declaration order (used for `--map` help and validation).
pub const ALL_ROLES: &[Role] = &[
    Role::Id,
    Role::FullName,
    Role::LastName,
    Role::FirstName,
    Role::MiddleName,
    Role::Phone,
    Role::Email,
    Role::Company,
    Role::Inn,
    Role::Address,
    Role::StreetNumber,
    Role::City,
    Role::Postcode,
    Role::Region,
    Role::Country,
    Role::BirthDate,
    Role::Gender,
    Role::CreatedAt,
    Role::LastActivityAt,
    Role::LastPurchaseAt,
    Role::Status,
    Role::ClientType,
    Role::Manager,
    Role::Source,
    Role::NationalId,
    Role::ContactPerson,
    Role::DecisionMaker,
    Role::WorkingHours,
    Role::PreferredChannel,
    Role::CallTime,
    Role::ConsentProcessing,
    Role::ConsentDate,
    Role::ConsentMethod,
    Role::ConsentEvidence,
    Role::ConsentMarketing,
    Role::ConsentEmail,
    Role::ConsentSms,
    Role::ConsentCall,
    Role::ConsentWithdrawnAt,
    Role::UnsubscribedAt,
    Role::MarketingFlag,
    Role::StorageCountry,
    Role::Citizenship,
];

impl Role {
    /// The snake_case name used in `--map` and rules files.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Id => "id",
            Role::FullName => "full_name",
            Role::LastName => "last_name",
            Role::FirstName => "first_name",
            Role::MiddleName => "middle_name",
            Role::Phone => "phone",
            Role::Email => "email",
            Role::Company => "company",
            Role::Inn => "inn",
            Role::Address => "address",
            Role::StreetNumber => "street_number",
            Role::City => "city",
            Role::Postcode => "postcode",
            Role::Region => "region",
            Role::Country => "country",
            Role::BirthDate => "birth_date",
            Role::Gender => "gender",
            Role::CreatedAt => "created_at",
            Role::LastActivityAt => "last_activity_at",
            Role::LastPurchaseAt => "last_purchase_at",
            Role::Status => "status",
            Role::ClientType => "client_type",
            Role::Manager => "manager",
            Role::Source => "source",
            Role::NationalId => "national_id",
            Role::ContactPerson => "contact_person",
            Role::DecisionMaker => "decision_maker",
            Role::WorkingHours => "working_hours",
            Role::PreferredChannel => "preferred_channel",
            Role::CallTime => "call_time",
            Role::ConsentProcessing => "consent_processing",
            Role::ConsentDate => "consent_date",
            Role::ConsentMethod => "consent_method",
            Role::ConsentEvidence => "consent_evidence",
            Role::ConsentMarketing => "consent_marketing",
            Role::ConsentEmail => "consent_email",
            Role::ConsentSms => "consent_sms",
            Role::ConsentCall => "consent_call",
            Role::ConsentWithdrawnAt => "consent_withdrawn_at",
            Role::UnsubscribedAt => "unsubscribed_at",
            Role::MarketingFlag => "marketing_flag",
            Role::StorageCountry => "storage_country",
            Role::Citizenship => "citizenship",
        }
    }

    /// Parses a role name as written in `--map` or `[columns]`; a few synonyms are accepted.
    pub fn parse(name: &str) -> Option<Role> {
        let n = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let synonym = match n.as_str() {
            "name" | "fio" => Some(Role::FullName),
            "surname" | "family_name" => Some(Role::LastName),
            "given_name" => Some(Role::FirstName),
            "patronymic" => Some(Role::MiddleName),
            "dob" | "date_of_birth" => Some(Role::BirthDate),
            "last_activity" | "last_purchase" => Some(Role::LastActivityAt),
            "owner" => Some(Role::Manager),
            "zip" | "postal_code" => Some(Role::Postcode),
            "ssn" => Some(Role::NationalId),
            _ => None,
        };
        synonym.or_else(|| ALL_ROLES.iter().copied().find(|r| r.as_str() == n))
    }

    /// Whether several columns may carry this role (all are used).
    pub fn allows_many(self) -> bool {
        matches!(self, Role::Phone | Role::Email | Role::Address)
    }
}

/// Folds a header for alias lookup: lower case, `ё`→`е`, punctuation and spaces dropped.
pub fn fold_header(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Built-in header aliases, already folded with [`fold_header`]'s rules (written plainly here
/// and folded at lookup). Order matters only for readability: each alias names one role.
const ALIASES: &[(&str, Role)] = &[
    // id
    ("id", Role::Id),
    ("client_id", Role::Id),
    ("customer_id", Role::Id),
    ("contact_id", Role::Id),
    ("rec_id", Role::Id),
    ("record_id", Role::Id),
    ("ID клиента", Role::Id),
    ("Код клиента", Role::Id),
    ("Код", Role::Id),
    ("Номер клиента", Role::Id),
    ("Идентификатор", Role::Id),
    // names
    ("ФИО", Role::FullName),
    ("Ф.И.О.", Role::FullName),
    ("ФИО клиента", Role::FullName),
    ("Клиент", Role::FullName),
    ("Контакт", Role::FullName),
    ("Имя клиента", Role::FullName),
    ("full_name", Role::FullName),
    ("fullname", Role::FullName),
    ("name", Role::FullName),
    ("customer_name", Role::FullName),
    ("contact_name", Role::FullName),
    ("Фамилия", Role::LastName),
    ("last_name", Role::LastName),
    ("lastname", Role::LastName),
    ("surname", Role::LastName),
    ("family_name", Role::LastName),
    ("Имя", Role::FirstName),
    ("first_name", Role::FirstName),
    ("firstname", Role::FirstName),
    ("given_name", Role::FirstName),
    ("Отчество", Role::MiddleName),
    ("middle_name", Role::MiddleName),
    ("patronymic", Role::MiddleName),
    // contacts
    ("Телефон", Role::Phone),
    ("Тел", Role::Phone),
    ("Тел.", Role::Phone),
    ("Моб. телефон", Role::Phone),
    ("Мобильный телефон", Role::Phone),
    ("Мобильный", Role::Phone),
    ("Доп. телефон", Role::Phone),
    ("Дополнительный телефон", Role::Phone),
    ("Рабочий телефон", Role::Phone),
    ("Домашний телефон", Role::Phone),
    ("Контактный телефон", Role::Phone),
    ("Телефоны", Role::Phone),
    ("phone", Role::Phone),
    ("phone_number", Role::Phone),
    ("mobile", Role::Phone),
    ("mobile_phone", Role::Phone),
    ("work_phone", Role::Phone),
    ("home_phone", Role::Phone),
    ("telephone", Role::Phone),
    ("tel", Role::Phone),
    ("E-mail", Role::Email),
    ("Email", Role::Email),
    ("Эл. почта", Role::Email),
    ("Электронная почта", Role::Email),
    ("Почта", Role::Email),
    ("Е-мейл", Role::Email),
    ("Емейл", Role::Email),
    ("email_address", Role::Email),
    ("mail", Role::Email),
    // company
    ("Компания", Role::Company),
    ("Организация", Role::Company),
    ("Название компании", Role::Company),
    ("Наименование", Role::Company),
    ("Контрагент", Role::Company),
    ("company", Role::Company),
    ("company_name", Role::Company),
    ("organization", Role::Company),
    ("organisation", Role::Company),
    ("account_name", Role::Company),
    ("ИНН", Role::Inn),
    ("inn", Role::Inn),
    ("tax_id", Role::Inn),
    // address
    ("Адрес", Role::Address),
    ("Адрес доставки", Role::Address),
    ("Юридический адрес", Role::Address),
    ("Фактический адрес", Role::Address),
    ("address", Role::Address),
    ("address_1", Role::Address),
    ("address_2", Role::Address),
    ("address_line_1", Role::Address),
    ("address_line_2", Role::Address),
    ("street", Role::Address),
    ("street_number", Role::StreetNumber),
    ("house_number", Role::StreetNumber),
    ("Дом", Role::StreetNumber),
    ("Город", Role::City),
    ("Населенный пункт", Role::City),
    ("city", Role::City),
    ("town", Role::City),
    ("suburb", Role::City),
    ("locality", Role::City),
    ("Индекс", Role::Postcode),
    ("Почтовый индекс", Role::Postcode),
    ("postcode", Role::Postcode),
    ("post_code", Role::Postcode),
    ("postal_code", Role::Postcode),
    ("zip", Role::Postcode),
    ("zip_code", Role::Postcode),
    ("Регион", Role::Region),
    ("Область", Role::Region),
    ("region", Role::Region),
    ("state", Role::Region),
    ("Страна", Role::Country),
    ("country", Role::Country),
    // person
    ("Дата рождения", Role::BirthDate),
    ("ДР", Role::BirthDate),
    ("birth_date", Role::BirthDate),
    ("birthdate", Role::BirthDate),
    ("date_of_birth", Role::BirthDate),
    ("dob", Role::BirthDate),
    ("birthday", Role::BirthDate),
    ("Пол", Role::Gender),
    ("gender", Role::Gender),
    ("sex", Role::Gender),
    ("СНИЛС", Role::NationalId),
    ("soc_sec_id", Role::NationalId),
    ("ssn", Role::NationalId),
    ("national_id", Role::NationalId),
    // lifecycle
    ("Дата создания", Role::CreatedAt),
    ("Дата регистрации", Role::CreatedAt),
    ("Создан", Role::CreatedAt),
    ("created_at", Role::CreatedAt),
    ("created", Role::CreatedAt),
    ("date_created", Role::CreatedAt),
    ("Последняя активность", Role::LastActivityAt),
    ("Дата последнего контакта", Role::LastActivityAt),
    ("Последний контакт", Role::LastActivityAt),
    ("last_activity_at", Role::LastActivityAt),
    ("last_activity", Role::LastActivityAt),
    ("last_contact", Role::LastActivityAt),
    ("last_contacted_at", Role::LastActivityAt),
    ("updated_at", Role::LastActivityAt),
    ("Последняя покупка", Role::LastPurchaseAt),
    ("Дата последней покупки", Role::LastPurchaseAt),
    ("Дата последнего заказа", Role::LastPurchaseAt),
    ("last_purchase_at", Role::LastPurchaseAt),
    ("last_purchase", Role::LastPurchaseAt),
    ("last_order_date", Role::LastPurchaseAt),
    ("Статус", Role::Status),
    ("status", Role::Status),
    ("lifecycle_stage", Role::Status),
    ("Тип клиента", Role::ClientType),
    ("client_type", Role::ClientType),
    ("customer_type", Role::ClientType),
    ("Менеджер", Role::Manager),
    ("Ответственный", Role::Manager),
    ("Ответственный менеджер", Role::Manager),
    ("manager", Role::Manager),
    ("owner", Role::Manager),
    ("account_manager", Role::Manager),
    ("Источник", Role::Source),
    ("source", Role::Source),
    ("lead_source", Role::Source),
    // B2B / B2C profile
    ("Контактное лицо", Role::ContactPerson),
    ("contact_person", Role::ContactPerson),
    ("ЛПР", Role::DecisionMaker),
    ("Лицо принимающее решение", Role::DecisionMaker),
    ("decision_maker", Role::DecisionMaker),
    ("Часы работы", Role::WorkingHours),
    ("Режим работы", Role::WorkingHours),
    ("working_hours", Role::WorkingHours),
    ("Предпочтительный канал", Role::PreferredChannel),
    ("Канал связи", Role::PreferredChannel),
    ("preferred_channel", Role::PreferredChannel),
    ("Удобное время звонка", Role::CallTime),
    ("Время звонка", Role::CallTime),
    ("call_time", Role::CallTime),
    ("best_time_to_call", Role::CallTime),
    // consent
    ("Согласие на обработку ПД", Role::ConsentProcessing),
    ("Согласие на обработку персональных данных", Role::ConsentProcessing),
    ("Согласие ПД", Role::ConsentProcessing),
    ("consent_processing", Role::ConsentProcessing),
    ("consent", Role::ConsentProcessing),
    ("gdpr_consent", Role::ConsentProcessing),
    ("Дата согласия", Role::ConsentDate),
    ("consent_date", Role::ConsentDate),
    ("consent_at", Role::ConsentDate),
    ("Способ получения согласия", Role::ConsentMethod),
    ("consent_method", Role::ConsentMethod),
    ("consent_source", Role::ConsentMethod),
    ("Подтверждение согласия", Role::ConsentEvidence),
    ("consent_evidence", Role::ConsentEvidence),
    ("consent_proof", Role::ConsentEvidence),
    ("Согласие на рассылку", Role::ConsentMarketing),
    ("Согласие на рекламу", Role::ConsentMarketing),
    ("consent_marketing", Role::ConsentMarketing),
    ("marketing_consent", Role::ConsentMarketing),
    ("Согласие на email", Role::ConsentEmail),
    ("Согласие на e-mail рассылку", Role::ConsentEmail),
    ("consent_email", Role::ConsentEmail),
    ("email_opt_in", Role::ConsentEmail),
    ("Согласие на SMS", Role::ConsentSms),
    ("consent_sms", Role::ConsentSms),
    ("sms_opt_in", Role::ConsentSms),
    ("Согласие на звонки", Role::ConsentCall),
    ("consent_call", Role::ConsentCall),
    ("consent_phone", Role::ConsentCall),
    ("Дата отзыва согласия", Role::ConsentWithdrawnAt),
    ("Отзыв согласия", Role::ConsentWithdrawnAt),
    ("consent_withdrawn_at", Role::ConsentWithdrawnAt),
    ("withdrawn_at", Role::ConsentWithdrawnAt),
    ("Отписка", Role::UnsubscribedAt),
    ("Дата отписки", Role::UnsubscribedAt),
    ("unsubscribed_at", Role::UnsubscribedAt),
    ("unsubscribed", Role::UnsubscribedAt),
    ("opt_out", Role::UnsubscribedAt),
    ("В рассылке", Role::MarketingFlag),
    ("Рассылка", Role::MarketingFlag),
    ("marketing_flag", Role::MarketingFlag),
    ("in_campaign", Role::MarketingFlag),
    ("Страна хранения", Role::StorageCountry),
    ("Место хранения данных", Role::StorageCountry),
    ("storage_country", Role::StorageCountry),
    ("data_location", Role::StorageCountry),
    ("Гражданство", Role::Citizenship),
    ("citizenship", Role::Citizenship),
];

/// Looks up a header in the built-in aliases.
pub fn role_for_header(header: &str) -> Option<Role> {
    let folded = fold_header(header);
    if folded.is_empty() {
        return None;
    }
    ALIASES.iter().find(|(alias, _)| fold_header(alias) == folded).map(|&(_, role)| role)
}

/// How a column got its role, for the report and the printed role table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleOrigin {
    /// Built-in alias of the header.
    Alias,
    /// The `[columns]` table of a rules file.
    RulesFile,
    /// `--map` on the command line.
    CommandLine,
}

/// One column of the unified table and its role, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnRole {
    /// Header as written in the source.
    pub column: String,
    /// Role, if the column has one.
    pub role: Option<Role>,
    /// Where the role came from.
    pub origin: Option<RoleOrigin>,
}

/// The roles of all columns of a table, by column index.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct ColumnMap {
    columns: Vec<ColumnRole>,
    /// Each column's role, packed: `indices` runs a dozen times per row.
    #[serde(skip)]
    roles: Vec<Option<Role>>,
}

impl ColumnMap {
    /// Resolves roles for `headers`: explicit mappings (rules file, then command line — later wins)
    /// first, built-in aliases for the rest. A header mapped to `ignore`/`none` gets no role.
    /// A role that allows one column only keeps its first column.
    pub fn resolve(
        headers: &[String],
        explicit: &[(String, Option<Role>, RoleOrigin)],
    ) -> ColumnMap {
        let mut columns: Vec<ColumnRole> = headers
            .iter()
            .map(|h| ColumnRole { column: h.clone(), role: None, origin: None })
            .collect();
        let mut explicitly_set = vec![false; headers.len()];
        for (header, role, origin) in explicit {
            let folded = fold_header(header);
            for (i, col) in columns.iter_mut().enumerate() {
                if col.column == *header || fold_header(&col.column) == folded {
                    col.role = *role;
                    col.origin = role.map(|_| *origin);
                    explicitly_set[i] = true;
                }
            }
        }
        for (i, col) in columns.iter_mut().enumerate() {
            if !explicitly_set[i] {
                col.role = role_for_header(&col.column);
                col.origin = col.role.map(|_| RoleOrigin::Alias);
            }
        }
        // A single-valued role claimed by several columns: an explicit mapping beats an alias,
        // then the first column wins; the others pass through untouched.
        let mut seen: Vec<Role> = Vec::new();
        let order: Vec<usize> = (0..columns.len())
            .filter(|&i| explicitly_set[i])
            .chain((0..columns.len()).filter(|&i| !explicitly_set[i]))
            .collect();
        for i in order {
            if let Some(role) = columns[i].role {
                if !role.allows_many() && seen.contains(&role) {
                    columns[i].role = None;
                    columns[i].origin = None;
                } else {
                    seen.push(role);
                }
            }
        }
        let roles = columns.iter().map(|c| c.role).collect();
        ColumnMap { columns, roles }
    }

    /// All columns with their roles, in table order.
    pub fn columns(&self) -> &[ColumnRole] {
        &self.columns
    }

    /// The role of column `index`.
    pub fn role(&self, index: usize) -> Option<Role> {
        self.roles.get(index).copied().flatten()
    }

    /// Indices of the columns with `role`, in table order.
    pub fn indices(&self, role: Role) -> impl Iterator<Item = usize> + '_ {
        self.roles.iter().enumerate().filter(move |(_, r)| **r == Some(role)).map(|(i, _)| i)
    }

    /// The first column with `role`.
    pub fn first(&self, role: Role) -> Option<usize> {
        self.indices(role).next()
    }

    /// Whether any column has `role`.
    pub fn has(&self, role: Role) -> bool {
        self.first(role).is_some()
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Whether the table has no columns.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_lookups_agree_with_the_column_list() {
        let headers: Vec<String> = ["ФИО", "Телефон", "Заметка", "Доп. телефон", "E-mail", "Город"]
            .map(String::from)
            .to_vec();
        let explicit = [("Город".to_string(), None, RoleOrigin::RulesFile)];
        let map = ColumnMap::resolve(&headers, &explicit);
        for (i, column) in map.columns().iter().enumerate() {
            assert_eq!(map.role(i), column.role, "column {i}");
        }
        assert_eq!(map.role(99), None);
        assert_eq!(map.indices(Role::Phone).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(map.first(Role::Email), Some(4));
        assert!(!map.has(Role::City), "mapped to none");
    }

    #[test]
    fn russian_and_english_aliases_resolve() {
        let cases = [
            ("Телефон", Role::Phone),
            ("Моб. телефон", Role::Phone),
            ("Доп. телефон", Role::Phone),
            ("E-mail", Role::Email),
            ("Эл. почта", Role::Email),
            ("ФИО", Role::FullName),
            ("Фамилия", Role::LastName),
            ("Имя", Role::FirstName),
            ("Отчество", Role::MiddleName),
            ("Компания", Role::Company),
            ("ИНН", Role::Inn),
            ("Дата рождения", Role::BirthDate),
            ("Менеджер", Role::Manager),
            ("Ответственный", Role::Manager),
            ("Согласие на обработку ПД", Role::ConsentProcessing),
            ("given_name", Role::FirstName),
            ("surname", Role::LastName),
            ("date_of_birth", Role::BirthDate),
            ("postcode", Role::Postcode),
            ("suburb", Role::City),
            ("  EMAIL ", Role::Email),
            ("\u{feff}ID клиента", Role::Id),
        ];
        for (header, role) in cases {
            assert_eq!(role_for_header(header), Some(role), "{header}");
        }
        assert_eq!(role_for_header("Комментарий"), None);
        assert_eq!(role_for_header(""), None);
    }

    #[test]
    fn explicit_mapping_beats_alias_and_single_roles_keep_one_column() {
        let headers: Vec<String> = ["rec_id", "Телефон", "Доп. телефон", "ФИО", "name"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let explicit = vec![("name".to_string(), Some(Role::FullName), RoleOrigin::CommandLine)];
        let map = ColumnMap::resolve(&headers, &explicit);
        assert_eq!(map.role(0), Some(Role::Id));
        assert_eq!(map.indices(Role::Phone).collect::<Vec<_>>(), vec![1, 2]);
        // `name` was mapped explicitly, so the alias-matched ФИО loses the single role.
        assert_eq!(map.role(4), Some(Role::FullName));
        assert_eq!(map.role(3), None);
    }

    #[test]
    fn mapping_to_none_removes_a_role() {
        let headers = vec!["Телефон".to_string()];
        let map =
            ColumnMap::resolve(&headers, &[("Телефон".into(), None, RoleOrigin::CommandLine)]);
        assert_eq!(map.role(0), None);
    }

    #[test]
    fn role_names_round_trip() {
        for &r in ALL_ROLES {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("Given-Name"), Some(Role::FirstName));
        assert_eq!(Role::parse("telephone_nr"), None);
    }
}
