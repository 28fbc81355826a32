//! Secret detection shared by every front-end: secret-looking variable names, and values shaped
//! like known credentials (token prefixes, private keys, connection strings with a password).
//!
//! Detection works on names and values; callers decide where they came from. Nothing here
//! returns the value itself, only what kind of secret it is, so a secret cannot leak through a
//! message by accident.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

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

/// Every credential shape starts with a fixed literal. One Aho-Corasick pass finds the
/// candidates and a small hand-written check validates the characters that follow. This keeps
/// a single-file run cheap: compiling an equivalent regular expression costs more than linting
/// a typical Dockerfile.
const PREFIXES: &[(&str, SecretKind)] = &[
    ("AKIA", SecretKind::AwsAccessKeyId),
    ("ASIA", SecretKind::AwsAccessKeyId),
    ("ABIA", SecretKind::AwsAccessKeyId),
    ("ACCA", SecretKind::AwsAccessKeyId),
    ("A3T", SecretKind::AwsAccessKeyId),
    ("ghp_", SecretKind::GithubToken),
    ("gho_", SecretKind::GithubToken),
    ("ghu_", SecretKind::GithubToken),
    ("ghs_", SecretKind::GithubToken),
    ("ghr_", SecretKind::GithubToken),
    ("github_pat_", SecretKind::GithubToken),
    ("glpat-", SecretKind::GitlabToken),
    ("xoxa-", SecretKind::SlackToken),
    ("xoxb-", SecretKind::SlackToken),
    ("xoxo-", SecretKind::SlackToken),
    ("xoxp-", SecretKind::SlackToken),
    ("xoxr-", SecretKind::SlackToken),
    ("xoxs-", SecretKind::SlackToken),
    ("sk_live_", SecretKind::StripeKey),
    ("rk_live_", SecretKind::StripeKey),
    ("AIza", SecretKind::GoogleApiKey),
    ("sk-", SecretKind::OpenAiKey),
    ("npm_", SecretKind::NpmToken),
    ("SG.", SecretKind::SendgridKey),
    ("-----BEGIN ", SecretKind::PrivateKey),
    ("eyJ", SecretKind::Jwt),
    ("://", SecretKind::ConnectionStringPassword),
];

static PREFIX_MATCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    // A contiguous NFA builds in a fraction of the time of a DFA, which matters more here than
    // its slightly slower search: most runs lint one small file.
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(PREFIXES.iter().map(|(prefix, _)| prefix))
        .expect("valid prefixes")
});

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Length of the run of bytes at `from` that satisfy `class`.
fn run(bytes: &[u8], from: usize, class: impl Fn(u8) -> bool) -> usize {
    bytes[from.min(bytes.len())..]
        .iter()
        .take_while(|&&b| class(b))
        .count()
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Validates a candidate: `start` is where the prefix begins, `body` where it ends. Returns the
/// end of the secret (or, for connection strings, the password's range).
fn validate(bytes: &[u8], start: usize, body: usize, kind: SecretKind) -> Option<(usize, usize)> {
    let word_start = start == 0 || !is_word(bytes[start - 1]);
    let bounded = |end: usize| (end == bytes.len() || !is_word(bytes[end])).then_some((start, end));
    match kind {
        SecretKind::AwsAccessKeyId if word_start => {
            let upper = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
            let need = 20 - (body - start);
            (run(bytes, body, upper) >= need).then_some(())?;
            bounded(body + need)
        }
        SecretKind::GithubToken if word_start => {
            let (class, min): (fn(u8) -> bool, usize) =
                if bytes[start..body].starts_with(b"github_pat_") {
                    (|b| b.is_ascii_alphanumeric() || b == b'_', 60)
                } else {
                    (alnum, 36)
                };
            let len = run(bytes, body, class);
            (len >= min).then_some((start, body + len))
        }
        SecretKind::GitlabToken | SecretKind::SlackToken | SecretKind::StripeKey if word_start => {
            let (class, min): (fn(u8) -> bool, usize) = match kind {
                SecretKind::StripeKey => (alnum, 20),
                SecretKind::SlackToken => (|b| b.is_ascii_alphanumeric() || b == b'-', 10),
                _ => (token, 20),
            };
            let len = run(bytes, body, class);
            (len >= min).then_some((start, body + len))
        }
        SecretKind::GoogleApiKey if word_start => {
            (run(bytes, body, token) >= 35).then_some((start, body + 35))
        }
        SecretKind::OpenAiKey if word_start => {
            let len = run(bytes, body, token);
            let key = &bytes[body..body + len];
            let marker = key.windows(8).position(|w| w == b"T3BlbkFJ");
            let classic = marker.is_some_and(|at| at >= 20 && len - at - 8 >= 20);
            let project = key.starts_with(b"proj-") && len >= 45;
            (classic || project).then_some((start, body + len))
        }
        SecretKind::NpmToken if word_start => {
            (run(bytes, body, alnum) >= 36).then_some(())?;
            bounded(body + 36)
        }
        SecretKind::SendgridKey if word_start => {
            (run(bytes, body, token) >= 22 && bytes.get(body + 22) == Some(&b'.')).then_some(())?;
            let tail = body + 23;
            (run(bytes, tail, token) >= 43).then_some((start, tail + 43))
        }
        SecretKind::PrivateKey => {
            let line_end = bytes[body..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| body + i);
            let header = &bytes[body..line_end];
            let close = header.windows(5).position(|w| w == b"-----")?;
            header[..close]
                .ends_with(b"PRIVATE KEY")
                .then_some((start, body + close + 5))
        }
        SecretKind::Jwt if word_start => {
            let mut end = body;
            for (index, min) in [(0, 8), (1, 8), (2, 8)] {
                if index > 0 {
                    if bytes.get(end) != Some(&b'.') {
                        return None;
                    }
                    end += 1;
                    if index == 1 && !bytes[end..].starts_with(b"eyJ") {
                        return None;
                    }
                }
                let len = run(bytes, end, token);
                if len < min {
                    return None;
                }
                end += len;
            }
            Some((start, end))
        }
        SecretKind::ConnectionStringPassword => {
            // `scheme://user:password@host`: the scheme must directly precede `://`.
            (start > 0 && bytes[start - 1].is_ascii_alphanumeric()).then_some(())?;
            let authority_end = bytes[body..]
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'"' || b == b'\'')
                .map_or(bytes.len(), |i| body + i);
            let authority = &bytes[body..authority_end];
            let at = authority.iter().rposition(|&b| b == b'@')?;
            let colon = authority[..at].iter().position(|&b| b == b':')?;
            let password = (body + colon + 1, body + at);
            (password.1 > password.0 && at + 1 < authority.len()).then_some(password)
        }
        _ => None,
    }
}

