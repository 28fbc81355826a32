//! Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`, `${VAR+replacement}`, nested
//! defaults, and `$$` for a literal `$`, as `docker compose` expands them.

use std::borrow::Cow;

/// Expands `text` with `lookup`.
///
/// One deliberate difference from `docker compose`: a variable that is unset and has no default
/// (`$VAR`, `${VAR}`, `${VAR?message}`) is kept as written instead of becoming the empty string
/// or an error. A linter runs where the deployment's environment is absent, and `user: ${UID}`
/// means "some user chosen at deploy time", not root; rules treat the reference as unknown.
/// Only malformed references are errors.
pub fn interpolate<'a>(
    text: &'a str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Cow<'a, str>, String> {
    if !text.contains('$') {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(after) = rest.strip_prefix('{') {
            let end = closing_brace(after)
                .ok_or_else(|| format!("expected `}}` to close `${{` in `{text}`"))?;
            out.push_str(&braced(&after[..end], lookup)?);
            rest = &after[end + 1..];
        } else {
            let length = name_length(rest);
            if length == 0 {
                // A lone `$` (e.g. at the end, or before a space) is kept.
                out.push('$');
            } else {
                if let Some(value) = lookup(&rest[..length]) {
                    out.push_str(&value);
                } else {
                    out.push('$');
                    out.push_str(&rest[..length]);
                }
                rest = &rest[length..];
            }
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

fn name_length(text: &str) -> usize {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, c)) if c == '_' || c.is_ascii_alphabetic() => {}
        _ => return 0,
    }
    chars
        .find(|(_, c)| !(*c == '_' || c.is_ascii_alphanumeric()))
        .map_or(text.len(), |(at, _)| at)
}

/// The index of the `}` that closes a `${`, allowing nested `${…}` in defaults.
fn closing_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'$' if bytes.get(index + 1) == Some(&b'{') => {
                depth += 1;
                index += 1;
            }
            b'}' if depth == 0 => return Some(index),
            b'}' => depth -= 1,
            _ => {}
        }
        index += 1;
    }
    None
}

fn braced(inner: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let length = name_length(inner);
    if length == 0 {
        return Err(format!("expected a variable name in `${{{inner}}}`"));
    }
    let name = &inner[..length];
    let operator = &inner[length..];
    let value = lookup(name);
    let set = value.is_some();
    let non_empty = value.as_deref().is_some_and(|value| !value.is_empty());
    let nested = |word: &str| interpolate(word, lookup).map(Cow::into_owned);
    let unresolved = || format!("${{{inner}}}");
    if operator.is_empty() {
        return Ok(value.unwrap_or_else(unresolved));
    }
    let (op, word) = if let Some(word) = operator.strip_prefix(":-") {
        (":-", word)
    } else if let Some(word) = operator.strip_prefix(":?") {
        (":?", word)
    } else if let Some(word) = operator.strip_prefix(":+") {
        (":+", word)
    } else if let Some(word) = operator.strip_prefix('-') {
        ("-", word)
    } else if let Some(word) = operator.strip_prefix('?') {
        ("?", word)
    } else if let Some(word) = operator.strip_prefix('+') {
        ("+", word)
    } else {
        return Err(format!("unsupported operator in `${{{inner}}}`"));
    };
    match op {
        ":-" if !non_empty => nested(word),
        "-" if !set => nested(word),
        ":?" if !non_empty => Ok(unresolved()),
        "?" if !set => Ok(unresolved()),
        ":+" => Ok(if non_empty {
            nested(word)?
        } else {
            String::new()
        }),
        "+" => Ok(if set { nested(word)? } else { String::new() }),
        _ => Ok(value.unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::interpolate;

    fn expand(text: &str) -> Result<String, String> {
        let lookup = |name: &str| match name {
            "TAG" => Some("1.2".to_owned()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        interpolate(text, &lookup).map(std::borrow::Cow::into_owned)
    }

    #[test]
    fn every_form() {
        assert_eq!(expand("app:${TAG}").unwrap(), "app:1.2");
        assert_eq!(expand("app:$TAG-x").unwrap(), "app:1.2-x");
        assert_eq!(expand("${MISSING:-latest}").unwrap(), "latest");
        assert_eq!(expand("${EMPTY:-d}").unwrap(), "d");
        assert_eq!(expand("${EMPTY-d}").unwrap(), "");
        assert_eq!(expand("${MISSING-${TAG}}").unwrap(), "1.2");
        assert_eq!(expand("${TAG:+set}").unwrap(), "set");
        assert_eq!(expand("${MISSING+set}").unwrap(), "");
        assert_eq!(expand("$$HOME and $").unwrap(), "$HOME and $");
        assert_eq!(expand("${MISSING}").unwrap(), "${MISSING}");
        assert_eq!(expand("$MISSING/x").unwrap(), "$MISSING/x");
        assert_eq!(expand("${MISSING?set it}").unwrap(), "${MISSING?set it}");
        assert_eq!(expand("${EMPTY:?}").unwrap(), "${EMPTY:?}");
        assert!(expand("${TAG").unwrap_err().contains("expected `}`"));
    }
}
