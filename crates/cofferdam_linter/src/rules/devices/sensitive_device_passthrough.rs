//! `sensitive-device-passthrough`: `devices:` hands the container a host device that reaches
//! far beyond what a workload needs (a disk, physical memory, the whole /dev, consoles).

use cofferdam_diagnostics::{Diagnostic, Fix, declare_rule};

use crate::model::container::is_variable;
use crate::rules::ContainerContext;
use crate::rules::devices::classes::{Class, by_path, graded};

declare_rule! {
    /// ## What it does
    /// Checks `devices:` (`--device`, `HostConfig.Devices`), in short (`/dev/sda:/dev/xvda:rwm`)
    /// and long syntax, for host devices that give a container power over the host, graded by
    /// what the device is:
    ///
    /// | host device | severity |
    /// |---|---|
    /// | the whole `/dev` | critical |
    /// | disks and partitions: `/dev/sd*`, `/dev/hd*`, `/dev/vd*`, `/dev/xvd*`, `/dev/nvme*`, `/dev/mmcblk*`, `/dev/md*`, `/dev/dm-*`, `/dev/mapper/*`, `/dev/disk/*` | critical |
    /// | `/dev/mem`, `/dev/kmem`, `/dev/port`; `/dev/cpu/*/msr` | critical |
    /// | `/dev/kmsg`; `/dev/input/*`, `/dev/uinput`; consoles `/dev/tty<N>`, `/dev/console`, `/dev/vcs*`; `/dev/loop*` | high |
    /// | framebuffers `/dev/fb*`, `/dev/watchdog*`, a whole USB bus (`/dev/bus/usb`, `/dev/bus/usb/001`), `/dev/vfio/*` | medium |
    ///
    /// A critical device granted without write permission (`:r`) is graded high (reading a
    /// disk still reads every file on it); a device granted neither `r` nor `w` (only `m`)
    /// is not reported. Devices that workloads commonly and reasonably need are not reported:
    /// `/dev/fuse`, `/dev/net/tun`, `/dev/dri/*`, `/dev/snd`, `/dev/kvm`, GPUs
    /// (`/dev/nvidia*`), video capture, serial adapters (`/dev/ttyUSB*`, `/dev/ttyACM*`) and a
    /// single USB device (`/dev/bus/usb/001/004`). The `m` (mknod) permission that Docker
    /// grants by default on each mapping covers only that device's own number, so it is not
    /// reported here; wildcard rules are `broad-device-cgroup-rule`'s concern.
    ///
    /// ## Why is this bad?
    /// A device node bypasses everything else that confines a container. With a raw disk,
    /// root in the container reads `/etc/shadow` and SSH keys and writes a cron job or a
    /// setuid binary into the host's filesystem without ever mounting it; with `/dev/mem` or
    /// `/dev/port` it reads and changes host memory and hardware; with input devices and
    /// consoles it reads and injects the keystrokes of the host's users. Passing `/dev`
    /// whole hands over all of that at once, including devices plugged in later.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: example/backup:2.3
    ///     devices: ["/dev/sda:/dev/sda"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: example/backup:2.3
    ///     volumes: ["/srv/data:/data:ro"]
    /// ```
    ///
    /// Mount the files the container needs instead of the disk they live on; pass only the
    /// specific device a workload drives (`/dev/dri/renderD128`, not `/dev/dri` and `/dev`).
    ///
    /// ## Fix safety
    /// Display-only: what the workload really needs from the device must be established.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#device>
    /// - <https://docs.docker.com/reference/compose-file/services/#devices>
    /// - <https://www.kernel.org/doc/html/latest/admin-guide/devices.html>
    pub struct SensitiveDevicePassthrough {
        code: "DEV001",
        name: "sensitive-device-passthrough",
        category: Devices,
        severity: High,
        inputs: [Compose, RunLine, Inspect, ApiRequest],
        fix: DisplayOnly,
        aliases: [],
    }
}

/// How this rule grades a host device node a container can read and write (`/dev/sda1`):
/// the severity and what the device gives; `None` for devices it leaves alone. `cofferdam self`
/// grades the device nodes it finds in a container's `/dev` with it.
pub fn grade(path: &str) -> Option<(cofferdam_diagnostics::Severity, &'static str)> {
    by_path(path).map(|class| (class.severity(), class.effect()))
}

