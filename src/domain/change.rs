//! One field's change, as the change history keeps it.

use serde::{Deserialize, Serialize};

/// One field's change: its dotted path (`sites.AUH-ONK.status`), old and new value as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}
