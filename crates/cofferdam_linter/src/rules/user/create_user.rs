//! The non-root user that `missing-user` and `last-user-root` switch the final stage to, and the
//! edits that do it.
//!
//! A user that the shipped stages already create (`useradd` or `adduser` in a `RUN`) is reused:
//! by the uid its command gives, or, when the command gives none and is written plainly, with
//! `--uid 10001` (`-u 10001` for busybox `adduser`) added to it. Otherwise a user `app` with uid
//! and gid 10001 is created with the tools of the base image's family: `addgroup`/`adduser` on
//! Alpine and busybox, `groupadd`/`useradd` on Debian, Ubuntu and the RHEL family. Images
//! without a shell get only a numeric `USER`: distroless and Chainguard images switch to the
//! `nonroot` user they ship (65532), `scratch` images to 10001, which needs no passwd entry. An
//! image whose family cannot be told from its reference (a variable, a private or Windows image,
//! a `-minimal` variant without `useradd`) gets no edit, only the suggestion.
//!
//! The new `USER` is numeric, so that `named-user` stays quiet and Kubernetes' `runAsNonRoot`
//! can check it. It goes after the last step that runs a command or creates files (`RUN`,
//! `COPY`, `ADD`, `WORKDIR`, `USER`), so that no build step changes user, and before the `CMD`
//! or `ENTRYPOINT` that follows them, above the comment lines directly over it. The lines use the
//! file's line endings and the indentation of the instruction they are placed next to.

use cofferdam_diagnostics::{Edit, Fix};

use crate::model::{Base, ImageRef, Stage};
use crate::rules::{DockerfileContext, RunScript};
use crate::syntax::dockerfile::{Instruction, InstructionKind, Keyword, ShellOrExec, Word};
use crate::syntax::shell::{CommandView, SHELLS, ShellWord};

/// The uid and gid of a user the fix creates or pins.
const NEW_ID: &str = "10001";

/// The uid and gid of the `nonroot` user in distroless and Chainguard images.
const NONROOT_ID: &str = "65532";

/// How a new user can be created, by base image family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    /// Alpine and busybox: busybox's `addgroup` and `adduser`.
    Busybox,
    /// Debian, Ubuntu and the RHEL family: shadow-utils `groupadd` and `useradd`.
    Shadow,
    /// Distroless and Chainguard: no shell, and a `nonroot` user with uid and gid 65532.
    Distroless,
    /// `scratch`: no shell and no user database.
    Scratch,
    /// Not known from the image reference: no edit.
    Unknown,
}

/// Official images built on Debian or Ubuntu (most of Docker Hub's language and server images)
/// or on the RHEL family, all of which ship `groupadd` and `useradd`.
const SHADOW_IMAGES: &[&str] = &[
    "almalinux",
    "buildpack-deps",
    "centos",
    "debian",
    "eclipse-temurin",
    "elixir",
    "erlang",
    "fedora",
    "gradle",
    "golang",
    "haskell",
    "httpd",
    "julia",
    "maven",
    "nginx",
    "node",
    "openjdk",
    "perl",
    "php",
    "postgres",
    "python",
    "r-base",
    "redis",
    "rockylinux",
    "ruby",
    "rust",
    "tomcat",
    "ubi8",
    "ubi9",
    "ubi10",
    "ubuntu",
];

/// Namespaced repositories of the RHEL family with `groupadd` and `useradd`.
const SHADOW_REPOSITORIES: &[&str] = &[
    "ubi8/ubi",
    "ubi9/ubi",
    "ubi10/ubi",
    "redhat/ubi8",
    "redhat/ubi9",
    "redhat/ubi10",
    "fedora/fedora",
    "rockylinux/rockylinux",
];

/// Debian and Ubuntu release names, which tags of images built on them carry (`-bookworm`).
const DEBIAN_RELEASES: &[&str] = &[
    "bookworm", "bullseye", "buster", "trixie", "focal", "jammy", "noble",
];

