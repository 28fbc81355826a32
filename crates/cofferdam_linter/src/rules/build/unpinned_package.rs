//! `unpinned-package`: a package installed without a version, so each build may get another.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::DockerfileContext;
use crate::rules::build::packages::{Action, Manager, PackageCommand, ends_with_ignore_case};
use crate::rules::build::runs::runs;

declare_rule! {
    /// ## What it does
    /// Checks each package named in an install command for a version pin: `apt-get install
    /// pkg=1.2`, `apk add pkg=1.2-r0`, `pip install pkg==1.2`, `npm install pkg@1.2`,
    /// `gem install pkg:1.2` (or `-v`), `yum`/`dnf install pkg-1.2`, `zypper install pkg=1.2`
    /// and `go install mod@v1.2`. Local files, directories, requirement and constraint files,
    /// and words built from variables are not judged. A floating tag such as `@latest` is not a
    /// pin; neither is a git URL without a `#ref`.
    ///
    /// This rule is off by default: pinning distribution packages trades reproducibility for
    /// builds that break when the mirror drops the old version.
    ///
    /// ## Why is this bad?
    /// Without a pin, two builds of the same commit can install different versions: a fix can
    /// silently disappear, a compromised release can arrive without any change in the
    /// repository, and a failure cannot be reproduced.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the right version is a decision for the team.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    /// - <https://pip.pypa.io/en/stable/topics/repeatable-installs/>
    pub struct UnpinnedPackage {
        code: "BLD005",
        name: "unpinned-package",
        category: Build,
        severity: Info,
        inputs: [Dockerfile],
        fix: DisplayOnly,
        default_enabled: false,
        aliases: [
            Hadolint "DL3008",
            Hadolint "DL3013",
            Hadolint "DL3016",
            Hadolint "DL3018",
            Hadolint "DL3028",
            Hadolint "DL3033",
            Hadolint "DL3037",
            Hadolint "DL3041",
            Hadolint "DL3062",
            Kics "965a08d7-ef86-4f14-8792-4a3b2098937e",
            Kics "d3499f6d-1651-41bb-a9a7-de925fea487b",
            Kics "02d9c71f-3ee8-4986-9c27-1a20d0d19bfc",
            Kics "e36d8880-3f78-4546-b9a1-12f0745ca0d5",
            Kics "22cd11f7-9c6c-4f6e-84c0-02058120b341",
            Kics "6452c424-1d92-4deb-bb18-a03e95d579c4",
            Kics "562952e4-0348-4dea-9826-44f3a2c6117b",
            Kics "93d88cf7-f078-46a8-8ddc-178e03aeacf1",
        ],
    }
}

/// A local path or URL rather than a package name.
fn is_path_or_url(word: &str) -> bool {
    word.starts_with('.')
        || word.starts_with('/')
        || word.starts_with('~')
        || word.contains("://")
        || word.starts_with("file:")
}

/// A tag or branch that moves: not a pin.
fn floating(reference: &str) -> bool {
    reference.is_empty()
        || ["latest", "master", "main", "head"]
            .iter()
            .any(|f| reference.eq_ignore_ascii_case(f))
}

fn has_any(word: &str, chars: &[char]) -> bool {
    word.contains(chars)
}

/// `pkg-1.2`: a dash followed by a digit after the name.
fn rpm_versioned(word: &str) -> bool {
    word.as_bytes()
        .windows(2)
        .skip(1)
        .any(|pair| pair[0] == b'-' && pair[1].is_ascii_digit())
}

fn npm_pinned(word: &str) -> bool {
    if word.contains("://") || word.starts_with("git+") || word.starts_with("github:") {
        return word.split_once('#').is_some_and(|(_, r)| !floating(r));
    }
    if is_path_or_url(word)
        || ends_with_ignore_case(word, ".tgz")
        || ends_with_ignore_case(word, ".tar.gz")
        || ends_with_ignore_case(word, ".tar")
    {
        return true;
    }
    let unscoped = word.strip_prefix('@').map_or(word, |rest| {
        rest.split_once('/').map_or(rest, |(_, name)| name)
    });
    if let Some((_, reference)) = unscoped.split_once('#') {
        // GitHub shorthand `user/repo#ref`.
        return !floating(reference);
    }
    if unscoped.contains('/') {
        return false;
    }
    unscoped
        .split_once('@')
        .is_some_and(|(_, version)| !floating(version))
}

