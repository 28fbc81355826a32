//! `container-runs-as-root`: a container whose process runs as root — `user: root`/`0`, or no
//! user at all with an image that does not set a non-root one.

use cofferdam_diagnostics::{Diagnostic, Fix, Severity, TextRange, declare_rule};

use crate::model::ImageRef;
use crate::model::container::{is_root_user, is_variable};
use crate::rules::ContainerContext;
use crate::rules::image::{ImageOrigin, image_origin};
use crate::rules::user::missing_user::is_nonroot_base;

declare_rule! {
    /// ## What it does
    /// Checks which user a container's process runs as. An explicit root user (`user: root`,
    /// `user: "0"`, `user: "0:0"`, `--user 0`) is reported at high severity. Without a user, the
    /// image decides:
    ///
    /// - an image built in the project (`build:`, or the `image:` another service builds) is
    ///   judged by the final stage of its Dockerfile: a non-root `USER` is fine, root or no
    ///   `USER` at all is reported at high severity, naming the Dockerfile;
    /// - a pulled image runs as its default user, which is root for almost every image:
    ///   reported at medium severity, because the image may set another user (images known to
    ///   default to a non-root user, distroless `:nonroot` and Chainguard's, are accepted).
    ///
    /// A user chosen at deploy time (`user: ${APP_UID}`, `--user "$UID"`) is unknown and not
    /// reported; one that resolves to root only through a fallback (`${APP_UID:-0}`) is
    /// reported at medium severity.
    ///
    /// For `docker inspect` output the engine has already merged the image's `USER` into
    /// `Config.User`, so an empty or root user is root for certain: high severity, at `User`.
    ///
    /// A named user (`user: app`) is accepted: the engine looks it up in the image's
    /// `/etc/passwd` and refuses to start when it is missing. Numeric ids are what
    /// `named-user` asks of Dockerfiles, because Kubernetes' `runAsNonRoot` cannot verify a
    /// name; compose and `docker run` have no such check. A non-root uid with group 0
    /// (`user: "10001:0"`, as OpenShift-style images expect) is accepted too: the root group
    /// grants access to group-owned files, not root's privileges.
    ///
    /// ## Why is this bad?
    /// Root in a container is root on the host's kernel: uid 0 owns every file the container
    /// can reach through a mount, keeps the default capabilities that non-root processes lose
    /// on `exec`, and turns any escape (a kernel bug, a mounted socket, a writable host path)
    /// into full control of the host. Most applications need no root at all once their files
    /// are owned by their user.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:1.4
    ///     user: root
    /// ```
    ///
    /// ```sh
    /// docker run -d --user 0 example/api:1.4
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: example/api:1.4
    ///     user: "10001:10001"
    /// ```
    ///
    /// ```sh
    /// docker run -d --user 10001:10001 example/api:1.4
    /// ```
    ///
    /// ## Fix safety
    /// Display-only: the application must be able to run as the new user (ownership of the
    /// files it writes, ports below 1024, an entrypoint that drops privileges itself, as the
    /// official database images do, needs `user:` to match the data directory's owner).
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/compose-file/services/#user>
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#user>
    /// - <https://docs.docker.com/engine/security/userns-remap/>
    /// - CIS Docker Benchmark 4.1
    pub struct ContainerRunsAsRoot {
        code: "USR004",
        name: "container-runs-as-root",
        category: User,
        severity: High,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [Cis "4.1"],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    if spec.image_settings_merged {
        merged(ctx, out);
        return;
    }
    if let Some(user) = spec
        .user
        .as_ref()
        .filter(|user| !user.value.trim().is_empty())
    {
        explicit_user(ctx, &user.value, user.range, out);
        return;
    }
    // A `user` key whose value could not be read is chosen at deploy time.
    if spec.set_at_deploy_time(&["user"]) {
        return;
    }
    let (message, severity, range) = match image_origin(ctx) {
        ImageOrigin::Built { config, builder } => {
            let range = match builder {
                None => spec.build.unwrap_or(spec.range),
                Some(_) => spec.anchor("user"),
            };
            let Some(config) = config else {
                let message = match builder {
                    None => "no `user:` is set and the Dockerfile of the image built here cannot be read; most images run as root".to_owned(),
                    Some(builder) => format!(
                        "no `user:` is set and the Dockerfile of the image `{builder}` builds cannot be read; most images run as root"
                    ),
                };
                push(
                    ctx,
                    out,
                    range,
                    message,
                    Severity::Medium,
                    built_fix(ctx, None),
                );
                return;
            };
            let source = match builder {
                None => format!("`{}`", config.described_in),
                Some(builder) => format!("`{}` (built by `{builder}`)", config.described_in),
            };
            let message = match config.user.as_deref() {
                Some(user) if is_variable(user) || !is_root_user(user) => return,
                Some(user) => {
                    format!("{source} ends with `USER {user}` and no `user:` overrides it")
                }
                None => {
                    format!("{source} sets no `USER`: the container usually runs as root")
                }
            };
            let fix = built_fix(ctx, Some(&config.described_in));
            (message, (Severity::High, fix), range)
        }
        ImageOrigin::Pulled => {
            let known_nonroot = spec.image.as_ref().is_some_and(|image| {
                !is_variable(&image.value) && is_nonroot_base(&ImageRef::parse(&image.value))
            });
            if known_nonroot {
                return;
            }
            let message = ctx.spelled(
                "no `user:` is set: the container runs as its image's default user, usually root",
                "no `--user` is set: the container runs as its image's default user, usually root",
            );
            let fix = Fix::display_only(ctx.spelled(
                "set `user:` to a non-root uid the image can run as, e.g. `user: \"10001:10001\"`, or use an image variant that runs unprivileged",
                "add `--user 10001:10001` (a non-root uid the image can run as), or use an image variant that runs unprivileged",
            ));
            (
                message.to_owned(),
                (Severity::Medium, fix),
                spec.anchor("user"),
            )
        }
    };
    let (severity, fix) = severity;
    push(ctx, out, range, message, severity, fix);
}

/// A container as the engine reports it: `Config.User` already holds the image's `USER` when
/// the container sets none (the engine merges it in at creation), so empty means root.
/// A user setting with the image's already merged in (inspect output): empty is root.
fn merged(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    let (range, message) = match &spec.user {
        Some(user) if !user.value.trim().is_empty() => {
            if !is_root_user(&user.value) {
                return;
            }
            (
                user.range,
                format!(
                    "the container runs as root (`User: {}`, set on the container or by its image)",
                    user.value.trim()
                ),
            )
        }
        // An image document given with the container (matched by id) has the last word when
        // the engine's merged configuration is empty.
        _ if spec
            .image_config
            .as_ref()
            .and_then(|image| image.user.as_deref())
            .is_some_and(|user| !is_root_user(user)) =>
        {
            return;
        }
        _ => (
            spec.anchor("user"),
            "the container runs as root: neither it nor its image sets a user".to_owned(),
        ),
    };
    let fix = Fix::display_only(ctx.spelled(
        "set `user:` to a non-root uid the image can run as, e.g. `user: \"10001:10001\"`, or end the image's Dockerfile with `USER 10001`",
        "recreate it with `--user 10001:10001` (a non-root uid the image can run as), or end the image's Dockerfile with `USER 10001`",
    ));
    push(ctx, out, range, message, Severity::High, fix);
}

/// `user: root`, `--user 0:0`, or a user chosen at deploy time.
fn explicit_user(
    ctx: &ContainerContext<'_>,
    user: &str,
    range: TextRange,
    out: &mut Vec<Diagnostic>,
) {
    if is_variable(user) || !is_root_user(user) {
        return;
    }
    let fix = Fix::display_only(ctx.spelled(
        "set `user:` to a non-root uid the image can run as, e.g. `user: \"10001:10001\"`",
        "use `--user 10001:10001` (a non-root uid the image can run as)",
    ));
    // Interpolation resolved a variable to root: the deployment may well set it.
    if is_variable(ctx.text(range)) {
        let message =
            format!("`user` resolves to root (`{user}`) unless the deployment sets its variable");
        push(ctx, out, range, message, Severity::Medium, fix);
        return;
    }
    let mut message = format!(
        "{} runs the container as root",
        ctx.spelled(&format!("`user: {user}`"), &format!("`--user {user}`"))
    );
    if let ImageOrigin::Built {
        config: Some(config),
        ..
    } = image_origin(ctx)
        && let Some(own) = config.user.as_deref().filter(|own| !is_root_user(own))
    {
        message.push_str(", overriding the image's `USER ");
        message.push_str(own);
        message.push('`');
    }
    push(ctx, out, range, message, Severity::High, fix);
}

fn built_fix(ctx: &ContainerContext<'_>, dockerfile: Option<&str>) -> Fix {
    let place = dockerfile.map_or_else(|| "the Dockerfile".to_owned(), |path| format!("`{path}`"));
    Fix::display_only(format!(
        "end {place} with `USER 10001` (a non-root uid that owns what the app writes), or {}",
        ctx.spelled(
            "set `user: \"10001:10001\"` on the service",
            "add `--user 10001:10001`"
        )
    ))
}

fn push(
    ctx: &ContainerContext<'_>,
    out: &mut Vec<Diagnostic>,
    range: TextRange,
    message: String,
    severity: Severity,
    fix: Fix,
) {
    out.push(
        ctx.diagnostic(ContainerRunsAsRoot::META, range, message)
            .with_severity(severity)
            .with_fix(fix),
    );
}

#[cfg(test)]
mod tests {
    use super::ContainerRunsAsRoot;
    use crate::rules::test::{compose_findings, compose_lines, graded};

    const RULE: &cofferdam_diagnostics::RuleMeta = ContainerRunsAsRoot::META;

    #[test]
    fn explicit_root_is_high_and_pulled_defaults_medium() {
        let text = "services:
  a:
    image: x:1
    user: root
  b:
    image: x:1
    user: \"0:0\"
  c:
    image: x:1
  d:
    image: x:1
    user: \"10001\"
  e:
    image: x:1
    user: \"1000:0\"
";
        assert_eq!(
            graded(RULE, text),
            [(4, "high"), (7, "high"), (8, "medium")]
        );
    }

    #[test]
    fn users_chosen_at_deploy_time_are_unknown() {
        let text = "services:
  a:
    image: x:1
    user: ${APP_UID}
  b:
    image: x:1
    user: \"$UID:$GID\"
  c:
    image: x:1
    user: ${APP_UID:-0}
";
        assert_eq!(graded(RULE, text), [(10, "medium")]);
    }

    #[test]
    fn known_non_root_images_are_accepted() {
        let text = "services:\n  a:\n    image: gcr.io/distroless/static:nonroot\n  b:\n    image: cgr.dev/chainguard/nginx:latest\n  c:\n    image: gcr.io/distroless/static:latest\n";
        assert_eq!(compose_lines(RULE, text), [6]);
    }

    #[test]
    fn built_images_are_judged_by_their_dockerfile() {
        let compose = "services:
  good:
    build: ./good
  root:
    build:
      context: ./root
  plain:
    build: ./plain
  worker:
    image: shop/plain:1
  unread:
    build: ./missing
  overridden:
    build: ./good
    user: root
";
        let compose = compose.replace(
            "  plain:\n    build: ./plain\n",
            "  plain:\n    build: ./plain\n    image: shop/plain:1\n",
        );
        let found = compose_findings(
            RULE,
            &[
                ("compose.yaml", &compose),
                ("good/Dockerfile", "FROM a:1\nUSER 10001\n"),
                ("root/Dockerfile", "FROM a:1\nUSER app\nUSER root\n"),
                ("plain/Dockerfile", "FROM a:1\nRUN true\n"),
            ],
        );
        let summary: Vec<(u32, &str)> = found
            .iter()
            .map(|(_, line, message)| (*line, message.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    5,
                    "`root/Dockerfile` ends with `USER root` and no `user:` overrides it"
                ),
                (
                    8,
                    "`plain/Dockerfile` sets no `USER`: the container usually runs as root"
                ),
                (
                    10,
                    "`plain/Dockerfile` (built by `plain`) sets no `USER`: the container usually runs as root"
                ),
                (
                    13,
                    "no `user:` is set and the Dockerfile of the image built here cannot be read; most images run as root"
                ),
                (
                    16,
                    "`user: root` runs the container as root, overriding the image's `USER 10001`"
                ),
            ]
        );
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-base: &base\n  user: \"0\"\nservices:\n  a:\n    <<: *base\n    image: x:1\n  b:\n    <<: *base\n    image: x:1\n    user: \"10001\"\n";
        assert_eq!(compose_lines(RULE, text), [2]);
    }
}
