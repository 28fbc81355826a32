//! "Did you mean …?" hints for mistyped rule codes, names and selectors.

/// Similarity below which a candidate is not worth suggesting. Jaro-Winkler rewards a shared
/// prefix, which suits codes (`USR01` → `USR001`) and kebab-case names alike.
const THRESHOLD: f64 = 0.8;

/// The closest candidate to `key`, if it is close enough.
pub(crate) fn closest<I, S>(key: &str, candidates: I) -> Option<S>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let key = key.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let score = strsim::jaro_winkler(&key, &candidate.as_ref().to_ascii_lowercase());
            (score, candidate)
        })
        .filter(|(score, _)| *score >= THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// A sentence to append to an error message: empty, or "; did you mean `x`?".
pub(crate) fn did_you_mean<I, S>(key: &str, candidates: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    closest(key, candidates).map_or_else(String::new, |candidate| {
        format!("; did you mean `{}`?", candidate.as_ref())
    })
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_names_only() {
        let words = ["last-user-root", "latest-tag", "USR001"];
        assert_eq!(closest("last-user-rot", words), Some("last-user-root"));
        assert_eq!(closest("usr01", words), Some("USR001"));
        assert_eq!(closest("privileged", words), None);
    }
}