/// Tag or name parts of variants that lack a shell or `useradd` (`ubi9-minimal`,
/// `9-minimal`, `8.0-jammy-chiseled`) or are Windows images.
const WITHOUT_USER_TOOLS: &[&str] = &[
    "minimal",
    "micro",
    "chiseled",
    "distroless",
    "oracle",
    "nanoserver",
    "servercore",
    "windowsservercore",
    "ltsc",
];

/// The fix that makes the final stage run as a non-root user, unsafe because the application
/// may need root (files it writes, ports below 1024). `root_user` is the final stage's own
/// `USER` that sets root (its index among the stage's instructions, and its word), which is
/// rewritten in place when no user has to be created and no step after it runs a command.
/// Display-only with `fallback` when no user can be chosen.
pub(crate) fn run_as_non_root(
    ctx: &DockerfileContext<'_>,
    root_user: Option<(usize, &Word)>,
    fallback: &str,
) -> Fix {
    let Some(stage) = ctx.model.final_stage() else {
        return Fix::display_only(fallback);
    };
    let Some(target) = target(ctx) else {
        return Fix::display_only(fallback);
    };
    let newline = if ctx.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut edits: Vec<Edit> = target.pin.clone().into_iter().collect();
    let in_place = root_user.filter(|&(index, _)| {
        target.create.is_none()
            && !stage.instructions[index + 1..]
                .iter()
                .any(|instruction| runs_as_user(instruction.keyword))
    });
    let value = if let Some((index, word)) = in_place {
        let value = target.user_value(ctx, stage.index, index);
        edits.push(Edit::replace(word.range, value.clone()));
        value
    } else {
        let anchor = anchor(ctx, stage);
        let value = target.user_value(ctx, stage.index, anchor.index);
        let user = format!("USER {value}");
        let lines: Vec<&str> = target
            .create
            .iter()
            .map(String::as_str)
            .chain([user.as_str()])
            .collect();
        edits.push(anchor.insert(&lines, newline));
        value
    };
    Fix::unsafe_edits(format!("{}: `USER {value}`", target.description), edits)
}

/// Whether the final stage is built on a Windows image (or uses the backtick escape of Windows
/// Dockerfiles), where Linux user ids and `--chown` do not apply.
pub(crate) fn is_windows_base(ctx: &DockerfileContext<'_>) -> bool {
    ctx.file.escape == '`'
        || base_image(ctx).is_some_and(|image| {
            image
                .text
                .to_ascii_lowercase()
                .split(['/', ':', '-', '_', '.'])
                .any(|part| {
                    ["windows", "nanoserver", "servercore", "ltsc"]
                        .iter()
                        .any(|marker| part.starts_with(marker))
                })
        })
}

/// The user the final stage switches to.
struct Target {
    /// The `RUN` line that creates the user, when the image does not have one yet.
    create: Option<String>,
    /// The uid as the fix writes it.
    uid: String,
    /// The gid, for a user the fix creates (the passwd entry gives an existing user's group).
    gid: Option<&'static str>,
    /// The build variable the uid is read from (`useradd -u "$UID"`), to be written as `${UID}`
    /// where it has the same value, so that `--build-arg UID=…` changes both.
    variable: Option<String>,
    /// An edit that gives an existing user the uid, when its command gives none.
    pin: Option<Edit>,
    /// What the fix does, before the `USER` it writes.
    description: String,
}

impl Target {
    /// The `USER` value at instruction `index` of stage `stage`.
    fn user_value(&self, ctx: &DockerfileContext<'_>, stage: usize, index: usize) -> String {
        let uid = match &self.variable {
            Some(name)
                if ctx.model.scope(stage, index).get(name) == Some(Some(self.uid.as_str())) =>
            {
                format!("${{{name}}}")
            }
            _ => self.uid.clone(),
        };
        match self.gid {
            Some(gid) => format!("{uid}:{gid}"),
            None => uid,
        }
    }
}

