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
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::EmptyData => "EMPTY_DATA",
            CoreError::DataTooLong { .. } => "DATA_TOO_LONG",
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
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1273), "1,273");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
