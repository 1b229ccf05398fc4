//! Test-only serde helpers: record what a value serializes to, and deserialize from plain
//! strings, numbers and maps. The crate depends on serde alone, tests included, so there is no
//! JSON crate to round-trip through; these stand in for it.

use serde::de::value::{
    BorrowedStrDeserializer, Error as DeError, I32Deserializer, MapDeserializer, SeqDeserializer,
};
use serde::de::DeserializeOwned;
use serde::ser::{self, Impossible, Serialize};
use std::fmt;

/// The shape a value serialized to, as far as this crate's types need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Captured {
    Str(String),
    Int(i64),
    Seq(Vec<Captured>),
    Struct(Vec<(&'static str, Captured)>),
}

pub(crate) fn capture<T: Serialize + ?Sized>(value: &T) -> Result<Captured, Unsupported> {
    value.serialize(Capturer)
}

pub(crate) fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, DeError> {
    T::deserialize(BorrowedStrDeserializer::<DeError>::new(text))
}

pub(crate) fn from_i32<T: DeserializeOwned>(number: i32) -> Result<T, DeError> {
    T::deserialize(I32Deserializer::<DeError>::new(number))
}

pub(crate) fn from_texts<T: DeserializeOwned>(texts: &[&str]) -> Result<T, DeError> {
    T::deserialize(SeqDeserializer::<_, DeError>::new(texts.iter().copied()))
}

/// Deserializes from a map of string keys to string values, like a flat JSON object.
pub(crate) fn from_fields<T: DeserializeOwned>(fields: &[(&str, &str)]) -> Result<T, DeError> {
    T::deserialize(MapDeserializer::<_, DeError>::new(fields.iter().copied()))
}

/// A value of a shape [`Captured`] has no room for.
#[derive(Debug)]
pub(crate) struct Unsupported(String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot capture {}", self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self(message.to_string())
    }
}

struct Capturer;

type Refused = Impossible<Captured, Unsupported>;

/// Serializer methods for shapes this crate never produces: they all refuse.
macro_rules! refuse {
    ($($method:ident($($argument:ty),*) -> $ok:ty;)+) => {
        $(fn $method(self $(, _: $argument)*) -> Result<$ok, Unsupported> {
            Err(Unsupported(stringify!($method).to_owned()))
        })+
    };
}

impl ser::Serializer for Capturer {
    type Ok = Captured;
    type Error = Unsupported;
    type SerializeSeq = SeqCapturer;
    type SerializeTuple = Refused;
    type SerializeTupleStruct = Refused;
    type SerializeTupleVariant = Refused;
    type SerializeMap = Refused;
    type SerializeStruct = StructCapturer;
    type SerializeStructVariant = Refused;

    refuse! {
        serialize_bool(bool) -> Captured;
        serialize_f32(f32) -> Captured;
        serialize_f64(f64) -> Captured;
        serialize_bytes(&[u8]) -> Captured;
        serialize_none() -> Captured;
        serialize_unit() -> Captured;
        serialize_unit_struct(&'static str) -> Captured;
        serialize_tuple(usize) -> Refused;
        serialize_tuple_struct(&'static str, usize) -> Refused;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Refused;
        serialize_map(Option<usize>) -> Refused;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Refused;
    }

    fn serialize_i8(self, value: i8) -> Result<Captured, Unsupported> {
        Ok(Captured::Int(value.into()))
    }
    fn serialize_i16(self, value: i16) -> Result<Captured, Unsupported> {
        Ok(Captured::Int(value.into()))
    }
    fn serialize_i32(self, value: i32) -> Result<Captured, Unsupported> {
        Ok(Captured::Int(value.into()))
    }
    fn serialize_i64(self, value: i64) -> Result<Captured, Unsupported> {
        Ok(Captured::Int(value))
    }
    fn serialize_u8(self, value: u8) -> Result<Captured, Unsupported> {
        Ok(Captured::Int(value.into()))
    }
    fn serialize_u16(self, value: u16) -> Result<Captured, Unsupported> {
        Ok(Captured::Int(value.into()))
    }
    fn serialize_u32(self, value: u32) -> Result<Captured, Unsupported> {
        Ok(Captured::Int(value.into()))
    }
    fn serialize_u64(self, value: u64) -> Result<Captured, Unsupported> {
        i64::try_from(value)
            .map(Captured::Int)
            .map_err(|_| Unsupported(format!("{value}, beyond i64")))
    }
    fn serialize_char(self, value: char) -> Result<Captured, Unsupported> {
        Ok(Captured::Str(value.to_string()))
    }
    fn serialize_str(self, value: &str) -> Result<Captured, Unsupported> {
        Ok(Captured::Str(value.to_owned()))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Captured, Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Captured, Unsupported> {
        Ok(Captured::Str(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Captured, Unsupported> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _value: &T,
    ) -> Result<Captured, Unsupported> {
        Err(Unsupported(format!("newtype variant {variant}")))
    }
    fn serialize_seq(self, length: Option<usize>) -> Result<SeqCapturer, Unsupported> {
        Ok(SeqCapturer(Vec::with_capacity(length.unwrap_or_default())))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        length: usize,
    ) -> Result<StructCapturer, Unsupported> {
        Ok(StructCapturer(Vec::with_capacity(length)))
    }
}

struct SeqCapturer(Vec<Captured>);

impl ser::SerializeSeq for SeqCapturer {
    type Ok = Captured;
    type Error = Unsupported;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.0.push(value.serialize(Capturer)?);
        Ok(())
    }

    fn end(self) -> Result<Captured, Unsupported> {
        Ok(Captured::Seq(self.0))
    }
}

struct StructCapturer(Vec<(&'static str, Captured)>);

impl ser::SerializeStruct for StructCapturer {
    type Ok = Captured;
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.0.push((key, value.serialize(Capturer)?));
        Ok(())
    }

    fn end(self) -> Result<Captured, Unsupported> {
        Ok(Captured::Struct(self.0))
    }
}
