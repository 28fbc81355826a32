//! [`Severity`] and [`Category`]: how bad a finding is, and which practice it belongs to.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// How bad a finding is. Ordered from least to most severe so that `>=` means "at least".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|severity| severity.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown severity `{s}`; expected one of critical, high, medium, low, info")
            })
    }
}

/// The practice a rule belongs to. The words are part of the JSON contract (DESIGN.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    User,
    Capabilities,
    Seccomp,
    Mac,
    Privileged,
    Devices,
    Filesystem,
    Resources,
    Namespaces,
    Network,
    Image,
    Secrets,
    Socket,
    Healthcheck,
    Build,
    Daemon,
}

impl Category {
    pub const ALL: [Category; 16] = [
        Category::User,
        Category::Capabilities,
        Category::Seccomp,
        Category::Mac,
        Category::Privileged,
        Category::Devices,
        Category::Filesystem,
        Category::Resources,
        Category::Namespaces,
        Category::Network,
        Category::Image,
        Category::Secrets,
        Category::Socket,
        Category::Healthcheck,
        Category::Build,
        Category::Daemon,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Category::User => "user",
            Category::Capabilities => "capabilities",
            Category::Seccomp => "seccomp",
            Category::Mac => "mac",
            Category::Privileged => "privileged",
            Category::Devices => "devices",
            Category::Filesystem => "filesystem",
            Category::Resources => "resources",
            Category::Namespaces => "namespaces",
            Category::Network => "network",
            Category::Image => "image",
            Category::Secrets => "secrets",
            Category::Socket => "socket",
            Category::Healthcheck => "healthcheck",
            Category::Build => "build",
            Category::Daemon => "daemon",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|category| category.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown category `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::{Category, Severity};

    #[test]
    fn severity_order_and_parse() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("urgent".parse::<Severity>().is_err());
    }

    #[test]
    fn category_round_trip() {
        for category in Category::ALL {
            assert_eq!(category.as_str().parse::<Category>(), Ok(category));
        }
    }
}
