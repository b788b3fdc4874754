use thiserror::Error;

/// Every way a single render can fail. Each variant maps to a stable `code`
/// that the Node API and the HTTP API expose unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CoreError {
    #[error("data is empty")]
    EmptyData,
    #[error("data is {len} {unit}; {what} holds at most {max}")]
    DataTooLong {
        len: String,
        unit: &'static str,
        what: String,
        max: String,
    },
    /// Data whose symbol is too large for any image: the message says how large.
    #[error("{0}")]
    DataTooLarge(String),
    #[error("{0}")]
    InvalidData(String),
    #[error("{field}: {message}")]
    InvalidOption {
        field: &'static str,
        message: String,
    },
    #[error("unsupported barcode_type \"{0}\"; supported: {1}")]
    UnsupportedType(String, String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl CoreError {
    /// Every value `code()` returns, in declaration order.
    pub const CODES: &'static [&'static str] = &[
        "EMPTY_DATA",
        "DATA_TOO_LONG",
        "INVALID_DATA",
        "INVALID_OPTION",
        "UNSUPPORTED_TYPE",
        "INTERNAL",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            CoreError::EmptyData => "EMPTY_DATA",
            CoreError::DataTooLong { .. } | CoreError::DataTooLarge(_) => "DATA_TOO_LONG",
            CoreError::InvalidData(_) => "INVALID_DATA",
            CoreError::InvalidOption { .. } => "INVALID_OPTION",
            CoreError::UnsupportedType(..) => "UNSUPPORTED_TYPE",
            CoreError::Internal(_) => "INTERNAL",
        }
    }

    pub fn option(field: &'static str, message: impl Into<String>) -> Self {
        CoreError::InvalidOption {
            field,
            message: message.into(),
        }
    }
}

/// Formats a count with thousands separators, as used in user-facing limits.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub type CoreResult<T> = Result<T, CoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_lists_every_code() {
        let every = [
            CoreError::EmptyData,
            CoreError::DataTooLong {
                len: "2".into(),
                unit: "bytes",
                what: "x".into(),
                max: "1".into(),
            },
            CoreError::DataTooLarge(String::new()),
            CoreError::InvalidData(String::new()),
            CoreError::option("f", ""),
            CoreError::UnsupportedType(String::new(), String::new()),
            CoreError::Internal(String::new()),
        ];
        // A new variant must be added to `every` (the match fails to compile
        // otherwise) and its code, when new, to `CODES`.
        for e in &every {
            match e {
                CoreError::EmptyData
                | CoreError::DataTooLong { .. }
                | CoreError::DataTooLarge(_)
                | CoreError::InvalidData(_)
                | CoreError::InvalidOption { .. }
                | CoreError::UnsupportedType(..)
                | CoreError::Internal(_) => {}
            }
        }
        // Variants that share a code stand side by side in `every`.
        let mut codes: Vec<&str> = every.iter().map(CoreError::code).collect();
        codes.dedup();
        assert_eq!(codes, CoreError::CODES);
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1273), "1,273");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
