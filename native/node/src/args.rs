//! Arguments as JavaScript passes them, checked here rather than by napi's
//! conversions: a NaN or -1 cast to `u32` became 0 or 4294967295 silently,
//! and a wrong type got a message naming a Rust type but not the argument.
use batchcode_core::facts::Range;
use napi::bindgen_prelude::*;

use crate::tasks::invalid_arg;

fn kind(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        ValueType::External => "an external",
        ValueType::BigInt => "a bigint",
        ValueType::Unknown => "an unknown value",
    }
}

/// A whole number within `range`; `None` when undefined or null.
pub fn whole(name: &'static str, range: Range, v: Option<&Unknown>) -> Result<Option<u64>> {
    let Some(v) = v else { return Ok(None) };
    match v.get_type()? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        ValueType::Number => {
            // SAFETY: the value is a number, what `f64` reads.
            let n: f64 = unsafe { v.cast()? };
            range.whole(name, n).map(Some).map_err(invalid_arg)
        }
        t => Err(invalid_arg(range.refuse(name, kind(t)))),
    }
}

/// A boolean; `None` when undefined or null.
pub fn flag(name: &str, v: Option<&Unknown>) -> Result<Option<bool>> {
    let Some(v) = v else { return Ok(None) };
    match v.get_type()? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        // SAFETY: the value is a boolean, what `bool` reads.
        ValueType::Boolean => Ok(Some(unsafe { v.cast()? })),
        t => Err(Error::new(
            Status::InvalidArg,
            format!("{name}: must be a boolean, got {}", kind(t)),
        )),
    }
}

/// A string; `what` says what it must hold.
pub fn string(name: &str, what: &str, v: &Unknown) -> Result<String> {
    match v.get_type()? {
        // SAFETY: the value is a string, what `String` reads.
        ValueType::String => unsafe { v.cast() },
        t => Err(Error::new(
            Status::InvalidArg,
            format!("{name}: must be {what}, got {}", kind(t)),
        )),
    }
}

/// An object, to read properties from.
pub fn object<'env>(name: &str, what: &str, v: &Unknown<'env>) -> Result<Object<'env>> {
    match v.get_type()? {
        // SAFETY: the value is an object, what `Object` reads.
        ValueType::Object => unsafe { v.cast() },
        t => Err(Error::new(
            Status::InvalidArg,
            format!("{name} must be {what}, got {}", kind(t)),
        )),
    }
}
