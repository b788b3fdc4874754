//! Options that take one of a few names (`bearer`, `datamatrix_shape`,
//! `symbol`): each is declared once with `choice!`, which gives the enum,
//! its names in order (the first is the default) and the one parser, whose
//! error names the option and lists the names.

/// `choice!(Name, "options.field", { Variant => "name", ... })`, used through `#[macro_use]`.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident, $field:literal, { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every name, in the order of `ALL`.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The variant named `s` in any case, or an error listing the names.
            pub fn parse(s: &str) -> $crate::error::CoreResult<$name> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(s))
                    .ok_or_else(|| {
                        $crate::error::CoreError::option(
                            $field,
                            format!(
                                "must be one of {}, got {:?}",
                                Self::NAMES.join(", "),
                                $crate::options::clip(s)
                            ),
                        )
                    })
            }
        }
    };
}