pub(crate) fn check(ctx: &ContainerContext<'_>, out: &mut Vec<Diagnostic>) {
    for device in &ctx.spec.devices {
        let host = device.value.host.trim();
        if is_variable(host) {
            continue;
        }
        let Some(class) = by_path(host) else {
            continue;
        };
        let Some(severity) = graded(class, &device.value.permissions) else {
            continue;
        };
        let message = if class == Class::Everything {
            format!("passes the host's whole /dev: {}", class.effect())
        } else {
            // Long `/dev/disk/by-id/…` names are cut from the front to keep messages short.
            let room = MAX_MESSAGE - "passes : ".len() - class.effect().len();
            format!("passes {}: {}", shortened(host, room), class.effect())
        };
        out.push(
            ctx.diagnostic(SensitiveDevicePassthrough::META, device.range, message)
                .with_severity(severity)
                .with_fix(Fix::display_only(ctx.spelled(
                    "remove the device from `devices:`; mount the files the service needs, or \
                     pass only the one device node it drives",
                    "remove the `--device`; mount the files the container needs, or pass only \
                     the one device node it drives",
                ))),
        );
    }
}

/// Longest message.
const MAX_MESSAGE: usize = 120;

/// `path`, or its end after `…` when it is longer than `room` bytes.
fn shortened(path: &str, room: usize) -> String {
    if path.len() <= room {
        return path.to_owned();
    }
    let keep = room.saturating_sub("…".len());
    let mut start = path.len() - keep;
    while !path.is_char_boundary(start) {
        start += 1;
    }
    format!("…{}", &path[start..])
}

#[cfg(test)]
mod tests {
    use super::SensitiveDevicePassthrough;
    use crate::rules::test::graded;
    use crate::rules::test::{compose_findings, compose_lines};

    #[test]
    fn graded_by_device_and_permission() {
        let text = "services:\n  a:\n    devices:\n      - /dev/sda\n      - \"/dev/nvme0n1:/dev/xvdb:r\"\n      - /dev/kmsg\n      - /dev/bus/usb\n      - \"/dev/sdb:/dev/sdb:m\"\n      - source: /dev/mem\n        target: /dev/mem\n        permissions: rw\n      - /dev/fuse\n";
        assert_eq!(
            graded(SensitiveDevicePassthrough::META, text),
            [
                (4, "critical"),
                (5, "high"),
                (6, "high"),
                (7, "medium"),
                (9, "critical")
            ]
        );
    }

    #[test]
    fn messages_name_the_device() {
        let found = compose_findings(
            SensitiveDevicePassthrough::META,
            &[(
                "compose.yaml",
                "services:\n  a:\n    devices: [\"/dev:/dev\", /dev/input/event0]\n",
            )],
        );
        assert_eq!(found.len(), 2);
        assert!(
            found[0].2.starts_with("passes the host's whole /dev:"),
            "{}",
            found[0].2
        );
        assert!(
            found[1]
                .2
                .starts_with("passes /dev/input/event0: host keyboards"),
            "{}",
            found[1].2
        );
    }

    #[test]
    fn long_paths_are_cut_to_fit() {
        let text = "services:\n  a:\n    devices:\n      - /dev/disk/by-id/ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456X-part1\n";
        let found = compose_findings(SensitiveDevicePassthrough::META, &[("compose.yaml", text)]);
        assert!(found[0].2.len() <= 120, "{}", found[0].2);
        assert!(found[0].2.starts_with("passes …"), "{}", found[0].2);
        assert!(
            found[0].2.contains("S3Z1NB0K123456X-part1: raw access"),
            "{}",
            found[0].2
        );
    }

    #[test]
    fn common_devices_and_variables_are_fine() {
        let text = "services:\n  a:\n    devices: [/dev/fuse, /dev/net/tun, \"/dev/dri/renderD128\", /dev/kvm, \"${DEVICE}\"]\n";
        assert!(compose_lines(SensitiveDevicePassthrough::META, text).is_empty());
    }

    #[test]
    fn inherited_through_an_anchor_points_at_the_anchor() {
        let text = "x-disk: &disk\n  devices:\n    - /dev/sdb\nservices:\n  a:\n    <<: *disk\n";
        assert_eq!(compose_lines(SensitiveDevicePassthrough::META, text), [3]);
    }
}