/// Chooses the user: one the build creates, else a new one for the image's family.
fn target(ctx: &DockerfileContext<'_>) -> Option<Target> {
    let family = family(ctx);
    if let Some(existing) = existing_user(ctx, family) {
        return match existing {
            Existing::Uid { uid, variable } => Some(Target {
                description: "switch to the user that the build creates, by its uid".to_owned(),
                create: None,
                uid,
                gid: None,
                variable,
                pin: None,
            }),
            Existing::NoUid(Some(pin)) => Some(Target {
                description: format!(
                    "give the user that the build creates uid {NEW_ID} and switch to it"
                ),
                create: None,
                uid: NEW_ID.to_owned(),
                gid: None,
                variable: None,
                pin: Some(pin),
            }),
            Existing::NoUid(None) | Existing::Unknown => None,
        };
    }
    let (create, uid, description) = match family {
        Family::Busybox => (
            Some(format!(
                "RUN addgroup -S -g {NEW_ID} app && adduser -S -D -H -u {NEW_ID} -G app app"
            )),
            NEW_ID,
            format!("create user `app` (uid {NEW_ID}) with `addgroup`/`adduser` and switch to it"),
        ),
        Family::Shadow => (
            Some(format!(
                "RUN groupadd --system --gid {NEW_ID} app && useradd --system --uid {NEW_ID} --gid app --no-create-home --shell /usr/sbin/nologin app"
            )),
            NEW_ID,
            format!("create user `app` (uid {NEW_ID}) with `groupadd`/`useradd` and switch to it"),
        ),
        Family::Distroless => (
            None,
            NONROOT_ID,
            "switch to the image's `nonroot` user".to_owned(),
        ),
        Family::Scratch => (
            None,
            NEW_ID,
            "switch to a numeric non-root user, which needs no passwd entry".to_owned(),
        ),
        Family::Unknown => return None,
    };
    Some(Target {
        create,
        uid: uid.to_owned(),
        gid: Some(uid),
        variable: None,
        pin: None,
        description,
    })
}

/// The image the final stage is built on, following `FROM <stage>`; `None` for `scratch` and
/// for references with unresolved variables.
fn base_image<'a>(ctx: &'a DockerfileContext<'_>) -> Option<&'a ImageRef> {
    let root = *ctx.model.shipped_stages().last()?;
    match &ctx.model.stages[root].base {
        Base::Image {
            image,
            unresolved: false,
            ..
        } => Some(image),
        _ => None,
    }
}

/// The family of the image the final stage is built on. A `SHELL` that is not a POSIX shell
/// cannot run the `&&` of a creation line, so the family is then unknown.
fn family(ctx: &DockerfileContext<'_>) -> Family {
    let chain = ctx.model.shipped_stages();
    let Some(&root) = chain.last() else {
        return Family::Unknown;
    };
    let family = match (&ctx.model.stages[root].base, base_image(ctx)) {
        (Base::Scratch, _) => Family::Scratch,
        (_, Some(image)) => image_family(image),
        _ => Family::Unknown,
    };
    let posix_shell = chain
        .iter()
        .flat_map(|&stage| ctx.model.stages[stage].instructions)
        .all(|instruction| match &instruction.kind {
            InstructionKind::Shell(ShellOrExec::Exec { args, .. }) => {
                args.first().is_some_and(|program| {
                    SHELLS.contains(&program.raw.rsplit('/').next().unwrap_or_default())
                })
            }
            _ => true,
        });
    if is_windows_base(ctx) || (!posix_shell && matches!(family, Family::Busybox | Family::Shadow))
    {
        Family::Unknown
    } else {
        family
    }
}

