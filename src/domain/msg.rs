//! The keys of every validation message, one constant each, with the arguments its texts in
//! `locales/app.yml` take. [`ALL`] lists them for the test that both languages have each.

use super::messages::Key;

/// A ready text, shown as it is (the command line's import checks). Arguments: `text`.
pub const UNTRANSLATED: Key = Key("validation.text");

/// Input that looks like a CPR number; it names no value, so nothing is echoed. Arguments: none.
pub const CPR_REFUSED: Key = Key("validation.cpr_refused");

/// A field that must be filled in. Arguments: none.
pub const REQUIRED: Key = Key("validation.required");

/// A field a published protocol needs. Arguments: none.
pub const REQUIRED_TO_PUBLISH: Key = Key("validation.required_to_publish");

/// One of two fields must be filled in. Arguments: `first_field`, `second_field`.
pub const ONE_OF_REQUIRED: Key = Key("validation.one_of_required");

/// A line break or another control character in a one-line field (or a control character other
/// than line breaks and tabs in a text). Arguments: none.
pub const CONTROL_CHARACTERS: Key = Key("validation.control_characters");

/// Text longer than `max` characters. Arguments: `max`.
pub const TOO_LONG: Key = Key("validation.too_long");

/// Text shorter than `min` or longer than `max`. Arguments: `min`, `max`, `got`.
pub const LENGTH_RANGE: Key = Key("validation.length_range");

/// Text without a letter or digit. Arguments: none.
pub const LETTER_OR_DIGIT: Key = Key("validation.letter_or_digit");

/// Not a whole number. Arguments: none.
pub const WHOLE_NUMBER: Key = Key("validation.whole_number");

/// A number outside `min`–`max`, or not a whole number. Arguments: `min`, `max`, `got`.
pub const WHOLE_NUMBER_RANGE: Key = Key("validation.whole_number_range");

/// Not an ISO date. Arguments: `input`.
pub const DATE_ISO: Key = Key("validation.date_iso");

/// Not a date in any of the accepted forms. Arguments: `input`.
pub const DATE: Key = Key("validation.date");

/// A date before the date of another field. Arguments: `other_field`, `date`.
pub const NOT_BEFORE: Key = Key("validation.not_before");

/// An upper bound below the lower bound of another field. Arguments: `min_field`, `min`.
pub const BELOW_MIN: Key = Key("validation.below_min");

/// A value given twice in a list. Arguments: `value`.
pub const LISTED_TWICE: Key = Key("validation.listed_twice");

/// Not a department code of the sites table. Arguments: `input`.
pub const UNKNOWN_SITE: Key = Key("validation.unknown_site");

/// Not a DMCG of the DMCG table. Arguments: `input`.
pub const UNKNOWN_DMCG: Key = Key("validation.unknown_dmcg");

/// Not an NCT number. Arguments: `input`.
pub const NCT: Key = Key("validation.nct");

/// Not a EudraCT number. Arguments: `input`.
pub const EUDRACT: Key = Key("validation.eudract");

/// Not an EU CT number. Arguments: `input`.
pub const EU_CT: Key = Key("validation.eu_ct");

/// Not an e-mail address. Arguments: `input`.
pub const EMAIL: Key = Key("validation.email");

/// Not four digits. Arguments: `input`.
pub const POSTCODE_FORM: Key = Key("validation.postcode_form");

/// Four digits, but no postcode of the postcode table. Arguments: `input`.
pub const UNKNOWN_POSTCODE: Key = Key("validation.unknown_postcode");

/// A choice of the alert form that is none of the offered ones. Arguments: none.
pub const ALERT_UNKNOWN_CHOICE: Key = Key("validation.alert_unknown_choice");

/// None of a vocabulary's values; `kind` is a term `validation.kind.*`. Arguments: `kind`, `input`, `allowed`.
pub const UNKNOWN_VALUE: Key = Key("validation.unknown_value");

/// Not an ICD-10 code. Arguments: `input`.
pub const ICD_CODE: Key = Key("validation.icd_code");

/// Not an ICD-10 prefix or range. Arguments: `input`.
pub const ICD_PATTERN: Key = Key("validation.icd_pattern");

/// A range whose ends are not codes of one length. Arguments: `input`.
pub const ICD_RANGE_ENDS: Key = Key("validation.icd_range_ends");

/// A range across two letters. Arguments: `input`.
pub const ICD_RANGE_LETTER: Key = Key("validation.icd_range_letter");

/// A range that runs backwards. Arguments: `input`.
pub const ICD_RANGE_ORDER: Key = Key("validation.icd_range_order");

/// Not a biomarker code. Arguments: `input`.
pub const BIOMARKER: Key = Key("validation.biomarker");

/// Neither a code nor a known diagnosis name. Arguments: `input`.
pub const UNKNOWN_DIAGNOSIS: Key = Key("validation.unknown_diagnosis");

