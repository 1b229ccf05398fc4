//! Protocols through their lifecycle: drafts, submission, DCCC's review and publishing, direct
//! status changes, confirmations, and the freshness reminders for protocols nobody confirms.

pub mod freshness;
pub mod workflow;