/// Whether `word` (a package operand of `command`) is pinned; `None` when it is not a package
/// name this rule judges (files, paths, URLs, groups).
fn pinned(command: &PackageCommand<'_>, word: &str) -> Option<bool> {
    match command.manager {
        Manager::Apt => (!is_path_or_url(word) && !ends_with_ignore_case(word, ".deb"))
            .then(|| word.contains('=')),
        Manager::Apk => (!is_path_or_url(word) && !ends_with_ignore_case(word, ".apk"))
            .then(|| has_any(word, &['=', '<', '>', '~'])),
        Manager::Pip => {
            let archive = [".whl", ".tar.gz", ".zip", ".tar.bz2"]
                .iter()
                .any(|e| ends_with_ignore_case(word, e));
            if is_path_or_url(word) || archive || word.contains('/') {
                return None;
            }
            Some(has_any(word, &['=', '<', '>', '~', '@']))
        }
        Manager::Npm => Some(npm_pinned(word)),
        Manager::Gem => (!is_path_or_url(word) && !ends_with_ignore_case(word, ".gem"))
            .then(|| word.split_once(':').is_some_and(|(_, v)| !v.is_empty())),
        Manager::Yum | Manager::Dnf => (!is_path_or_url(word)
            && !ends_with_ignore_case(word, ".rpm")
            && !word.starts_with('@'))
        .then(|| rpm_versioned(word) || word.contains('=')),
        Manager::Zypper => {
            (!is_path_or_url(word) && !ends_with_ignore_case(word, ".rpm") && !word.contains(':'))
                .then(|| has_any(word, &['=', '<', '>']))
        }
        Manager::Go => (!is_path_or_url(word) && word != "std" && word != "all")
            .then(|| word.split_once('@').is_some_and(|(_, v)| !floating(v))),
        Manager::Pacman => None,
    }
}

fn pin_hint(manager: Manager) -> &'static str {
    match manager {
        Manager::Apt | Manager::Apk | Manager::Zypper => "=<version>",
        Manager::Pip => "==<version>",
        Manager::Npm | Manager::Go => "@<version>",
        Manager::Gem => ":<version>",
        Manager::Yum | Manager::Dnf => "-<version>",
        Manager::Pacman => "",
    }
}

/// Whether the command as a whole pins its packages some other way.
fn pinned_elsewhere(command: &PackageCommand<'_>) -> bool {
    match command.manager {
        // A constraints file pins whatever it lists.
        Manager::Pip => command.has_option('c', "constraint"),
        // `zypper install -t pattern x` installs patterns, products or patches.
        Manager::Zypper => command
            .option_argument('t', "type")
            .and_then(|w| w.value.as_deref())
            .is_some_and(|t| !t.ends_with("package")),
        // `dnf group install`, `dnf module install`.
        Manager::Yum | Manager::Dnf => command
            .subcommand
            .and_then(|w| w.value.as_deref())
            .is_some_and(|s| s.starts_with("group") || s == "module"),
        _ => false,
    }
}

pub(crate) fn check(ctx: &DockerfileContext<'_>, out: &mut Vec<Diagnostic>) {
    for run in runs(ctx) {
        for (script, _, package) in run.packages() {
            if package.action != Action::Install
                || pinned_elsewhere(package)
                || package.subcommand.and_then(|s| s.value.as_deref()) == Some("build-dep")
            {
                continue;
            }
            // `gem install x -v 1.2` pins the first gem only (gem refuses `-v` with several).
            let gem_version = package.manager == Manager::Gem && package.has_option('v', "version");
            for (position, word) in package.packages.iter().enumerate() {
                let Some(value) = word.value.as_deref() else {
                    continue;
                };
                if gem_version && position == 0 {
                    continue;
                }
                if pinned(package, value) != Some(false) {
                    continue;
                }
                let hint = pin_hint(package.manager);
                // `x@latest` is pinned by replacing the floating reference.
                let base = value
                    .rsplit_once(['@', '#'])
                    .filter(|(name, reference)| !name.is_empty() && floating(reference))
                    .map_or(value, |(name, _)| name);
                let shown: String = if value.chars().count() > 60 {
                    let head: String = value.chars().take(57).collect();
                    format!("{head}...")
                } else {
                    value.to_owned()
                };
                out.push(
                    Diagnostic::new(
                        UnpinnedPackage::META,
                        script.source_range(word.range),
                        format!("`{shown}` is installed without a version pin"),
                    )
                    .with_fix(Fix::display_only(format!("pin a version: `{base}{hint}`"))),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UnpinnedPackage;
    use crate::rules::test::lines;

    #[test]
    fn pins_per_manager() {
        let meta = UnpinnedPackage::META;
        let fires = |cmd: &str| lines(meta, &format!("FROM a:1\nRUN {cmd}\n")).len();
        assert_eq!(fires("apt-get install -y a b=1 ./x.deb"), 1);
        assert_eq!(fires("apt-get install -y -t bookworm-backports a=1"), 0);
        assert_eq!(fires("apk add --no-cache --virtual .deps a b=1 c~1.2"), 1);
        assert_eq!(fires("pip install -r req.txt flask 'django>=4' ."), 1);
        assert_eq!(fires("pip install -c constraints.txt flask"), 0);
        assert_eq!(
            fires("npm install -g @angular/cli @scope/x@1 sax@latest y@1.2.3 ./local"),
            2
        );
        assert_eq!(
            fires("npm install git+https://github.com/a/b.git#v1 git://github.com/a/b"),
            1
        );
        assert_eq!(fires("npm ci"), 0);
        assert_eq!(fires("gem install bundler:2.0 rake"), 1);
        assert_eq!(fires("gem install grpc -v 1.0 blunder"), 1);
        assert_eq!(fires("yum install -y httpd-2.4 vim"), 1);
        assert_eq!(fires("dnf -y group install 'Development Tools'"), 0);
        assert_eq!(fires("zypper install -y httpd=2.4 vim"), 1);
        assert_eq!(
            fires("go install golang.org/x/tools/gopls@v0.16.0 example.com/x@latest ./cmd"),
            1
        );
        assert_eq!(fires("apt-get install -y $PACKAGES"), 0);
    }
}
