//! A plan's canonical form (`canonical.rs`, rules 2 and 4) written straight
//! from its serde form, without first building it as a `serde_json::Value`.
//!
//! The same bytes as `canonical::canonical_bytes_of_value` of the same
//! value, which stays the reference (and the way for content stored as JSON
//! by an earlier release); the tests hold the two to each other. Building
//! the value (a map and a string for every member of a plan of 100 KB) was
//! most of the cost of a plan's content hash, which every save needs
//! (issue 14).
//!
//! How: every value is written to its own bytes, or is absent when rule 2
//! prunes it (`null`, `false`, `""`, `[]`, `{}`); an object gathers its
//! members that are present, sorts them by their names' UTF-16 code units
//! and writes them. Numbers are written as a JSON value holds them: as a
//! double, printed as ECMAScript does.

use std::borrow::Cow;

use serde::ser::{self, Serialize};

use crate::canonical::{jcs_order, write_jcs_number, write_jcs_string};

type Error = serde_json::Error;

/// The canonical bytes of `value` (rules 2 and 4), or `None` when rule 2
/// prunes the whole of it.
pub fn to_canonical<T: Serialize + ?Sized>(value: &T) -> Result<Option<Vec<u8>>, Error> {
    value.serialize(Canonical)
}

/// What one value serialises to: its bytes, or `None` when absent.
type Written = Option<Vec<u8>>;

#[derive(Clone, Copy)]
struct Canonical;

fn number(n: f64) -> Written {
    // As serde_json's value does: a number that is not finite is `null`.
    n.is_finite().then(|| {
        let mut out = Vec::new();
        write_jcs_number(n, &mut out);
        out
    })
}

fn string(s: &str) -> Written {
    if s.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() + 2);
    write_jcs_string(s, &mut out);
    Some(out)
}

/// `{"name": value}`, for enum variants holding a value.
fn variant(name: &'static str, value: Written) -> Written {
    let value = value?;
    let mut object = Object::default();
    object.members.push((Cow::Borrowed(name), value));
    object.finish()
}

impl ser::Serializer for Canonical {
    type Ok = Written;
    type Error = Error;
    type SerializeSeq = Array;
    type SerializeTuple = Array;
    type SerializeTupleStruct = Array;
    type SerializeTupleVariant = VariantOf<Array>;
    type SerializeMap = Object;
    type SerializeStruct = Object;
    type SerializeStructVariant = VariantOf<Object>;

