//! Fictional demo data compiled into the binary, loaded on first start unless turned off.

/// Demo protocols in the interchange format; every record is marked `demo`.
pub const DEMO_PROTOCOLS: &str = include_str!("../../seed/demo_protocols.json");
