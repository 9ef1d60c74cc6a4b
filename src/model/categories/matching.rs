//! Name normalisation and whole-word pattern matching for actor names and event types.
//!
//! A name is normalised to its words: lower case, common Latin accents folded, ACLED
//! period stamps such as "(2021-)" or "(2012-2020)" removed, every run of punctuation and
//! whitespace turned into one space. The result is kept with a space at each end, so a
//! pattern matches "at word boundaries" exactly when `" pattern "` is a substring.

/// A normalised name or pattern: its words, space-separated, with a space at each end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Words(String);

impl Words {
    pub(crate) fn new(text: &str) -> Words {
        let folded: String = text.chars().flat_map(fold_lower).collect();
        let unstamped = strip_period_stamps(&folded);
        let mut out = String::with_capacity(unstamped.len() + 2);
        out.push(' ');
        for c in unstamped.chars() {
            if c.is_alphanumeric() {
                out.push(c);
            } else if !out.ends_with(' ') {
                out.push(' ');
            }
        }
        if !out.ends_with(' ') {
            out.push(' ');
        }
        Words(out)
    }

    /// True when the name has no words at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.len() <= 1
    }

    /// `pattern`'s words appear, in order and adjacent, among `self`'s words.
    pub(crate) fn contains(&self, pattern: &Words) -> bool {
        !pattern.is_empty() && self.0.contains(pattern.0.as_str())
    }

    /// Same words as `pattern`.
    pub(crate) fn equals(&self, pattern: &Words) -> bool {
        !pattern.is_empty() && self.0 == pattern.0
    }
}

/// Lower-cases `c` and folds the common Latin accents (é → e, ç → c, œ → oe).
fn fold_lower(c: char) -> impl Iterator<Item = char> {
    let lower = c.to_lowercase();
    lower.flat_map(|l| {
        let folded: &'static str = match l {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
            'ç' | 'ć' | 'č' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'ē' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
            'ñ' | 'ń' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
            'ù' | 'ú' | 'û' | 'ü' | 'ū' => "u",
            'ý' | 'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            'ß' => "ss",
            _ => "",
        };
        let keep = folded.is_empty().then_some(l);
        folded.chars().chain(keep)
    })
}

/// Removes ACLED period stamps: "(YYYY-)" and "(YYYY-YYYY)", with optional spaces inside.
fn strip_period_stamps(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('(') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        match period_stamp_len(after) {
            Some(len) => {
                out.push(' ');
                rest = &after[len..];
            }
            None => {
                out.push('(');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Length in bytes of a period stamp at the start of `s` (which starts with '(').
fn period_stamp_len(s: &str) -> Option<usize> {
    let inner_end = s.find(')')?;
    let inner: String = s[1..inner_end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (from, to) = inner.split_once(['-', '–'])?;
    let is_year = |y: &str| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
    (is_year(from) && (to.is_empty() || is_year(to))).then_some(inner_end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_accents_punctuation_and_stamps() {
        assert_eq!(
            Words::new("  Military  Forces of Mali (2021-)").0,
            " military forces of mali "
        );
        assert_eq!(
            Words::new("Police Forces of Mali (2012-2020)").0,
            " police forces of mali "
        );
        assert_eq!(
            Words::new("Police Forces of Mali ( 2012 - 2020 ) Gendarmerie").0,
            " police forces of mali gendarmerie "
        );
        assert_eq!(Words::new("Ségou").0, " segou ");
        assert_eq!(
            Words::new("Jama’at Nusrat al-Islam").0,
            " jama at nusrat al islam "
        );
        assert_eq!(Words::new("Civilians (Mali)").0, " civilians mali ");
        assert!(Words::new(" -- ").is_empty());
    }

    #[test]
    fn word_boundaries() {
        let is = Words::new("IS");
        assert!(!Words::new("Islamist Militia (Mali)").contains(&is));
        assert!(Words::new("IS").equals(&is));
        assert!(!Words::new("Islamic State (Sahel)").equals(&is));
        assert!(
            Words::new("JNIM: Group for Support of Islam and Muslims")
                .contains(&Words::new("jnim"))
        );
        assert!(!Words::new("JNIMX").contains(&Words::new("jnim")));
    }
}