    fn serialize_bool(self, v: bool) -> Result<Written, Error> {
        Ok(v.then(|| b"true".to_vec()))
    }
    fn serialize_i8(self, v: i8) -> Result<Written, Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<Written, Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<Written, Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Written, Error> {
        Ok(number(v as f64))
    }
    fn serialize_u8(self, v: u8) -> Result<Written, Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<Written, Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<Written, Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<Written, Error> {
        Ok(number(v as f64))
    }
    fn serialize_i128(self, v: i128) -> Result<Written, Error> {
        // As serde_json's value: only what fits 64 bits.
        match (i64::try_from(v), u64::try_from(v)) {
            (Ok(v), _) => self.serialize_i64(v),
            (_, Ok(v)) => self.serialize_u64(v),
            _ => Err(ser::Error::custom("number out of range")),
        }
    }
    fn serialize_u128(self, v: u128) -> Result<Written, Error> {
        u64::try_from(v)
            .map_err(|_| ser::Error::custom("number out of range"))
            .and_then(|v| self.serialize_u64(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Written, Error> {
        Ok(number(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<Written, Error> {
        Ok(number(v))
    }
    fn serialize_char(self, v: char) -> Result<Written, Error> {
        Ok(string(v.encode_utf8(&mut [0; 4])))
    }
    fn serialize_str(self, v: &str) -> Result<Written, Error> {
        Ok(string(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Written, Error> {
        // As serde_json's value: an array of numbers.
        let mut array = Array::default();
        for byte in v {
            ser::SerializeSeq::serialize_element(&mut array, byte)?;
        }
        ser::SerializeSeq::end(array)
    }
    fn serialize_none(self) -> Result<Written, Error> {
        Ok(None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Written, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Written, Error> {
        Ok(None)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Written, Error> {
        Ok(None)
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<Written, Error> {
        Ok(string(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<Written, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        value: &T,
    ) -> Result<Written, Error> {
        Ok(variant(name, value.serialize(self)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Array, Error> {
        Ok(Array {
            elements: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Array, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Array, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        len: usize,
    ) -> Result<VariantOf<Array>, Error> {
        Ok(VariantOf {
            name,
            inner: self.serialize_seq(Some(len))?,
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Object, Error> {
        Ok(Object {
            members: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Object, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        len: usize,
    ) -> Result<VariantOf<Object>, Error> {
        Ok(VariantOf {
            name,
            inner: self.serialize_map(Some(len))?,
        })
    }
}

/// An array: its elements stay, in order, even when empty (rule 2), as
/// `null`; an array with no elements is absent.
#[derive(Default)]
struct Array {
    elements: Vec<Written>,
}

impl Array {
    fn finish(self) -> Written {
        if self.elements.is_empty() {
            return None;
        }
        let len: usize = self.elements.iter().map(|e| e.as_ref().map_or(4, Vec::len) + 1).sum();
        let mut out = Vec::with_capacity(len + 1);
        out.push(b'[');
        for (i, element) in self.elements.into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match element {
                Some(bytes) => out.extend_from_slice(&bytes),
                None => out.extend_from_slice(b"null"),
            }
        }
        out.push(b']');
        Some(out)
    }
}

impl ser::SerializeSeq for Array {
    type Ok = Written;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.elements.push(value.serialize(Canonical)?);
        Ok(())
    }
    fn end(self) -> Result<Written, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for Array {
    type Ok = Written;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Written, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for Array {
    type Ok = Written;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Written, Error> {
        Ok(self.finish())
    }
}

/// An object: its members that are present, sorted by name when written;
/// an object with none is absent.
#[derive(Default)]
struct Object {
    members: Vec<(Cow<'static, str>, Vec<u8>)>,
    /// A map's key, waiting for its value.
    key: Option<String>,
}

impl Object {
    fn member(&mut self, name: String, value: Written) {
        let name = Cow::Owned(name);
        // A map holds each name once: a later value replaces an earlier
        // one, as in serde_json's value.
        self.members.retain(|(n, _)| *n != name);
        if let Some(value) = value {
            self.members.push((name, value));
        }
    }

    fn finish(mut self) -> Written {
        if self.members.is_empty() {
            return None;
        }
        self.members.sort_by(|a, b| jcs_order(&a.0, &b.0));
        let len: usize = self.members.iter().map(|(n, v)| n.len() + v.len() + 4).sum();
        let mut out = Vec::with_capacity(len + 2);
        out.push(b'{');
        for (i, (name, value)) in self.members.into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_jcs_string(&name, &mut out);
            out.push(b':');
            out.extend_from_slice(&value);
        }
        out.push(b'}');
        Some(out)
    }
}

impl ser::SerializeMap for Object {
    type Ok = Written;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(serde_json::value::Serializer).and_then(|key| match key {
            // As serde_json's value: a key is a string, or what prints as one.
            serde_json::Value::String(s) => Ok(s),
            serde_json::Value::Number(n) => Ok(n.to_string()),
            serde_json::Value::Bool(b) => Ok(b.to_string()),
            _ => Err(ser::Error::custom("key must be a string")),
        })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map's value came before its key"))?;
        let value = value.serialize(Canonical)?;
        self.member(key, value);
        Ok(())
    }
    fn end(self) -> Result<Written, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for Object {
    type Ok = Written;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Error> {
        let value = value.serialize(Canonical)?;
        // A struct's fields are named once each: nothing to replace.
        if let Some(value) = value {
            self.members.push((Cow::Borrowed(name), value));
        }
        Ok(())
    }
    fn end(self) -> Result<Written, Error> {
        Ok(self.finish())
    }
}

/// An enum variant holding a tuple or struct: `{"name": inner}`.
struct VariantOf<T> {
    name: &'static str,
    inner: T,
}

impl ser::SerializeTupleVariant for VariantOf<Array> {
    type Ok = Written;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(&mut self.inner, value)
    }
    fn end(self) -> Result<Written, Error> {
        Ok(variant(self.name, self.inner.finish()))
    }
}

impl ser::SerializeStructVariant for VariantOf<Object> {
    type Ok = Written;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(&mut self.inner, name, value)
    }
    fn end(self) -> Result<Written, Error> {
        Ok(variant(self.name, self.inner.finish()))
    }
}
