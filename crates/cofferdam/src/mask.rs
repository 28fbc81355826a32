//! Secret masking for everything printers show.
//!
//! The linter reports the byte ranges of secret values (`LintResult::redactions`) whether or not
//! a secrets rule is enabled. Printers never show those bytes: source lines are masked with one
//! `*` per character, so columns and underlines stay aligned, and any message text that happens
//! to quote a secret is scrubbed the same way as a second line of defence.

use std::ops::Range;

use cofferdam_diagnostics::TextRange;

/// A window of source text (whole lines) with secret characters replaced by `*`.
#[derive(Debug)]
pub(crate) struct MaskedWindow {
    text: String,
    start: usize,
    /// `(original end offset of a masked multi-byte character, bytes saved so far)`, ascending.
    /// Masking a multi-byte character with a one-byte `*` shifts later offsets left.
    shifts: Vec<(usize, usize)>,
}

impl MaskedWindow {
    pub(crate) fn new(source: &str, window: Range<usize>, redactions: &[TextRange]) -> Self {
        let slice = &source[window.clone()];
        let relevant: Vec<Range<usize>> = redactions
            .iter()
            .map(|range| range.to_std())
            .filter(|range| range.start < window.end && window.start < range.end)
            .collect();
        if relevant.is_empty() {
            return Self {
                text: slice.to_owned(),
                start: window.start,
                shifts: Vec::new(),
            };
        }
        let mut text = String::with_capacity(slice.len());
        let mut shifts = Vec::new();
        let mut saved = 0;
        for (index, ch) in slice.char_indices() {
            let offset = window.start + index;
            let secret = relevant.iter().any(|range| range.contains(&offset));
            // Line breaks stay so that a secret spanning a continuation keeps the line layout.
            if secret && ch != '\n' && ch != '\r' {
                text.push('*');
                if ch.len_utf8() > 1 {
                    saved += ch.len_utf8() - 1;
                    shifts.push((offset + ch.len_utf8(), saved));
                }
            } else {
                text.push(ch);
            }
        }
        Self {
            text,
            start: window.start,
            shifts,
        }
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Maps an offset into the original source to an offset into [`Self::text`].
    pub(crate) fn map(&self, offset: usize) -> usize {
        let offset = offset.clamp(self.start, self.start + self.original_len());
        let index = self.shifts.partition_point(|&(end, _)| end <= offset);
        let saved = index.checked_sub(1).map_or(0, |i| self.shifts[i].1);
        let mapped = (offset - self.start)
            .saturating_sub(saved)
            .min(self.text.len());
        // An offset inside a masked multi-byte character lands on the next boundary.
        let mut mapped = mapped;
        while !self.text.is_char_boundary(mapped) {
            mapped += 1;
        }
        mapped
    }

    fn original_len(&self) -> usize {
        self.text.len() + self.shifts.last().map_or(0, |&(_, saved)| saved)
    }
}

/// The secret values of a file, for scrubbing free text.
pub(crate) fn secret_values<'a>(source: &'a str, redactions: &[TextRange]) -> Vec<&'a str> {
    let mut values: Vec<&str> = redactions
        .iter()
        .filter_map(|range| source.get(range.to_std()))
        .filter(|value| !value.is_empty())
        .collect();
    // Longest first, so that a secret containing another is masked whole.
    values.sort_by_key(|value| std::cmp::Reverse(value.len()));
    values.dedup();
    values
}

/// `text` with every occurrence of a secret value replaced by `*`s.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in secrets {
        if text.contains(secret) {
            text = text.replace(secret, &"*".repeat(secret.chars().count()));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::TextRange;

    use super::{MaskedWindow, scrub, secret_values};

    #[test]
    fn masks_ascii_and_keeps_offsets() {
        let source = "FROM a\nENV TOKEN=abc123 X=1\n";
        let window = MaskedWindow::new(source, 7..27, &[TextRange::new(17, 23)]);
        assert_eq!(window.text(), "ENV TOKEN=****** X=1");
        assert_eq!(window.map(17), 10);
        assert_eq!(window.map(24), 17);
    }

    #[test]
    fn masks_multibyte_with_one_star_per_char() {
        let source = "ENV P=pässwörd Y=1";
        let window = MaskedWindow::new(source, 0..source.len(), &[TextRange::new(6, 16)]);
        assert_eq!(window.text(), "ENV P=******** Y=1");
        // "Y" is byte 17 in the source and byte 15 in the masked text.
        assert_eq!(window.map(17), 15);
        assert_eq!(&window.text()[window.map(17)..], "Y=1");
    }

    #[test]
    fn scrubs_free_text() {
        let source = "ENV K=hunter22";
        let secrets = secret_values(source, &[TextRange::new(6, 14)]);
        assert_eq!(
            scrub("value hunter22 leaked", &secrets),
            "value ******** leaked"
        );
    }
}
