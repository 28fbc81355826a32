//! `broad-device-cgroup-rule`: `device_cgroup_rules` lets the container open (and with `m`,
//! create) whole classes of host devices.

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::rules::ContainerContext;
use crate::rules::devices::classes::{CgroupRule, graded};

declare_rule! {
    /// ## What it does
    /// Checks `device_cgroup_rules` (`--device-cgroup-rule`, `HostConfig.DeviceCgroupRules`)
    /// for rules that allow dangerous devices, by type and major:minor number:
    ///
    /// | rule | devices | severity |
    /// |---|---|---|
    /// | `a …` | every device | critical |
    /// | `b …` (except loop, major 7) | disks | critical |
    /// | `c *:…` | every character device | critical |
    /// | `c 1:*`, `c 1:1`, `c 1:2`, `c 1:4` | `/dev/mem`, `/dev/kmem`, `/dev/port` | critical |
    /// | `c 202:…` | CPU model-specific registers | critical |
    /// | `c 1:11` | `/dev/kmsg` | high |
    /// | `c 4:*`, `c 4:0`–`c 4:63`, `c 5:1`, `c 7:…` | consoles | high |
    /// | `c 13:…`, `c 10:223` | input devices, `/dev/uinput` | high |
    /// | `b 7:…`, `c 10:237` | loop devices, `/dev/loop-control` | high |
    /// | `c 10:*` | every misc device | medium |
    /// | `c 29:…` | framebuffers | medium |
    ///
    /// Rules granted read but not write (`r`, `rm`) are one step lower when critical; rules
    /// with neither `r` nor `w` (only `m`) are not reported. Rules for specific harmless or
    /// commonly needed devices (`c 1:3` `/dev/null`, `c 10:229` fuse, `c 189:* rwm` for USB
    /// hot-plugging, `c 226:*` DRM, `c 116:*` sound) are fine.
    ///
    /// ## Why is this bad?
    /// A device cgroup rule decides which device numbers the container may open, and with
    /// `m` create nodes for. With the `MKNOD` capability that Docker grants by default, a
    /// container allowed `b *:* rwm` runs `mknod /tmp/d b 8 0` and reads or rewrites the host's
    /// disk; `c 1:1 rw` does the same for physical memory. `a *:* rwm` is the device access
    /// of a privileged container. Unlike `devices:`, the rules also cover devices that appear
    /// later, so they are easy to make far broader than the one device that was meant.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   camera:
    ///     image: example/camera:1.0
    ///     device_cgroup_rules: ["a *:* rwm"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   camera:
    ///     image: example/camera:1.0
    ///     device_cgroup_rules: ["c 81:* rmw"]
    /// ```
    ///
    /// Allow the one major number of the device class the workload drives (81 is video
    /// capture), and drop `MKNOD` (`cap_drop: [ALL]`) unless the container creates the nodes.
    ///
    /// ## Fix safety
    /// Display-only: which device numbers the workload opens must be established.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#device-cgroup-rule>
    /// - <https://www.kernel.org/doc/html/latest/admin-guide/devices.html>
    /// - <https://www.kernel.org/doc/html/latest/admin-guide/cgroup-v1/devices.html>
    pub struct BroadDeviceCgroupRule {
        code: "DEV002",
        name: "broad-device-cgroup-rule",
        category: Devices,
        severity: High,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [],
    }
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for text in &ctx.spec.device_cgroup_rules {
        let Some(rule) = CgroupRule::parse(&text.value) else {
            continue;
        };
        let Some(class) = rule.class() else {
            continue;
        };
        let Some(severity) = graded(class, rule.permissions) else {
            continue;
        };
        let creates = if rule.permissions.contains('m') {
            ", nodes created at will"
        } else {
            ""
        };
        let message = format!(
            "`{}` opens {}{creates}",
            text.value.split_whitespace().collect::<Vec<_>>().join(" "),
            class.effect()
        );
        out.push(
            ctx.diagnostic(BroadDeviceCgroupRule::META, text.range, message)
                .with_severity(severity)
                .with_fix(Fix::display_only(ctx.spelled(
                    "allow only the major:minor numbers of the device the service drives, and \
                     drop `m` unless it must create the node",
                    "allow only the major:minor numbers of the device the container drives, and \
                     drop `m` unless it must create the node",
                ))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::BroadDeviceCgroupRule;
    use crate::rules::test::graded;
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn graded_by_class_and_permission() {
        let text = "services:\n  a:\n    device_cgroup_rules:\n      - \"a *:* rwm\"\n      - \"b 8:* r\"\n      - \"c 13:* rw\"\n      - \"c 10:* rwm\"\n      - \"c *:* m\"\n      - \"c 189:* rmw\"\n";
        assert_eq!(
            graded(BroadDeviceCgroupRule::META, text),
            [(4, "critical"), (5, "high"), (6, "high"), (7, "medium")]
        );
    }

    #[test]
    fn messages_quote_the_rule() {
        let found = compose_findings(
            BroadDeviceCgroupRule::META,
            &[(
                "compose.yaml",
                "services:\n  a:\n    device_cgroup_rules: [\"b *:* rwm\"]\n",
            )],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].2,
            "`b *:* rwm` opens raw access to a host disk, every file on it whatever its permissions, nodes created at will"
        );
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text =
            "x-all: &all\n  device_cgroup_rules: [\"c *:* rwm\"]\nservices:\n  a:\n    <<: *all\n";
        assert_eq!(compose_lines(BroadDeviceCgroupRule::META, text), [2]);
    }
}
