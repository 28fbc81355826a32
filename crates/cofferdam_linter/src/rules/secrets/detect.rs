//! Secret detection shared by every front-end: secret-looking variable names, and values shaped
//! like known credentials (token prefixes, private keys, connection strings with a password).
//!
//! Detection works on names and values; callers decide where they came from. Nothing here
//! returns the value itself, only what kind of secret it is, so a secret cannot leak through a
//! message by accident.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

/// Names that are secrets in every project that uses them.
const EXACT_NAMES: &[&str] = &[
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_CLIENT_SECRET",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITLAB_TOKEN",
    "NPM_TOKEN",
    "NUGET_API_KEY",
    "DOCKER_PASSWORD",
    "DOCKERHUB_TOKEN",
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "SLACK_TOKEN",
    "STRIPE_SECRET_KEY",
    "SENDGRID_API_KEY",
    "TWILIO_AUTH_TOKEN",
    "HEROKU_API_KEY",
    "DATADOG_API_KEY",
    "DD_API_KEY",
    "SENTRY_AUTH_TOKEN",
    "VAULT_TOKEN",
    "CONSUL_HTTP_TOKEN",
    "GOOGLE_API_KEY",
    "FIREBASE_TOKEN",
    "JWT_SECRET",
    "SECRET_KEY_BASE",
    "DJANGO_SECRET_KEY",
    "FLASK_SECRET_KEY",
    "MYSQL_ROOT_PASSWORD",
    "MYSQL_PASSWORD",
    "POSTGRES_PASSWORD",
    "PGPASSWORD",
    "MONGO_INITDB_ROOT_PASSWORD",
    "REDIS_PASSWORD",
    "RABBITMQ_DEFAULT_PASS",
];

/// Name fragments that mark a secret when they appear as a `_`-separated part of the name.
const NAME_PARTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "PRIVATEKEY",
];

/// Adjacent part pairs that form a secret name (`API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, …).
const NAME_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("SECRET", "KEY"),
    ("CLIENT", "KEY"),
    ("SIGNING", "KEY"),
    ("ENCRYPTION", "KEY"),
    ("AUTH", "KEY"),
    ("MASTER", "KEY"),
];

/// Suffixes that make a secret-looking name refer to something that is not the secret itself:
/// `POSTGRES_PASSWORD_FILE` (the documented remedy), `TOKEN_URL`, `SECRET_NAME`, `PWD` paths…
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "NAME", "ID", "TYPE", "LENGTH", "LEN",
    "EXPIRY", "EXPIRES", "TTL", "MODE", "POLICY", "HEADER", "ENABLED", "VERSION",
];

/// Whether a variable name looks like it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace(['-', '.'], "_");
    if EXACT_NAMES.contains(&upper.as_str()) {
        return true;
    }
    let parts: Vec<&str> = upper.split('_').filter(|part| !part.is_empty()).collect();
    let Some(last) = parts.last() else {
        return false;
    };
    if NOT_SECRET_SUFFIXES.contains(last) || upper == "PWD" || upper == "OLDPWD" {
        return false;
    }
    parts.iter().any(|part| NAME_PARTS.contains(part))
        || parts
            .windows(2)
            .any(|pair| NAME_PAIRS.contains(&(pair[0], pair[1])))
}

/// What kind of credential a value looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKind {
    AwsAccessKeyId,
    GithubToken,
    GitlabToken,
    SlackToken,
    StripeKey,
    GoogleApiKey,
    OpenAiKey,
    NpmToken,
    SendgridKey,
    PrivateKey,
    Jwt,
    ConnectionStringPassword,
}

impl SecretKind {
    pub fn describe(self) -> &'static str {
        match self {
            SecretKind::AwsAccessKeyId => "an AWS access key id",
            SecretKind::GithubToken => "a GitHub token",
            SecretKind::GitlabToken => "a GitLab token",
            SecretKind::SlackToken => "a Slack token",
            SecretKind::StripeKey => "a Stripe secret key",
            SecretKind::GoogleApiKey => "a Google API key",
            SecretKind::OpenAiKey => "an OpenAI API key",
            SecretKind::NpmToken => "an npm token",
            SecretKind::SendgridKey => "a SendGrid API key",
            SecretKind::PrivateKey => "a private key",
            SecretKind::Jwt => "a JSON Web Token",
            SecretKind::ConnectionStringPassword => "a connection string with a password",
        }
    }
}

