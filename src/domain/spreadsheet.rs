//! CSV files as the service writes them for Danish Excel (UTF-8 with a byte order mark,
//! semicolons), every cell safe to open: a text a spreadsheet would run as a formula is
//! written with a leading apostrophe (CSV formula injection).

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula (or, for tab and
/// carriage return, hide one behind them).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as written: with a leading apostrophe when it starts like a formula. A plain
/// number (`-3`, `12,5`, `+4.0`) is left alone so that it stays a number.
pub fn formula_safe(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if FORMULA_STARTS.contains(&c) && !is_plain_number(cell) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// Digits with an optional sign and one decimal comma or point: nothing a spreadsheet runs.
fn is_plain_number(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let (whole, fraction) = match unsigned.split_once([',', '.']) {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

/// A table as CSV for Danish Excel, every cell (the header too) through [`formula_safe`].
pub fn excel_csv(header: &[String], rows: &[Vec<String>]) -> csv::Result<Vec<u8>> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(&mut out);
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        writer.write_record(row.iter().map(|cell| formula_safe(cell).into_owned()))?;
    }
    writer.flush()?;
    drop(writer);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_starts_like_a_formula_gets_an_apostrophe() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+SUM(A1)", "'+SUM(A1)"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("-", "'-"),
            ("+45 12 34 56 78", "'+45 12 34 56 78"),
            ("-1,5e3", "'-1,5e3"),
        ] {
            assert_eq!(formula_safe(cell), written, "{cell:?}");
        }
    }

    #[test]
    fn numbers_and_ordinary_text_are_unchanged() {
        for cell in [
            "62,8",
            "0,0",
            "100",
            "-3",
            "-12,5",
            "+4.0",
            "<5",
            "ja",
            "Aarhus Universitetshospital",
            "DBCG",
            "1084",
            "",
            "a=b",
            " =not first",
        ] {
            assert_eq!(formula_safe(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn the_file_has_a_byte_order_mark_semicolons_and_safe_cells() {
        let header = vec!["navn".to_owned(), "pct".to_owned()];
        let rows = vec![vec!["=1+1".to_owned(), "12,5".to_owned()]];
        let bytes = excel_csv(&header, &rows).expect("written");
        assert_eq!(&bytes[..3], "\u{feff}".as_bytes());
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(&bytes[3..]);
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert_eq!(&records[0][0], "'=1+1");
        assert_eq!(&records[0][1], "12,5");
    }
}
