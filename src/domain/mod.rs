//! Newtypes and rules with no I/O: identifiers, postcodes, the protocol record and its
//! interchange format. A value of these types that exists is valid.

pub mod accounts;
pub mod cpr;
pub mod disclosure;
pub mod drafts;
pub mod identifiers;
pub mod indicator;
pub mod interchange;
pub mod messages;
pub mod msg;
pub mod offers;
pub mod protocol;
pub mod spreadsheet;
pub mod validate;

pub use identifiers::{slugify, Email, EuCtNumber, EudractNumber, NctId, Postcode};
pub use interchange::{FieldError, ProtocolDoc, ReferenceCodes};
pub use messages::Message;
pub use protocol::{Contact, Eligibility, Identifiers, Protocol, ProtocolSite};