/// A lay diagnosis group for children ("børnekræft") given for an older patient. Arguments:
/// `max`.
pub const LAY_GROUP_MAX_AGE: Key = Key("validation.lay_group_max_age");

/// A distance out of range. Arguments: `got`.
pub const MAX_KM: Key = Key("validation.max_km");

/// A distance without a postcode. Arguments: none.
pub const MAX_KM_NEEDS_POSTCODE: Key = Key("validation.max_km_needs_postcode");

/// A warning: the title does not name the DMCG. Arguments: `dmcg`.
pub const TITLE_WITHOUT_DMCG: Key = Key("validation.title_without_dmcg");

/// A warning: diagnoses outside ICD-10's neoplasm chapter. Arguments: `codes`.
pub const DIAGNOSIS_NOT_NEOPLASM: Key = Key("validation.diagnosis_not_neoplasm");

/// A JSON value of the wrong shape; `detail` is serde's English message. Arguments: `detail`.
pub const JSON_SHAPE: Key = Key("validation.json_shape");

/// An acronym giving another protocol's address. Arguments: `holder`.
pub const ACRONYM_TAKEN: Key = Key("validation.acronym_taken");

/// A trial identifier of another protocol. Arguments: `value`, `holder`.
pub const IDENTIFIER_TAKEN: Key = Key("validation.identifier_taken");

/// A DMCG the editor does not edit. Arguments: none.
pub const OWN_DMCG: Key = Key("validation.own_dmcg");

/// A return without a comment. Arguments: none.
pub const REVIEW_COMMENT_REQUIRED: Key = Key("validation.review_comment_required");

/// A status change for a department the protocol does not have. Arguments: `site`.
pub const SITE_NOT_IN_PROTOCOL: Key = Key("validation.site_not_in_protocol");

/// A decision dated after today. Arguments: none.
pub const OFFER_DATE_IN_FUTURE: Key = Key("validation.offer.date_in_future");

/// A decision dated before 2000. Arguments: none.
pub const OFFER_DATE_BEFORE_2000: Key = Key("validation.offer.date_before_2000");

/// No patient reference. Arguments: none.
pub const OFFER_PATIENT_REF_REQUIRED: Key = Key("validation.offer.patient_ref_required");

/// No age. Arguments: none.
pub const OFFER_AGE_REQUIRED: Key = Key("validation.offer.age_required");

/// An age above 125. Arguments: `age`.
pub const OFFER_AGE_IMPOSSIBLE: Key = Key("validation.offer.age_impossible");

/// Neither an age nor an age band. Arguments: `input`, `allowed`.
pub const OFFER_AGE_UNREADABLE: Key = Key("validation.offer.age_unreadable");

/// Not a sex. Arguments: `input`.
pub const OFFER_SEX: Key = Key("validation.offer.sex");

/// Not an MDT level. Arguments: `input`, `allowed`.
pub const OFFER_MDT_LEVEL: Key = Key("validation.offer.mdt_level");

/// No postcode and no region. Arguments: none.
pub const OFFER_POSTCODE_REQUIRED: Key = Key("validation.offer.postcode_required");

/// Not a region code. Arguments: `input`.
pub const OFFER_REGION: Key = Key("validation.offer.region");

/// Neither yes nor no. Arguments: `input`.
pub const OFFER_YES_NO: Key = Key("validation.offer.yes_no");

/// A reason for no offer on an offer. Arguments: none.
pub const OFFER_REASON_WITH_OFFER: Key = Key("validation.offer.reason_with_offer");

/// An offer without a protocol. Arguments: none.
pub const OFFER_PROTOCOL_REQUIRED: Key = Key("validation.offer.protocol_required");

/// A protocol the registry does not have. Arguments: `input`.
pub const OFFER_UNKNOWN_PROTOCOL: Key = Key("validation.offer.unknown_protocol");

/// Not an outcome. Arguments: `input`, `allowed`.
pub const OFFER_OUTCOME: Key = Key("validation.offer.outcome");

/// An outcome dated before the decision. Arguments: none.
pub const OFFER_OUTCOME_BEFORE_DECISION: Key = Key("validation.offer.outcome_before_decision");

/// An outcome dated after today. Arguments: none.
pub const OFFER_OUTCOME_IN_FUTURE: Key = Key("validation.offer.outcome_in_future");

/// A pending outcome with a date. Arguments: none.
pub const OFFER_PENDING_WITHOUT_DATE: Key = Key("validation.offer.pending_without_date");

/// A protocol without an offer. Arguments: none.
pub const OFFER_PROTOCOL_WITHOUT_OFFER: Key = Key("validation.offer.protocol_without_offer");

/// An outcome without an offer. Arguments: none.
pub const OFFER_OUTCOME_WITHOUT_OFFER: Key = Key("validation.offer.outcome_without_offer");