/// The family an image reference names. Docker Hub's official images are recognised by name,
/// in any registry that mirrors them unnamespaced (`python`, `library/python`); other images
/// only by a tag naming their base (`-alpine`, `-bookworm`).
fn image_family(image: &ImageRef) -> Family {
    let registry = image
        .registry
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let repository = image.repository.to_ascii_lowercase();
    let tag = image
        .tag
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if (registry == "gcr.io" && repository.starts_with("distroless/")) || registry == "cgr.dev" {
        return Family::Distroless;
    }
    let short = repository.rsplit('/').next().unwrap_or_default();
    let parts = |text: &str| -> Vec<String> {
        text.split(['-', '_', '.'])
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let tag_parts = parts(&tag);
    let without_tools = tag_parts
        .iter()
        .chain(parts(short).iter())
        .any(|part| WITHOUT_USER_TOOLS.iter().any(|m| part.starts_with(m)))
        || repository.contains("windows");
    if without_tools {
        return Family::Unknown;
    }
    let official = repository
        .strip_prefix("docker/library/")
        .or_else(|| repository.strip_prefix("library/"))
        .unwrap_or(&repository);
    let official = (!official.contains('/')).then_some(official);
    if official.is_some_and(|name| name == "alpine" || name == "busybox")
        || tag_parts.iter().any(|part| part.starts_with("alpine"))
    {
        return Family::Busybox;
    }
    if official.is_some_and(|name| SHADOW_IMAGES.contains(&name))
        || SHADOW_REPOSITORIES.contains(&repository.as_str())
        || tag_parts
            .iter()
            .any(|part| DEBIAN_RELEASES.contains(&part.as_str()))
    {
        return Family::Shadow;
    }
    Family::Unknown
}

/// A user that a `RUN` of the shipped stages creates.
enum Existing {
    /// Its uid as the command gives it, literally or through a build variable with a value.
    Uid {
        uid: String,
        variable: Option<String>,
    },
    /// The command gives no uid; the edit adds one when the command is written plainly enough.
    NoUid(Option<Edit>),
    /// The command gives a uid that is not known statically.
    Unknown,
}

/// The last non-root user that the shipped stages create, in build order.
fn existing_user(ctx: &DockerfileContext<'_>, family: Family) -> Option<Existing> {
    let mut found = None;
    for (script, view, program) in user_commands(ctx) {
        // `adduser app audio` adds an existing user to a group.
        if program == "adduser" && operands(view.args).len() >= 2 {
            continue;
        }
        let existing = if let Some((raw, value)) = uid_argument(view.args) {
            match resolve_uid(ctx, script, &raw, value.as_deref()) {
                Some((uid, _)) if uid.bytes().all(|b| b == b'0') => continue,
                Some((uid, variable)) => Existing::Uid { uid, variable },
                None => Existing::Unknown,
            }
        } else {
            let name = script.source_range(view.name.range);
            let option = match (program, family) {
                ("useradd", _) | ("adduser", Family::Shadow) => Some("--uid"),
                ("adduser", Family::Busybox) => Some("-u"),
                _ => None,
            };
            let plain = view.command.script_depth == 0 && ctx.slice(name) == view.name.raw;
            Existing::NoUid(
                option
                    .filter(|_| plain)
                    .map(|option| Edit::insert(name.end(), format!(" {option} {NEW_ID}"))),
            )
        };
        found = Some(existing);
    }
    found
}

/// Every `useradd`/`adduser` that the shipped stages run, in build order, with its program
/// name. `ONBUILD RUN` triggers run in the images built from this one, not in this build.
fn user_commands<'a>(
    ctx: &DockerfileContext<'a>,
) -> impl Iterator<Item = (&'a RunScript<'a>, CommandView<'a>, &'a str)> {
    let chain = ctx.model.shipped_stages();
    let model = ctx.model;
    ctx.scripts
        .iter()
        .filter(move |script| {
            chain.contains(&script.stage)
                && model.stages[script.stage].instructions[script.index].keyword == Keyword::Run
        })
        .flat_map(|script| {
            script.script.commands.iter().filter_map(move |command| {
                let view = command.unwrapped();
                let program @ ("useradd" | "adduser") = view.program()? else {
                    return None;
                };
                Some((script, view, program))
            })
        })
}

