//! Validation messages in Danish for the forms. The domain and the API speak English (outside
//! scripts read those); people editing protocols read Danish next to their fields.

/// Fragments in the order they are replaced (longer, more specific ones first).
const FRAGMENTS: &[(&str, &str)] = &[
    (
        "is required for a published protocol",
        "skal udfyldes, før protokollen kan offentliggøres",
    ),
    (
        "title_da or title_en is required",
        "udfyld den danske eller den engelske titel",
    ),
    ("is required", "skal udfyldes"),
    (
        "must contain at least one letter or digit",
        "skal indeholde mindst ét bogstav eller tal",
    ),
    ("must be a whole number from ", "skal være et helt tal fra "),
    ("must be 2 to 60 characters", "skal være 2–60 tegn"),
    ("must be at most ", "må højst være "),
    (" characters", " tegn"),
    (
        "must not be before opened_on",
        "må ikke ligge før åbningsdatoen",
    ),
    ("must not be below age_min", "må ikke være under alder fra"),
    (
        "must not be below prior_lines_min",
        "må ikke være under mindste antal tidligere linjer",
    ),
    (
        " is not a known department code",
        " er ikke en kendt afdelingskode",
    ),
    (" is not a known DMCG acronym", " er ikke en kendt DMCG"),
    (" is listed twice", " står der to gange"),
    (
        " is not a date in the form YYYY-MM-DD",
        " er ikke en dato på formen ÅÅÅÅ-MM-DD",
    ),
    (
        " is not a valid e-mail address",
        " er ikke en gyldig e-mailadresse",
    ),
    (
        " is not a valid number (expected ",
        " er ikke et gyldigt nummer (forventet ",
    ),
    (" is not an ICD-10 code", " er ikke en ICD-10-kode"),
    (
        " is not an ICD-10 code prefix or range",
        " er ikke en ICD-10-kode eller et interval",
    ),
    (
        " is not an ICD-10 range",
        " er ikke et gyldigt ICD-10-interval",
    ),
    (
        "expected a letter, two digits and optional subcode, e.g.",
        "forventet et bogstav, to cifre og evt. underkode, fx",
    ),
    ("unknown ", "ukendt "),
    ("; allowed: ", "; tilladt: "),
    (
        " is used by another record in the file",
        " bruges af en anden protokol",
    ),
    (
        "the title should contain the DMCG acronym ",
        "titlen bør indeholde DMCG'ens akronym ",
    ),
    (
        " so the protocol can be found",
        ", så protokollen kan findes",
    ),
    (
        " is not a Danish postcode we know",
        " er ikke et dansk postnummer",
    ),
    (
        " is not a Danish postcode (expected four digits, e.g. 8000)",
        " er ikke et postnummer (fire cifre, fx 8000)",
    ),
    (
        "must be a distance in km above 0 and at most 1000",
        "skal være en afstand i km over 0 og højst 1000",
    ),
    (
        "needs a postcode to measure from",
        "kræver et postnummer at måle fra",
    ),
    (
        " is not an ICD-10 code or a diagnosis name we know",
        " er hverken en ICD-10-kode eller en diagnose, vi kender",
    ),
    ("(got ", "(fik "),
    (" or ", " eller "),
];

/// The Danish form of a validation message (unknown messages are returned unchanged).
pub fn danish(message: &str) -> String {
    let mut out = message.to_owned();
    for (en, da) in FRAGMENTS {
        out = out.replace(en, da);
    }
    // "fra 0 to 120" after the prefix above.
    if out.starts_with("skal være et helt tal fra ") {
        out = out.replacen(" to ", " til ", 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::danish;

    #[test]
    fn common_messages_read_in_danish() {
        for (en, da) in [
            ("is required", "skal udfyldes"),
            (
                "must be a whole number from 0 to 4 (got 7)",
                "skal være et helt tal fra 0 til 4 (fik 7)",
            ),
            (
                "\"x\" is not a valid e-mail address",
                "\"x\" er ikke en gyldig e-mailadresse",
            ),
            (
                "\"XX\" is not a known department code",
                "\"XX\" er ikke en kendt afdelingskode",
            ),
            (
                "must not be before opened_on (2025-01-01)",
                "må ikke ligge før åbningsdatoen (2025-01-01)",
            ),
        ] {
            assert_eq!(danish(en), da, "case {en:?}");
        }
    }
}
