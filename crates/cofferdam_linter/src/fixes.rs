//! Checks on a fixed text, shared by `check --fix` and the fix tests: the result must parse
//! as well as the original did and keep every comment.

use crate::syntax::{dockerfile, yaml};

/// What a fixed file is, for re-parsing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixedKind {
    Dockerfile,
    /// Compose (or any YAML) file.
    Yaml,
    /// A shell script, Makefile or CI file with `docker run` lines; not re-parsed (the shell
    /// grammar accepts nearly anything), only its comments are compared.
    Script,
}

/// Checks a fixed text against the text it was made from: no new syntax errors, and every
/// comment still there. The error says what went wrong, for the user.
pub fn verify(kind: FixedKind, before: &str, after: &str) -> Result<(), String> {
    let errors = |text: &str| match kind {
        FixedKind::Dockerfile => Some(dockerfile::parse(text).errors.len()),
        FixedKind::Yaml => Some(yaml::parse(text, 0).errors.len()),
        FixedKind::Script => None,
    };
    if let (Some(was), Some(now)) = (errors(before), errors(after))
        && now > was
    {
        return Err("the result no longer parses".to_owned());
    }
    let mut kept = comments(after);
    for comment in comments(before) {
        match kept.iter().position(|other| *other == comment) {
            Some(at) => {
                kept.swap_remove(at);
            }
            None => return Err(format!("the result loses the comment `{comment}`")),
        }
    }
    Ok(())
}

/// The comments of a file (`#` to the end of the line, at its start or after a blank), as
/// written: enough to notice a fix that drops or rewrites one.
pub fn comments(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|line| {
            let at = line.char_indices().find_map(|(at, c)| {
                (c == '#' && (at == 0 || line[..at].ends_with([' ', '\t']))).then_some(at)
            })?;
            Some(line[at..].trim_end())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{FixedKind, comments, verify};

    #[test]
    fn comments_are_found_at_line_starts_and_after_blanks() {
        assert_eq!(
            comments("# top\nimage: a#b # tail\n  url: http://x/#frag\n"),
            ["# top", "# tail"]
        );
    }

    #[test]
    fn a_result_that_breaks_the_yaml_or_drops_a_comment_is_refused() {
        let before = "services:\n  a:  # api\n    image: x:1\n";
        assert!(
            verify(
                FixedKind::Yaml,
                before,
                "services:\n  a:  # api\n    image: x:1\n    read_only: true\n"
            )
            .is_ok()
        );
        assert_eq!(
            verify(FixedKind::Yaml, before, "services:\n  a:\n    image: x:1\n"),
            Err("the result loses the comment `# api`".to_owned())
        );
        assert_eq!(
            verify(
                FixedKind::Yaml,
                before,
                "services:\n  a:  # api\n    image: [x:1\n"
            ),
            Err("the result no longer parses".to_owned())
        );
        assert_eq!(
            verify(
                FixedKind::Dockerfile,
                "FROM a\n",
                "FROM a\nRUN <<EOF\necho\n"
            ),
            Err("the result no longer parses".to_owned())
        );
    }
}
