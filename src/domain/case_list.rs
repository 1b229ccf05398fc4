//! An MDT conference's case list: up to [`MAX_CASES`] cases, each a local case number and the
//! profile fields of contract.md §2 as typed, from the page's rows or a CSV file (one row per
//! case, the columns of [`COLUMNS`], biomarkers written `HER2+ ER-`). The list is never stored;
//! a case number that looks like a CPR number is refused.

use crate::domain::cpr::looks_like_cpr;
use crate::domain::csv_table::{read_table, Columns, LineError};
use crate::domain::messages::quoted;
use crate::domain::{has_control_characters, msg, Message};

/// The most cases one list may hold.
pub const MAX_CASES: usize = 50;
/// The longest case number.
pub const MAX_REF: usize = 40;

/// A case's fields, in the order of the page and the CSV template; `case` is its number.
pub const FIELDS: [&str; 12] = [
    "case",
    "age",
    "sex",
    "diagnosis",
    "setting",
    "stage",
    "prior_lines",
    "ecog",
    "biomarkers",
    "standard_options_exhausted",
    "postcode",
    "max_km",
];

/// The columns of a case list file: the case number, age and diagnosis, and any of the rest.
pub const COLUMNS: Columns = Columns {
    required: &["case", "age", "diagnosis"],
    optional: &[
        "sex",
        "setting",
        "stage",
        "prior_lines",
        "ecog",
        "biomarkers",
        "standard_options_exhausted",
        "postcode",
        "max_km",
    ],
};

/// One case as typed: a value per field of [`FIELDS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseRow {
    values: [String; FIELDS.len()],
}

impl CaseRow {
    /// The value of `field` ("" for a field not in [`FIELDS`]).
    pub fn get(&self, field: &str) -> &str {
        FIELDS
            .iter()
            .position(|f| *f == field)
            .map_or("", |i| self.values[i].as_str())
    }

    /// Sets `field`, trimmed; a field not in [`FIELDS`] is ignored.
    pub fn set(&mut self, field: &str, value: &str) {
        if let Some(i) = FIELDS.iter().position(|f| *f == field) {
            self.values[i] = value.trim().to_owned();
        }
    }

    /// Nothing typed in any field.
    pub fn is_blank(&self) -> bool {
        self.values.iter().all(String::is_empty)
    }

    /// Every field with its value.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &str)> {
        FIELDS
            .iter()
            .copied()
            .zip(self.values.iter().map(String::as_str))
    }

    /// Empties the fields that look like a CPR number, so that none is shown again.
    pub fn without_cpr(mut self) -> Self {
        for v in &mut self.values {
            if looks_like_cpr(v) {
                v.clear();
            }
        }
        self
    }
}

/// Reads a case list file. Errors name the line (the header is line 1) and the column; a cell
/// that looks like a CPR number is refused without being repeated.
pub fn read_case_list(text: &str) -> Result<Vec<CaseRow>, Vec<LineError>> {
    let (rows, mut errors) = read_table(text, COLUMNS)?;
    let mut cases = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut case = CaseRow::default();
        for field in FIELDS {
            let value = row.get(field);
            if looks_like_cpr(value) {
                errors.push(LineError::new(row.line, field, msg::CPR_REFUSED));
            } else {
                case.set(field, value);
            }
        }
        cases.push(case);
    }
    if cases.len() > MAX_CASES {
        let line = rows[MAX_CASES].line;
        errors.push(LineError::new(
            line,
            "row",
            Message::new(msg::CASE_LIST_TOO_LONG).with("max", MAX_CASES),
        ));
    }
    if errors.is_empty() {
        Ok(cases)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

/// Checks a case number: 1 to [`MAX_REF`] characters on one line, never a CPR number.
pub fn check_case_number(reference: &str) -> Result<(), Message> {
    if looks_like_cpr(reference) {
        return Err(msg::CPR_REFUSED.into());
    }
    let length = reference.chars().count();
    if reference.is_empty() || length > MAX_REF {
        return Err(Message::new(msg::LENGTH_RANGE)
            .with("min", 1)
            .with("max", MAX_REF)
            .with("got", length));
    }
    if has_control_characters(reference, false) {
        return Err(msg::CONTROL_CHARACTERS.into());
    }
    Ok(())
}

/// Reads a list of biomarkers written as `HER2+ ER- PD-L1+` (separated by spaces, commas or
/// semicolons; a trailing `+` positive, `-` negative) into (marker, status) pairs.
pub fn read_biomarkers(text: &str) -> Result<Vec<(String, &'static str)>, Message> {
    let mut markers = Vec::new();
    for token in text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|t| !t.is_empty())
    {
        let (marker, status) = if let Some(m) = token.strip_suffix('+') {
            (m, "positive")
        } else if let Some(m) = token.strip_suffix('-') {
            (m, "negative")
        } else {
            return Err(Message::new(msg::CASE_LIST_BIOMARKERS).with("input", quoted(token)));
        };
        if marker.is_empty() {
            return Err(Message::new(msg::CASE_LIST_BIOMARKERS).with("input", quoted(token)));
        }
        markers.push((marker.to_owned(), status));
    }
    Ok(markers)
}

