//! The keys of `cofferdam.toml` outside `[settings]`, documented once: the loader in
//! `config.rs` accepts exactly these (a test compares them with its serde fields), and `cargo
//! xtask generate` writes the configuration reference (`docs/configuration.md`) from this table
//! and the linter's `SETTINGS`. Like `args.rs`, this file uses nothing from the binary's other
//! modules, so the library target can compile it for xtask.

/// One configuration key.
#[derive(Clone, Copy, Debug)]
pub struct KeyDoc {
    /// The key as written; `overrides.paths` is `paths` inside an `[[overrides]]` entry.
    pub key: &'static str,
    /// The TOML type, as the reference shows it.
    pub kind: &'static str,
    pub default: &'static str,
    /// What it changes, in Markdown.
    pub description: &'static str,
    /// A TOML value for the key, as the reference's example shows it.
    pub example: &'static str,
}

/// The top-level keys and tables.
pub const KEYS: &[KeyDoc] = &[
    KeyDoc {
        key: "select",
        kind: "array of strings",
        default: "the rules enabled by default",
        description: "Replaces the set of rules that run. Each entry is a rule code (`USR001`), \
                      a rule name, a category (`secrets`), a peer alias (`DL3002`, \
                      `trivy:DS-0002`) or `ALL`. The command line's `--select` replaces it, and \
                      with it this file's `extend-select` and `ignore`.",
        example: "[\"ALL\"]",
    },
    KeyDoc {
        key: "extend-select",
        kind: "array of strings",
        default: "[]",
        description: "Rules to run in addition to the default or selected set (for example the \
                      ones that are off by default).",
        example: "[\"unpinned-package\"]",
    },
    KeyDoc {
        key: "ignore",
        kind: "array of strings",
        default: "[]",
        description: "Rules not to run, applied after `select` and `extend-select`.",
        example: "[\"image-not-digest-pinned\"]",
    },
    KeyDoc {
        key: "fail-on",
        kind: "string",
        default: "\"info\"",
        description: "The least severity that makes `check` exit with status 1 (`info`, `low`, \
                      `medium`, `high`, `critical`). Run-wide: read from the configuration of \
                      the current directory. `COFFERDAM_FAIL_ON` and `--fail-on` win over it.",
        example: "\"medium\"",
    },
    KeyDoc {
        key: "require-reason",
        kind: "boolean",
        default: "false",
        description: "Apply an inline suppression only when it gives a reason; one without \
                      leaves the finding and is reported. Run-wide, like `fail-on`; \
                      `--require-reason` turns it on.",
        example: "true",
    },
    KeyDoc {
        key: "severity",
        kind: "table of strings",
        default: "{}",
        description: "Per-rule severity overrides: a rule code, name, category or alias, and \
                      the severity to report its findings at. `--severity-override KEY=SEVERITY` \
                      adds to it.",
        example: "{ latest-tag = \"high\" }",
    },
    KeyDoc {
        key: "settings",
        kind: "table",
        default: "{}",
        description: "Thresholds the rules judge against; its keys are listed below.",
        example: "{ restart-max-retries = 5 }",
    },
    KeyDoc {
        key: "overrides",
        kind: "array of tables",
        default: "[]",
        description: "Per-path changes, applied in order to the files their `paths` match; each \
                      entry takes the keys below.",
        example: "[{ paths = [\"legacy/**\"], ignore = [\"container-runs-as-root\"] }]",
    },
    KeyDoc {
        key: "overrides.paths",
        kind: "array of strings",
        default: "required",
        description: "Globs, relative to the configuration's directory, of the files the entry \
                      applies to (`**` crosses directories).",
        example: "[\"legacy/**\", \"**/*.dev.yaml\"]",
    },
    KeyDoc {
        key: "overrides.select",
        kind: "array of strings",
        default: "unchanged",
        description: "Replaces the set of rules for the matching files.",
        example: "[\"secrets\"]",
    },
    KeyDoc {
        key: "overrides.extend-select",
        kind: "array of strings",
        default: "[]",
        description: "Rules to run in addition for the matching files.",
        example: "[\"unpinned-package\"]",
    },
    KeyDoc {
        key: "overrides.ignore",
        kind: "array of strings",
        default: "[]",
        description: "Rules not to run on the matching files.",
        example: "[\"container-runs-as-root\"]",
    },
    KeyDoc {
        key: "overrides.severity",
        kind: "table of strings",
        default: "{}",
        description: "Severity overrides for the matching files, on top of the file's.",
        example: "{ missing-healthcheck = \"info\" }",
    },
];

/// Environment variables that take part in configuration: `(name, what it does)`.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "COFFERDAM_CONFIG",
        "The one configuration file to use for every checked file, instead of searching from \
         each file's directory upwards.",
    ),
    (
        "COFFERDAM_FAIL_ON",
        "The severity that fails the run, between the configuration's `fail-on` and \
         `--fail-on`.",
    ),
];