/// No offer and no reason. Arguments: none.
pub const OFFER_REASON_REQUIRED: Key = Key("validation.offer.reason_required");

/// Not a reason. Arguments: `input`, `allowed`.
pub const OFFER_REASON: Key = Key("validation.offer.reason");

/// An annulment without a reason. Arguments: none.
pub const OFFER_ANNUL_REASON_REQUIRED: Key = Key("validation.offer.annul_reason_required");

/// A department the clinician does not belong to (forms). Arguments: none.
pub const OFFER_OWN_SITES_ONLY: Key = Key("validation.offer.own_sites_only");

/// A department the clinician does not belong to (imports). Arguments: `site`.
pub const OFFER_NOT_YOUR_SITE: Key = Key("validation.offer.not_your_site");

/// An unreadable header; `detail` is the CSV reader's English message. Arguments: `detail`.
pub const IMPORT_HEADER_UNREADABLE: Key = Key("validation.import.header_unreadable");

/// An empty file. Arguments: none.
pub const IMPORT_EMPTY: Key = Key("validation.import.empty");

/// A header column outside the contract's list. Arguments: `columns` (those allowed).
pub const IMPORT_UNKNOWN_COLUMN: Key = Key("validation.import.unknown_column");

/// A header column without a name. Arguments: `columns` (those allowed).
pub const IMPORT_UNNAMED_COLUMN: Key = Key("validation.import.unnamed_column");

/// A header column whose name looks like a CPR number (not repeated). Arguments: none.
pub const IMPORT_CPR_COLUMN: Key = Key("validation.import.cpr_column");

/// A header column named twice. Arguments: none.
pub const IMPORT_DUPLICATE_COLUMN: Key = Key("validation.import.duplicate_column");

/// Columns the header lacks. Arguments: `columns`.
pub const IMPORT_MISSING_COLUMNS: Key = Key("validation.import.missing_columns");

/// An unreadable row; `detail` is the CSV reader's English message. Arguments: `detail`.
pub const IMPORT_ROW_UNREADABLE: Key = Key("validation.import.row_unreadable");

/// A row with another number of fields than the header. Arguments: `fields`, `header`.
pub const IMPORT_FIELD_COUNT: Key = Key("validation.import.field_count");

/// A header alone. Arguments: none.
pub const IMPORT_NO_ROWS: Key = Key("validation.import.no_rows");

/// A warning: the row repeats a stored decision. Arguments: none.
pub const IMPORT_DUPLICATE_OF_REGISTER: Key = Key("validation.import.duplicate_of_register");

/// A warning: the row repeats an earlier row. Arguments: `line`.
pub const IMPORT_DUPLICATE_OF_LINE: Key = Key("validation.import.duplicate_of_line");

/// A broken upload; `detail` is the multipart reader's English message. Arguments: `detail`.
pub const IMPORT_UPLOAD_FAILED: Key = Key("validation.import.upload_failed");

/// An upload above the limit. Arguments: `mb`.
pub const IMPORT_TOO_LARGE: Key = Key("validation.import.too_large");

/// A case list longer than `max` cases. Arguments: `max`.
pub const CASE_LIST_TOO_LONG: Key = Key("validation.case_list.too_long");

/// A biomarker of a case list not written `HER2+` or `ER-`. Arguments: `input`.
pub const CASE_LIST_BIOMARKERS: Key = Key("validation.case_list.biomarkers");

/// Not yes, no or empty. Arguments: none.
pub const CASE_LIST_YES_NO: Key = Key("validation.case_list.yes_no");

/// A file not in UTF-8. Arguments: none.
pub const NOT_UTF8: Key = Key("validation.import.not_utf8");

/// A period whose end is before its start. Arguments: none.
pub const PERIOD_ORDER: Key = Key("validation.period_order");

/// An empty case list. Arguments: none.
pub const CASE_LIST_EMPTY: Key = Key("validation.case_list.empty");