/// The uid the shipped stages give user `name` when they create it (`useradd -u 10001 name`,
/// `adduser -D -u 10001 name`, the uid literal or a build variable with a value); `None` when
/// no command creates it or its uid is not known statically.
pub(crate) fn created_uid(ctx: &DockerfileContext<'_>, name: &str) -> Option<String> {
    let mut found = None;
    for (script, view, _) in user_commands(ctx) {
        // The login is the one operand (`adduser name group` only adds to a group).
        if operands(view.args).as_slice() != [name] {
            continue;
        }
        found = uid_argument(view.args)
            .and_then(|(raw, value)| resolve_uid(ctx, script, &raw, value.as_deref()))
            .map(|(uid, _)| uid);
    }
    found
}

/// The operands of a `useradd`/`adduser` command (shadow-utils', Debian's or busybox's), in
/// order: the words that are neither options nor the value of an option that takes one.
fn operands(args: &[ShellWord]) -> Vec<&str> {
    const WITH_VALUE: &[&str] = &[
        "-h",
        "-g",
        "-s",
        "-G",
        "-u",
        "-k",
        "-d",
        "-c",
        "-e",
        "-f",
        "-K",
        "-p",
        "-b",
        "-Z",
        "--home",
        "--home-dir",
        "--shell",
        "--uid",
        "--gid",
        "--groups",
        "--ingroup",
        "--gecos",
        "--comment",
        "--conf",
        "--base-dir",
        "--expiredate",
        "--inactive",
        "--key",
        "--password",
        "--skel",
        "--selinux-user",
        "--firstuid",
        "--lastuid",
        "--firstgid",
        "--lastgid",
    ];
    let mut found = Vec::new();
    let mut takes_value = false;
    for word in args {
        let text = word.value.as_deref().unwrap_or(&word.raw);
        if takes_value {
            takes_value = false;
        } else if text.starts_with('-') {
            takes_value = WITH_VALUE.contains(&text);
        } else {
            found.push(text);
        }
    }
    found
}

/// The uid argument of a `useradd`/`adduser` command: the word after `-u` or `--uid`, or the
/// rest of `-u10001` or `--uid=10001`, as `(raw text, literal value)`.
fn uid_argument(args: &[ShellWord]) -> Option<(String, Option<String>)> {
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let flag = word.value.as_deref().unwrap_or(&word.raw);
        if flag == "-u" || flag == "--uid" {
            return Some(words.next().map_or((String::new(), None), |uid| {
                (uid.raw.clone(), uid.value.clone())
            }));
        }
        // `--uid` never matches the `-u` prefix, so the order does not matter.
        for prefix in ["--uid=", "-u"] {
            if let Some(raw) = word.raw.strip_prefix(prefix)
                && !raw.is_empty()
            {
                let value = word
                    .value
                    .as_deref()
                    .and_then(|value| value.strip_prefix(prefix))
                    .map(str::to_owned);
                return Some((raw.to_owned(), value));
            }
        }
    }
    None
}

/// A uid argument's value when it is a number, written literally or as a build variable
/// (`$UID`, `"${UID}"`) with a value where the `RUN` runs: `(uid, variable)`.
fn resolve_uid(
    ctx: &DockerfileContext<'_>,
    script: &RunScript<'_>,
    raw: &str,
    value: Option<&str>,
) -> Option<(String, Option<String>)> {
    let numeric = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if let Some(value) = value {
        return numeric(value).then(|| (value.to_owned(), None));
    }
    let unquoted = raw
        .strip_prefix('"')
        .and_then(|raw| raw.strip_suffix('"'))
        .unwrap_or(raw);
    let name = unquoted
        .strip_prefix("${")
        .and_then(|name| name.strip_suffix('}'))
        .or_else(|| unquoted.strip_prefix('$'))?;
    let valid = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !valid {
        return None;
    }
    let scope = ctx.model.scope(script.stage, script.index);
    let value = scope.get(name)??;
    numeric(value).then(|| (value.to_owned(), Some(name.to_owned())))
}