/// Reads "standard options exhausted" as typed in a file: `ja`/`yes`/`true`, `nej`/`no`/
/// `false`, or empty for unknown.
pub fn read_yes_no(text: &str) -> Result<Option<bool>, Message> {
    match text.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "ja" | "yes" | "true" => Ok(Some(true)),
        "nej" | "no" | "false" => Ok(Some(false)),
        _ => Err(msg::CASE_LIST_YES_NO.into()),
    }
}

/// The template to fill in: the header row and two example cases.
pub fn template_rows() -> (Vec<String>, Vec<Vec<String>>) {
    let header = FIELDS.iter().map(|f| (*f).to_owned()).collect();
    let example = |values: [&str; FIELDS.len()]| values.iter().map(|v| (*v).to_owned()).collect();
    (
        header,
        vec![
            example([
                "1",
                "64",
                "female",
                "C50.9",
                "metastatic",
                "IV",
                "1",
                "1",
                "HER2- ER+",
                "no",
                "8000",
                "",
            ]),
            example([
                "2",
                "71",
                "male",
                "lungekræft",
                "",
                "",
                "",
                "",
                "",
                "",
                "9000",
                "100",
            ]),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_becomes_cases_with_every_field_kept() {
        let text =
            "case;age;diagnosis;biomarkers;postcode\nK1;64;C50.9;HER2+ ER-;8000\nK2;7;C71;;2100\n";
        let cases = read_case_list(text).expect("readable");
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].get("case"), "K1");
        assert_eq!(cases[0].get("biomarkers"), "HER2+ ER-");
        assert_eq!(cases[1].get("postcode"), "2100");
        assert_eq!(cases[1].get("sex"), "", "a column the file lacks");
    }

    #[test]
    fn a_cpr_number_in_a_cell_is_refused_by_line_and_column_without_its_value() {
        let text = "case,age,diagnosis\nK1,64,C50.9\n010190-1234,50,C34\n";
        let errors = read_case_list(text).expect_err("refused");
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].field.as_str()), (3, "case"));
        assert!(!errors[0].to_string().contains("010190"));
    }

    #[test]
    fn more_than_fifty_cases_are_refused_at_the_first_line_too_many() {
        let mut text = String::from("case,age,diagnosis\n");
        for i in 0..=MAX_CASES {
            text.push_str(&format!("K{i},60,C50\n"));
        }
        let errors = read_case_list(&text).expect_err("refused");
        assert_eq!(errors[0].line, 52, "the 51st case is on line 52");
    }

    #[test]
    fn biomarkers_are_read_by_their_trailing_sign() {
        assert_eq!(
            read_biomarkers("HER2+, ER- PD-L1+").expect("read"),
            [
                ("HER2".to_owned(), "positive"),
                ("ER".to_owned(), "negative"),
                ("PD-L1".to_owned(), "positive")
            ]
        );
        assert!(read_biomarkers("HER2").is_err());
        assert!(read_biomarkers("+").is_err());
        assert_eq!(read_biomarkers(" ").expect("none"), []);
    }

    #[test]
    fn case_numbers_are_one_line_short_and_never_cpr_numbers() {
        assert!(check_case_number("K-12").is_ok());
        assert!(check_case_number("").is_err());
        assert!(check_case_number(&"x".repeat(MAX_REF + 1)).is_err());
        assert!(check_case_number("a\nb").is_err());
        assert_eq!(
            check_case_number("0101901234").expect_err("cpr"),
            Message::from(msg::CPR_REFUSED)
        );
    }

    #[test]
    fn yes_and_no_are_read_in_both_languages() {
        assert_eq!(read_yes_no("Ja"), Ok(Some(true)));
        assert_eq!(read_yes_no("no"), Ok(Some(false)));
        assert_eq!(read_yes_no(""), Ok(None));
        assert!(read_yes_no("måske").is_err());
    }

    #[test]
    fn the_template_reads_back_as_a_list() {
        let (header, rows) = template_rows();
        let mut text = header.join(";");
        for row in rows {
            text.push('\n');
            text.push_str(&row.join(";"));
        }
        let cases = read_case_list(&text).expect("the template is a valid list");
        assert_eq!(cases.len(), 2);
    }
}
