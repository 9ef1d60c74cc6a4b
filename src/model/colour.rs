//! Colours as written in style files: `"#rrggbb"` or `"#rrggbbaa"` (straight, not
//! premultiplied, alpha).

use std::fmt;

use serde::{Deserialize, Deserializer};

/// An sRGB colour with straight alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: u8,
}

impl Colour {
    pub const BLACK: Colour = Colour::rgb(0, 0, 0);
    pub const WHITE: Colour = Colour::rgb(255, 255, 255);

    pub const fn rgb(r: u8, g: u8, b: u8) -> Colour {
        Colour { r, g, b, a: 255 }
    }

    pub const fn rgba(r: u8, g: u8, b: u8, a: u8) -> Colour {
        Colour { r, g, b, a }
    }

    pub const fn from_array([r, g, b, a]: [u8; 4]) -> Colour {
        Colour { r, g, b, a }
    }

    pub const fn to_array(self) -> [u8; 4] {
        [self.r, self.g, self.b, self.a]
    }

    /// Parses `#rrggbb` or `#rrggbbaa` (hex digits in either case).
    pub fn parse(text: &str) -> Result<Colour, String> {
        let bad = || format!("invalid colour {text:?}: expected \"#rrggbb\" or \"#rrggbbaa\"");
        let hex = text.strip_prefix('#').ok_or_else(bad)?;
        if !(hex.len() == 6 || hex.len() == 8) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        let a = if hex.len() == 8 { byte(6)? } else { 255 };
        Ok(Colour::rgba(byte(0)?, byte(2)?, byte(4)?, a))
    }

    /// The same colour with its alpha multiplied by `opacity` (0–1).
    pub fn fade(self, opacity: f32) -> Colour {
        let a = (f32::from(self.a) * opacity.clamp(0.0, 1.0)).round() as u8;
        Colour { a, ..self }
    }

    /// The same colour, fully opaque.
    pub fn opaque(self) -> Colour {
        Colour { a: 255, ..self }
    }

    /// The same colour with at least this alpha (0–1), unless fully transparent.
    pub fn at_least(self, opacity: f32) -> Colour {
        if self.a == 0 {
            return self;
        }
        let a = self.a.max((opacity.clamp(0.0, 1.0) * 255.0).round() as u8);
        Colour { a, ..self }
    }

    pub fn to_skia(self) -> tiny_skia::Color {
        tiny_skia::Color::from_rgba8(self.r, self.g, self.b, self.a)
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)?;
        if self.a != 255 {
            write!(f, "{:02x}", self.a)?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Colour::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms_and_round_trips() {
        assert_eq!(Colour::parse("#ff8000").unwrap(), Colour::rgb(255, 128, 0));
        assert_eq!(
            Colour::parse("#FF800080").unwrap(),
            Colour::rgba(255, 128, 0, 128)
        );
        assert_eq!(Colour::rgba(1, 2, 3, 4).to_string(), "#01020304");
        assert_eq!(Colour::rgb(1, 2, 3).to_string(), "#010203");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "ff8000",
            "#ff80",
            "#ff80000",
            "#gg8000",
            "#ff8000001",
            "",
            "#é12345",
        ] {
            let e = Colour::parse(bad).unwrap_err();
            assert!(e.contains("#rrggbb"), "{bad}: {e}");
        }
    }

    #[test]
    fn fade_scales_alpha() {
        assert_eq!(Colour::rgba(9, 9, 9, 200).fade(0.5).a, 100);
        assert_eq!(Colour::WHITE.fade(2.0).a, 255);
    }
}