const PATTERNS: &[(SecretKind, &str)] = &[
    (SecretKind::AwsAccessKeyId, r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b"),
    (SecretKind::GithubToken, r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})"),
    (SecretKind::GitlabToken, r"\bglpat-[A-Za-z0-9_-]{20,}"),
    (SecretKind::SlackToken, r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    (SecretKind::StripeKey, r"\b[sr]k_live_[0-9A-Za-z]{20,}"),
    (SecretKind::GoogleApiKey, r"\bAIza[0-9A-Za-z_-]{35}"),
    (SecretKind::OpenAiKey, r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|\bsk-proj-[A-Za-z0-9_-]{40,}"),
    (SecretKind::NpmToken, r"\bnpm_[A-Za-z0-9]{36}\b"),
    (SecretKind::SendgridKey, r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
    (SecretKind::PrivateKey, r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
    (SecretKind::Jwt, r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
];

static SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(PATTERNS.iter().map(|(_, pattern)| pattern)).expect("valid secret patterns")
});

/// Every pattern in one alternation, so that a whole file is scanned in a single pass.
static ANY: LazyLock<Regex> = LazyLock::new(|| {
    let alternation: Vec<String> = PATTERNS
        .iter()
        .map(|(_, pattern)| format!("(?:{pattern})"))
        .collect();
    Regex::new(&alternation.join("|")).expect("valid secret patterns")
});

/// `scheme://user:password@host`, where the password is not a variable reference.
static CONNECTION_STRING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:([^\s@/]+)@[^\s]").expect("valid pattern")
});

/// The kinds of credential found in `value`, most specific first. Empty if none.
pub fn detect_value(value: &str) -> Option<SecretKind> {
    // Cheap rejections first: most values are short words without any of the shapes.
    if value.len() < 8 {
        return None;
    }
    if let Some(index) = SET.matches(value).iter().next() {
        return Some(PATTERNS[index].0);
    }
    let captures = CONNECTION_STRING.captures(value)?;
    let password = captures.get(1)?.as_str();
    if password.starts_with('$') || password.starts_with('%') || is_placeholder(password) {
        return None;
    }
    Some(SecretKind::ConnectionStringPassword)
}

/// Every credential-shaped span in `text`: `(start, end, kind)` byte offsets. For connection
/// strings only the password is returned.
pub fn find_in_text(text: &str) -> Vec<(usize, usize, SecretKind)> {
    let mut found: Vec<(usize, usize, SecretKind)> = ANY
        .find_iter(text)
        .filter_map(|m| {
            let index = SET.matches(m.as_str()).iter().next()?;
            Some((m.start(), m.end(), PATTERNS[index].0))
        })
        .collect();
    if text.contains("://") {
        for captures in CONNECTION_STRING.captures_iter(text) {
            let Some(password) = captures.get(1) else {
                continue;
            };
            let value = password.as_str();
            if !(value.starts_with('$') || value.starts_with('%') || is_placeholder(value)) {
                found.push((password.start(), password.end(), SecretKind::ConnectionStringPassword));
            }
        }
    }
    found.sort_unstable_by_key(|&(start, end, _)| (start, end));
    found
}

/// Values that are clearly not a real secret: empty, a variable reference, a file path, or a
/// documentation placeholder.
pub fn is_placeholder(value: &str) -> bool {
    let trimmed = value.trim();
    let lower = trimmed.to_ascii_lowercase();
    trimmed.is_empty()
        || trimmed.starts_with('$')
        || trimmed.starts_with('/')
        || trimmed.starts_with("file:")
        || matches!(
            lower.as_str(),
            "" | "none" | "null" | "nil" | "false" | "true" | "0" | "1" | "x" | "xxx" | "xxxx"
                | "-" | "''" | "\"\"" | "<password>" | "<token>" | "<secret>" | "redacted"
                | "***" | "****" | "********"
        )
        || (lower.starts_with('<') && lower.ends_with('>'))
        || (lower.starts_with("{{") && lower.ends_with("}}"))
}

#[cfg(test)]
mod tests {
    use super::{SecretKind, detect_value, is_placeholder, is_secret_name};

    #[test]
    fn names() {
        for name in [
            "AWS_SECRET_ACCESS_KEY",
            "db_password",
            "API_KEY",
            "STRIPE_API_KEY",
            "GITHUB_TOKEN",
            "MY_SECRET",
            "RABBITMQ_DEFAULT_PASS",
            "PRIVATE_KEY",
            "auth-token",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "POSTGRES_PASSWORD_FILE",
            "TOKEN_URL",
            "PWD",
            "PATH",
            "KEYBOARD",
            "PASSENGER_APP_ENV",
            "SECRET_NAME",
            "AWS_ACCESS_KEY_ID",
            "NODE_ENV",
            "PUBLIC_KEY",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn values() {
        assert_eq!(detect_value("AKIAIOSFODNN7EXAMPLE"), Some(SecretKind::AwsAccessKeyId));
        assert_eq!(
            detect_value("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            Some(SecretKind::GithubToken)
        );
        assert_eq!(
            detect_value("postgres://app:s3cr3t@db:5432/app"),
            Some(SecretKind::ConnectionStringPassword)
        );
        assert_eq!(detect_value("postgres://app:${DB_PASS}@db/app"), None);
        assert_eq!(detect_value("postgres://db:5432/app"), None);
        assert_eq!(detect_value("https://example.com/a:b@c"), None);
        assert_eq!(detect_value("/usr/local/bin"), None);
        assert_eq!(
            detect_value("-----BEGIN RSA PRIVATE KEY-----"),
            Some(SecretKind::PrivateKey)
        );
        let text = "ENV A=AKIAIOSFODNN7EXAMPLE B=mysql://u:pw123456@h/db";
        let found = super::find_in_text(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].0..found[0].1], "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(&text[found[1].0..found[1].1], "pw123456");
        assert!(is_placeholder("${TOKEN}"));
        assert!(is_placeholder("<your-token>"));
        assert!(!is_placeholder("hunter22"));
    }
}