/// Every key above.
pub const ALL: &[Key] = &[
    CASE_LIST_TOO_LONG,
    CASE_LIST_BIOMARKERS,
    CASE_LIST_YES_NO,
    CASE_LIST_EMPTY,
    NOT_UTF8,
    PERIOD_ORDER,
    UNTRANSLATED,
    CPR_REFUSED,
    REQUIRED,
    REQUIRED_TO_PUBLISH,
    ONE_OF_REQUIRED,
    CONTROL_CHARACTERS,
    TOO_LONG,
    LENGTH_RANGE,
    LETTER_OR_DIGIT,
    WHOLE_NUMBER,
    WHOLE_NUMBER_RANGE,
    DATE_ISO,
    DATE,
    NOT_BEFORE,
    BELOW_MIN,
    LISTED_TWICE,
    UNKNOWN_SITE,
    UNKNOWN_DMCG,
    NCT,
    EUDRACT,
    EU_CT,
    EMAIL,
    POSTCODE_FORM,
    UNKNOWN_POSTCODE,
    UNKNOWN_VALUE,
    ICD_CODE,
    ICD_PATTERN,
    ICD_RANGE_ENDS,
    ICD_RANGE_LETTER,
    ICD_RANGE_ORDER,
    BIOMARKER,
    UNKNOWN_DIAGNOSIS,
    LAY_GROUP_MAX_AGE,
    MAX_KM,
    MAX_KM_NEEDS_POSTCODE,
    TITLE_WITHOUT_DMCG,
    DIAGNOSIS_NOT_NEOPLASM,
    JSON_SHAPE,
    ACRONYM_TAKEN,
    IDENTIFIER_TAKEN,
    OWN_DMCG,
    REVIEW_COMMENT_REQUIRED,
    SITE_NOT_IN_PROTOCOL,
    OFFER_DATE_IN_FUTURE,
    OFFER_DATE_BEFORE_2000,
    OFFER_PATIENT_REF_REQUIRED,
    OFFER_AGE_REQUIRED,
    OFFER_AGE_IMPOSSIBLE,
    OFFER_AGE_UNREADABLE,
    OFFER_SEX,
    OFFER_MDT_LEVEL,
    OFFER_POSTCODE_REQUIRED,
    OFFER_REGION,
    OFFER_YES_NO,
    OFFER_REASON_WITH_OFFER,
    OFFER_PROTOCOL_REQUIRED,
    OFFER_UNKNOWN_PROTOCOL,
    OFFER_OUTCOME,
    OFFER_OUTCOME_BEFORE_DECISION,
    OFFER_OUTCOME_IN_FUTURE,
    OFFER_PENDING_WITHOUT_DATE,
    OFFER_PROTOCOL_WITHOUT_OFFER,
    OFFER_OUTCOME_WITHOUT_OFFER,
    OFFER_REASON_REQUIRED,
    OFFER_REASON,
    OFFER_ANNUL_REASON_REQUIRED,
    OFFER_OWN_SITES_ONLY,
    OFFER_NOT_YOUR_SITE,
    IMPORT_HEADER_UNREADABLE,
    IMPORT_EMPTY,
    IMPORT_UNKNOWN_COLUMN,
    IMPORT_UNNAMED_COLUMN,
    IMPORT_CPR_COLUMN,
    IMPORT_DUPLICATE_COLUMN,
    IMPORT_MISSING_COLUMNS,
    IMPORT_ROW_UNREADABLE,
    IMPORT_FIELD_COUNT,
    IMPORT_NO_ROWS,
    IMPORT_DUPLICATE_OF_REGISTER,
    IMPORT_DUPLICATE_OF_LINE,
    IMPORT_UPLOAD_FAILED,
    IMPORT_TOO_LARGE,
];

/// Words that messages take as [`super::messages::Arg::Term`] or name fields with
/// ([`super::messages::Arg::Field`]), for the same test.
pub const TERMS: &[&str] = &[
    "validation.kind.phase",
    "validation.kind.recruitment_status",
    "validation.kind.site_status",
    "validation.kind.sex",
    "validation.kind.setting",
    "validation.kind.stage",
    "validation.kind.initiator",
    "validation.kind.biomarker_status",
    "validation.field.eligibility.age_min",
    "validation.field.eligibility.prior_lines_min",
    "validation.field.opened_on",
    "validation.field.title_da",
    "validation.field.title_en",
];

/// A query parameter given twice where it may be given once. Arguments: none.
pub const PARAM_ONCE: Key = Key("validation.param.once");

/// A query parameter the endpoint does not take. Arguments: `known`.
pub const PARAM_UNKNOWN: Key = Key("validation.param.unknown");

/// A `dmcg` parameter that names no DMCG. Arguments: `input`.
pub const PARAM_DMCG: Key = Key("validation.param.dmcg");

/// A `region` parameter that is no region code. Arguments: `input`.
pub const PARAM_REGION: Key = Key("validation.param.region");

/// A `site` parameter that is no department code. Arguments: `input`.
pub const PARAM_SITE: Key = Key("validation.param.site");

/// A yes/no parameter that is neither. Arguments: `got`.
pub const PARAM_TRUE_FALSE: Key = Key("validation.param.true_false");

/// A parameter outside its list of values. Arguments: `allowed`, `got`.
pub const PARAM_ONE_OF: Key = Key("validation.param.one_of");

/// `sort=distance` without a postcode. Arguments: none.
pub const PARAM_DISTANCE_NEEDS_POSTCODE: Key = Key("validation.param.distance_needs_postcode");

/// A value that is none of a form's choices (a tampered form). Arguments: none.
pub const CHOOSE_FROM_LIST: Key = Key("validation.choose_from_list");