/// Whether an instruction runs a command or creates files as the current user.
fn runs_as_user(keyword: Keyword) -> bool {
    matches!(
        keyword,
        Keyword::Run | Keyword::Copy | Keyword::Add | Keyword::Workdir
    )
}

/// Where new lines go in the final stage.
struct Anchor {
    /// The index of the instruction the lines go before (the number of instructions when they
    /// go at the end of the stage): where the new `USER` takes its variables from.
    index: usize,
    /// The byte offset of the insertion.
    offset: u32,
    /// Whether each line is followed by a line break (inserted at a line start) rather than
    /// preceded by one (inserted after the stage's last instruction).
    before: bool,
    indent: String,
}

impl Anchor {
    fn insert(&self, lines: &[&str], newline: &str) -> Edit {
        let mut text = String::new();
        for line in lines {
            if !self.before {
                text.push_str(newline);
            }
            text.push_str(&self.indent);
            text.push_str(line);
            if self.before {
                text.push_str(newline);
            }
        }
        Edit::insert(self.offset, text)
    }
}

/// After the last instruction that runs as the current user or switches it, before the first
/// `CMD`/`ENTRYPOINT` after it (above the comment lines directly over it), else after the last
/// instruction of the stage.
fn anchor(ctx: &DockerfileContext<'_>, stage: &Stage<'_>) -> Anchor {
    let instructions = stage.instructions;
    let steps_end = instructions
        .iter()
        .rposition(|instruction| {
            runs_as_user(instruction.keyword) || instruction.keyword == Keyword::User
        })
        .map_or(0, |position| position + 1);
    let start = instructions[steps_end..]
        .iter()
        .position(|instruction| matches!(instruction.keyword, Keyword::Cmd | Keyword::Entrypoint))
        .map(|position| position + steps_end);
    let Some(index) = start else {
        let last = instructions.last().unwrap_or(stage.from);
        return Anchor {
            index: instructions.len(),
            offset: last.range.end(),
            before: false,
            indent: indent(ctx.text, last),
        };
    };
    let instruction = &instructions[index];
    let previous_end = match index {
        0 => stage.from.range.end(),
        _ => instructions[index - 1].range.end(),
    } as usize;
    let mut offset = line_start(ctx.text, instruction.range.start() as usize);
    while offset > 0 {
        let above = line_start(ctx.text, offset - 1);
        if above <= previous_end || !ctx.text[above..offset].trim_start().starts_with('#') {
            break;
        }
        offset = above;
    }
    Anchor {
        index,
        offset: offset as u32,
        before: true,
        indent: indent(ctx.text, instruction),
    }
}

/// The start of the line holding byte `offset`.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |newline| newline + 1)
}

/// The blanks before an instruction's keyword on its line.
fn indent(text: &str, instruction: &Instruction) -> String {
    let start = instruction.range.start() as usize;
    text[line_start(text, start)..start].to_owned()
}

#[cfg(test)]
pub(crate) mod test {
    //! Checks shared by the fix tests of `missing-user` and `last-user-root`.

    use cofferdam_diagnostics::{Applicability, RuleMeta, SourceFile};

    use crate::rules::build::copy_without_chown::CopyWithoutChown;
    use crate::rules::test::lint;
    use crate::rules::user::last_user_root::LastUserRoot;
    use crate::rules::user::missing_user::MissingUser;
    use crate::rules::user::named_user::NamedUser;
    use crate::syntax::dockerfile::parse;
    use crate::{Settings, lint_dockerfile};