/// The kind of credential `value` holds, if any.
pub fn detect_value(value: &str) -> Option<SecretKind> {
    find_in_text(value).first().map(|&(_, _, kind)| kind)
}

/// Every credential-shaped span in `text`: `(start, end, kind)` byte offsets. For connection
/// strings only the password is returned.
pub fn find_in_text(text: &str) -> Vec<(usize, usize, SecretKind)> {
    let bytes = text.as_bytes();
    let mut found: Vec<(usize, usize, SecretKind)> = Vec::new();
    for candidate in PREFIX_MATCHER.find_overlapping_iter(text) {
        let kind = PREFIXES[candidate.pattern().as_usize()].1;
        let Some((start, end)) = validate(bytes, candidate.start(), candidate.end(), kind) else {
            continue;
        };
        if kind == SecretKind::ConnectionStringPassword {
            let password = &text[start..end];
            if password.starts_with('$') || password.starts_with('%') || is_placeholder(password) {
                continue;
            }
        }
        if found
            .last()
            .is_some_and(|&(_, last_end, _)| start < last_end)
        {
            continue;
        }
        found.push((start, end, kind));
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
            "" | "none"
                | "null"
                | "nil"
                | "false"
                | "true"
                | "0"
                | "1"
                | "x"
                | "xxx"
                | "xxxx"
                | "-"
                | "''"
                | "\"\""
                | "<password>"
                | "<token>"
                | "<secret>"
                | "redacted"
                | "***"
                | "****"
                | "********"
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
        assert_eq!(
            detect_value("AKIAIOSFODNN7EXAMPLE"),
            Some(SecretKind::AwsAccessKeyId)
        );
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

    #[test]
    fn every_shape_and_its_near_misses() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        let cases = [
            (jwt, Some(SecretKind::Jwt)),
            (
                "xoxb-123456789012-abcdefABCDEF",
                Some(SecretKind::SlackToken),
            ),
            (
                "AIzaSyA1234567890abcdefghijklmnopqrstuv",
                Some(SecretKind::GoogleApiKey),
            ),
            (
                "npm_abcdefghijklmnopqrstuvwxyz0123456789",
                Some(SecretKind::NpmToken),
            ),
            (
                "sk_live_abcdefghijklmnopqrstuvwx",
                Some(SecretKind::StripeKey),
            ),
            ("glpat-abcdefghij0123456789", Some(SecretKind::GitlabToken)),
            (
                "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
                Some(SecretKind::SendgridKey),
            ),
            (
                "sk-abcdefghijklmnopqrstT3BlbkFJabcdefghijklmnopqrst",
                Some(SecretKind::OpenAiKey),
            ),
            (
                "-----BEGIN EC PRIVATE KEY-----",
                Some(SecretKind::PrivateKey),
            ),
            ("-----BEGIN PUBLIC KEY-----", None),
            ("AKIA1234", None),
            ("XAKIAIOSFODNN7EXAMPLE", None),
            ("AKIAIOSFODNN7EXAMPLEX", None),
            ("ghp_short", None),
            ("sk-not-a-key", None),
            ("redis://:@cache:6379", None),
            ("https://user@example.com/path:with@signs", None),
        ];
        for (value, expected) in cases {
            assert_eq!(detect_value(value), expected, "{value}");
        }
    }
}
