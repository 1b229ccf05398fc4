//! The review state of a registry record (domain.md lifecycles): draft → submitted →
//! published, or returned to the editor.

/// Where a draft is in review (domain.md lifecycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftState {
    Draft,
    Submitted,
    Returned,
    Published,
}

impl DraftState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Published => "published",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::Submitted,
            Self::Returned,
            Self::Published,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
    pub fn label_da(self) -> &'static str {
        match self {
            Self::Draft => "Kladde",
            Self::Submitted => "Indsendt til DCCC",
            Self::Returned => "Sendt retur",
            Self::Published => "Offentliggjort",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Submitted => "Submitted to DCCC",
            Self::Returned => "Returned",
            Self::Published => "Published",
        }
    }
    /// The Danish or English label.
    pub fn label(self, english: bool) -> &'static str {
        if english {
            self.label_en()
        } else {
            self.label_da()
        }
    }
}