    /// Applies the one fix `rule` offers on `text` and returns the result, after checking that
    /// the fix is unsafe, that the result parses and keeps every comment, that none of the user
    /// rules fires on it, that it raises no more `copy-without-chown` findings than `text`, and
    /// that linting it again offers nothing more to apply (a fixed point).
    pub(crate) fn fixed(rule: &RuleMeta, text: &str) -> String {
        let found = lint(rule, text);
        assert_eq!(found.len(), 1, "{text:?}");
        let fix = found[0].fix.as_ref().expect("a fix");
        assert_eq!(
            fix.applicability,
            Applicability::Unsafe,
            "{}",
            fix.description
        );
        let fixed = fix.apply(text).expect("edits do not overlap");
        let file = parse(&fixed);
        assert!(file.errors.is_empty(), "{fixed:?}: {:?}", file.errors);
        let comments = |text: &str| -> Vec<String> {
            parse(text)
                .comments
                .iter()
                .map(|range| text[range.to_std()].trim_end().to_owned())
                .collect()
        };
        assert_eq!(comments(text), comments(&fixed), "{fixed:?}");
        let user_rules = [LastUserRoot::META, MissingUser::META, NamedUser::META];
        let selection: Vec<String> = user_rules.iter().map(|rule| rule.code.to_owned()).collect();
        let settings = Settings::default()
            .with_selection(&selection, &[], &[])
            .expect("registered rules");
        let again =
            lint_dockerfile(&SourceFile::new("Dockerfile", fixed.as_str()), &settings).diagnostics;
        assert!(
            again.is_empty(),
            "{fixed:?} still raises {:?}",
            again.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
        assert!(
            lint(CopyWithoutChown::META, &fixed).len() <= lint(CopyWithoutChown::META, text).len(),
            "{fixed:?} raises copy-without-chown"
        );
        fixed
    }

    /// The description of the display-only fix `rule` offers on `text`.
    pub(crate) fn display_only(rule: &RuleMeta, text: &str) -> String {
        let found = lint(rule, text);
        assert_eq!(found.len(), 1, "{text:?}");
        let fix = found[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, Applicability::DisplayOnly, "{text:?}");
        assert!(fix.edits.is_empty());
        fix.description.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::{Family, image_family};
    use crate::model::ImageRef;

    #[test]
    fn families_from_image_references() {
        let family = |text: &str| image_family(&ImageRef::parse(text));
        assert_eq!(family("alpine:3.20"), Family::Busybox);
        assert_eq!(family("busybox:1.36"), Family::Busybox);
        assert_eq!(family("node:22-alpine3.20"), Family::Busybox);
        assert_eq!(family("ghcr.io/acme/base:1.4-alpine"), Family::Busybox);
        assert_eq!(family("python:3.12-slim"), Family::Shadow);
        assert_eq!(family("docker.io/library/debian:12"), Family::Shadow);
        assert_eq!(
            family("registry.access.redhat.com/ubi9/ubi:9.4"),
            Family::Shadow
        );
        assert_eq!(
            family("mcr.microsoft.com/dotnet/aspnet:8.0-bookworm-slim"),
            Family::Shadow
        );
        assert_eq!(
            family("gcr.io/distroless/base-debian12"),
            Family::Distroless
        );
        assert_eq!(
            family("cgr.dev/chainguard/python:latest"),
            Family::Distroless
        );
        assert_eq!(family("rockylinux:9-minimal"), Family::Unknown);
        assert_eq!(
            family("registry.access.redhat.com/ubi9/ubi-minimal"),
            Family::Unknown
        );
        assert_eq!(
            family("mcr.microsoft.com/dotnet/runtime:8.0-jammy-chiseled"),
            Family::Unknown
        );
        assert_eq!(
            family("mcr.microsoft.com/windows/servercore:ltsc2022"),
            Family::Unknown
        );
        assert_eq!(family("bitnami/python:3.12"), Family::Unknown);
        assert_eq!(family("ghcr.io/acme/base:1.4"), Family::Unknown);
    }
}
