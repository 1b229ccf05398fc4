//! Sentences for required and excluded biomarkers: "HER2 negativ kræves; patienten er HER2
//! positiv", "Patienter med EGFR positiv kan ikke deltage; patientens EGFR-status er ukendt".

use super::in_lang;
use crate::engine::text::{fill, Lang, Piece};
use crate::vocab::{Biomarker, BiomarkerStatus};

/// "HER2 negativ" / "HER2 negative".
fn with_status(marker: &str, status: BiomarkerStatus, lang: Lang) -> [&str; 3] {
    let label = match status {
        BiomarkerStatus::Positive => lang.pick("positiv", "positive"),
        BiomarkerStatus::Negative => lang.pick("negativ", "negative"),
    };
    [marker, " ", label]
}

/// "patienten er HER2 positiv" or "patientens HER2-status er ukendt", by language.
struct PatientMarker<'a> {
    marker: &'a str,
    status: Option<BiomarkerStatus>,
    lang: Lang,
}

impl Piece for PatientMarker<'_> {
    fn size_hint(&self) -> usize {
        self.marker.len() + 24
    }

    fn push_to(&self, out: &mut String) {
        let lang = self.lang;
        match self.status {
            Some(status) => {
                out.push_str(lang.pick("patienten er ", "the patient is "));
                with_status(self.marker, status, lang).push_to(out);
            }
            None => {
                out.push_str(lang.pick("patientens ", "the patient's "));
                out.push_str(self.marker);
                out.push_str(lang.pick("-status er ukendt", " status is unknown"));
            }
        }
    }
}

pub(super) fn required(
    biomarker: &Biomarker,
    status: Option<BiomarkerStatus>,
    lang: Lang,
) -> String {
    let marker = biomarker.marker.as_str();
    let wanted = with_status(marker, biomarker.status, lang);
    let patient = PatientMarker {
        marker,
        status,
        lang,
    };
    in_lang!(
        lang,
        fill!("{} kræves; {}", wanted, patient),
        fill!("{} required; {}", wanted, patient),
    )
}

pub(super) fn excluded(
    biomarker: &Biomarker,
    status: Option<BiomarkerStatus>,
    lang: Lang,
) -> String {
    let marker = biomarker.marker.as_str();
    let unwanted = with_status(marker, biomarker.status, lang);
    let patient = PatientMarker {
        marker,
        status,
        lang,
    };
    in_lang!(
        lang,
        fill!("Patienter med {} kan ikke deltage; {}", unwanted, patient),
        fill!(
            "Patients who are {} cannot take part; {}",
            unwanted,
            patient
        ),
    )
}
