//! Fetching one study record from ClinicalTrials.gov (`GET {CTGOV_API_URL}/studies/{NCT}`),
//! with a time limit and an error that says what went wrong in words an editor can act on.

use std::time::Duration;

use serde_json::Value;

/// How long a fetch may take before the registry is reported unreachable.
pub const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("{0} is not on ClinicalTrials.gov")]
    NotFound(String),
    #[error("ClinicalTrials.gov did not answer within {0} seconds")]
    Timeout(u64),
    #[error("ClinicalTrials.gov could not be reached: {0}")]
    Unreachable(String),
    #[error("ClinicalTrials.gov answered {0}")]
    Status(u16),
    #[error("ClinicalTrials.gov sent something that is not JSON")]
    NotJson,
    #[error("no ClinicalTrials.gov address is configured (CTGOV_API_URL is empty)")]
    Disabled,
}

/// The study record of `nct` from the API at `base` (blocking: call it off the async runtime).
pub fn fetch_study(base: &str, nct: &str, timeout: Duration) -> Result<Value, FetchError> {
    if base.trim().is_empty() {
        return Err(FetchError::Disabled);
    }
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(timeout)
        .timeout(timeout)
        .build();
    let url = format!("{}/studies/{nct}", base.trim_end_matches('/'));
    match agent.get(&url).set("Accept", "application/json").call() {
        Ok(response) => response
            .into_json::<Value>()
            .map_err(|_| FetchError::NotJson),
        Err(ureq::Error::Status(404, _)) => Err(FetchError::NotFound(nct.to_owned())),
        Err(ureq::Error::Status(code, _)) => Err(FetchError::Status(code)),
        Err(ureq::Error::Transport(t)) => {
            let text = t.to_string();
            if text.contains("timed out") || text.contains("Timeout") {
                Err(FetchError::Timeout(timeout.as_secs()))
            } else {
                Err(FetchError::Unreachable(text))
            }
        }
    }
}
