//! Which host devices are dangerous to hand to a container: by path (for `devices:`) and by
//! major/minor number (for `device_cgroup_rules`). One table of device classes, each with a
//! grade and the words the rules use for it.

use cofferdam_diagnostics::Severity;

/// A kind of host device a container should rarely get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// The whole `/dev` directory, or every device (`a *:* rwm`).
    Everything,
    /// Every character device (`c *:* …`).
    EveryCharDevice,
    /// Disks and partitions (`/dev/sda`, `/dev/nvme0n1`, `/dev/mapper/…`, block majors).
    Disk,
    /// `/dev/mem`, `/dev/kmem`, `/dev/port`.
    Memory,
    /// `/dev/cpu/*/msr`: model-specific registers.
    CpuRegisters,
    /// `/dev/kmsg`: the kernel log.
    KernelLog,
    /// Keyboards and mice (`/dev/input/*`) and `/dev/uinput`, which injects input.
    Input,
    /// Virtual consoles (`/dev/tty0`…, `/dev/console`, `/dev/vcs*`).
    Console,
    /// Loop devices and `/dev/loop-control`.
    Loop,
    /// Framebuffers (`/dev/fb0`).
    Framebuffer,
    /// Hardware watchdogs.
    Watchdog,
    /// A whole USB bus rather than one device on it.
    UsbBus,
    /// VFIO: PCI devices passed through with DMA.
    Vfio,
    /// Misc character devices as a whole (`c 10:*`: uinput, loop-control, kvm, fuse, …).
    Misc,
}

impl Class {
    /// The grade when the container may write to the device.
    pub(crate) fn severity(self) -> Severity {
        match self {
            Class::Everything
            | Class::EveryCharDevice
            | Class::Disk
            | Class::Memory
            | Class::CpuRegisters => Severity::Critical,
            Class::KernelLog | Class::Input | Class::Console | Class::Loop => Severity::High,
            Class::Framebuffer | Class::Watchdog | Class::UsbBus | Class::Vfio | Class::Misc => {
                Severity::Medium
            }
        }
    }

    /// What the device gives the container, for messages.
    pub(crate) fn effect(self) -> &'static str {
        match self {
            Class::Everything => "every host device: disks, memory and consoles",
            Class::EveryCharDevice => "every character device, /dev/mem and consoles included",
            Class::Disk => "raw access to a host disk, every file on it whatever its permissions",
            Class::Memory => "the host's physical memory or I/O ports",
            Class::CpuRegisters => "the host CPU's model-specific registers",
            Class::KernelLog => "the kernel log, whose addresses defeat KASLR",
            Class::Input => "host keyboards and mice: keystrokes read or injected",
            Class::Console => "host consoles: their contents read and input injected",
            Class::Loop => "loop devices, which attach host files and images as disks",
            Class::Framebuffer => "the host's screen contents",
            Class::Watchdog => "the hardware watchdog, which reboots the host",
            Class::UsbBus => "every device on a USB bus, keyboards and storage included",
            Class::Vfio => "PCI devices with DMA into host memory",
            Class::Misc => "misc devices such as uinput, loop-control and kvm",
        }
    }
}

/// The class of a host device path (`/dev/sda1`, `/dev/input/event0`); `None` for devices
/// that are commonly and reasonably passed through (`/dev/fuse`, `/dev/net/tun`, `/dev/dri/*`,
/// `/dev/snd`, `/dev/kvm`, GPUs, serial adapters, one USB device).
pub(crate) fn by_path(path: &str) -> Option<Class> {
    let path = path.trim().trim_end_matches('/');
    if path == "/dev" {
        return Some(Class::Everything);
    }
    let name = path.strip_prefix("/dev/")?;
    let digits_after = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    };
    let letter_after = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_lowercase()))
    };
    let class = match name {
        "mem" | "kmem" | "port" => Class::Memory,
        "kmsg" => Class::KernelLog,
        "console" => Class::Console,
        "input" | "uinput" => Class::Input,
        "loop-control" => Class::Loop,
        "cpu" => Class::CpuRegisters,
        "bus/usb" => Class::UsbBus,
        "root" => Class::Disk,
        _ if ["sd", "hd", "vd", "xvd"].iter().any(|p| letter_after(p)) => Class::Disk,
        _ if ["nvme", "mmcblk", "md", "dm-"]
            .iter()
            .any(|p| digits_after(p)) =>
        {
            Class::Disk
        }
        _ if name.starts_with("mapper/")
            || name.starts_with("disk/")
            || name.starts_with("md/") =>
        {
            Class::Disk
        }
        _ if name.starts_with("cpu/") && name.ends_with("/msr") => Class::CpuRegisters,
        _ if name.starts_with("input/") => Class::Input,
        _ if digits_after("tty") || name.starts_with("vcs") => Class::Console,
        _ if digits_after("loop") => Class::Loop,
        _ if digits_after("fb") => Class::Framebuffer,
        _ if name.starts_with("watchdog") => Class::Watchdog,
        // `/dev/bus/usb/001` is a bus; `/dev/bus/usb/001/004` is one device on it.
        _ if name.starts_with("bus/usb/") && name.split('/').count() == 3 => Class::UsbBus,
        _ if name.starts_with("vfio/") || name == "vfio" => Class::Vfio,
        _ => return None,
    };
    Some(class)
}

/// A `device_cgroup_rules` entry: `type major:minor permissions`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct CgroupRule<'a> {
    pub(crate) kind: char,
    /// `None` for `*`.
    pub(crate) major: Option<u32>,
    pub(crate) minor: Option<u32>,
    pub(crate) permissions: &'a str,
}

impl<'a> CgroupRule<'a> {
    pub(crate) fn parse(text: &'a str) -> Option<Self> {
        let mut words = text.split_whitespace();
        let kind = words.next()?;
        let numbers = words.next()?;
        let permissions = words.next().unwrap_or("rwm");
        if words.next().is_some() {
            return None;
        }
        let kind = match kind {
            "a" | "b" | "c" => kind.chars().next()?,
            _ => return None,
        };
        let (major, minor) = numbers.split_once(':')?;
        let number = |text: &str| -> Option<Option<u32>> {
            if text == "*" {
                Some(None)
            } else {
                text.parse().ok().map(Some)
            }
        };
        Some(Self {
            kind,
            major: number(major)?,
            minor: number(minor)?,
            permissions,
        })
    }

    /// The class of devices the rule opens; `None` for the ones commonly allowed.
    pub(crate) fn class(&self) -> Option<Class> {
        match (self.kind, self.major, self.minor) {
            ('a', _, _) => Some(Class::Everything),
            // Block major 7 is loop devices, 10:237 `/dev/loop-control`; every other block
            // device is treated as a disk.
            ('b', Some(7), _) | ('c', Some(10), Some(237)) => Some(Class::Loop),
            ('b', _, _) => Some(Class::Disk),
            ('c', None, _) => Some(Class::EveryCharDevice),
            // 1:1 mem, 1:2 kmem, 1:4 port; 1:11 kmsg; null, zero and random are harmless.
            ('c', Some(1), None | Some(1 | 2 | 4)) => Some(Class::Memory),
            ('c', Some(1), Some(11)) => Some(Class::KernelLog),
            // 4:0-63 are virtual consoles (4:64 and up are serial ports), 5:1 the console,
            // 7:* the console memory devices.
            ('c', Some(4), None) | ('c', Some(5), Some(1)) | ('c', Some(7), _) => {
                Some(Class::Console)
            }
            ('c', Some(4), Some(minor)) if minor < 64 => Some(Class::Console),
            ('c', Some(13), _) | ('c', Some(10), Some(223)) => Some(Class::Input),
            ('c', Some(10), None) => Some(Class::Misc),
            ('c', Some(29), _) => Some(Class::Framebuffer),
            ('c', Some(202), _) => Some(Class::CpuRegisters),
            _ => None,
        }
    }
}

/// The grade for a class given the permissions granted: none without read or write access,
/// one step lower when the device is only readable.
pub(crate) fn graded(class: Class, permissions: &str) -> Option<Severity> {
    let read = permissions.contains('r');
    let write = permissions.contains('w');
    if !read && !write {
        return None;
    }
    Some(match class.severity() {
        Severity::Critical if !write => Severity::High,
        severity => severity,
    })
}

#[cfg(test)]
mod tests {
    use cofferdam_diagnostics::Severity;

    use super::{CgroupRule, Class, by_path, graded};

    #[test]
    fn paths() {
        for (path, class) in [
            ("/dev", Some(Class::Everything)),
            ("/dev/", Some(Class::Everything)),
            ("/dev/sda", Some(Class::Disk)),
            ("/dev/sdb1", Some(Class::Disk)),
            ("/dev/nvme0n1p2", Some(Class::Disk)),
            ("/dev/xvda", Some(Class::Disk)),
            ("/dev/vda", Some(Class::Disk)),
            ("/dev/mmcblk0", Some(Class::Disk)),
            ("/dev/md0", Some(Class::Disk)),
            ("/dev/dm-0", Some(Class::Disk)),
            ("/dev/mapper/vg-root", Some(Class::Disk)),
            ("/dev/disk/by-id/ata-X", Some(Class::Disk)),
            ("/dev/mem", Some(Class::Memory)),
            ("/dev/kmem", Some(Class::Memory)),
            ("/dev/port", Some(Class::Memory)),
            ("/dev/cpu/0/msr", Some(Class::CpuRegisters)),
            ("/dev/kmsg", Some(Class::KernelLog)),
            ("/dev/input/event3", Some(Class::Input)),
            ("/dev/uinput", Some(Class::Input)),
            ("/dev/tty0", Some(Class::Console)),
            ("/dev/console", Some(Class::Console)),
            ("/dev/vcsa1", Some(Class::Console)),
            ("/dev/loop0", Some(Class::Loop)),
            ("/dev/fb0", Some(Class::Framebuffer)),
            ("/dev/watchdog", Some(Class::Watchdog)),
            ("/dev/bus/usb", Some(Class::UsbBus)),
            ("/dev/bus/usb/001", Some(Class::UsbBus)),
            ("/dev/vfio/12", Some(Class::Vfio)),
        ] {
            assert_eq!(by_path(path), class, "{path}");
        }
        for path in [
            "/dev/fuse",
            "/dev/net/tun",
            "/dev/dri",
            "/dev/dri/renderD128",
            "/dev/snd",
            "/dev/kvm",
            "/dev/nvidia0",
            "/dev/ttyUSB0",
            "/dev/ttyACM0",
            "/dev/ttyS0",
            "/dev/tty",
            "/dev/video0",
            "/dev/hidraw0",
            "/dev/bus/usb/001/004",
            "/dev/null",
            "/dev/sr0",
            "${DEVICE}",
            "/home/dev",
        ] {
            assert_eq!(by_path(path), None, "{path}");
        }
    }

    #[test]
    fn cgroup_rules() {
        let class = |text: &str| CgroupRule::parse(text).and_then(|rule| rule.class());
        assert_eq!(class("a *:* rwm"), Some(Class::Everything));
        assert_eq!(class("b *:* rwm"), Some(Class::Disk));
        assert_eq!(class("b 8:0 rw"), Some(Class::Disk));
        assert_eq!(class("b 7:* rwm"), Some(Class::Loop));
        assert_eq!(class("c *:* rwm"), Some(Class::EveryCharDevice));
        assert_eq!(class("c 1:1 rw"), Some(Class::Memory));
        assert_eq!(class("c 1:* rw"), Some(Class::Memory));
        assert_eq!(class("c 1:11 r"), Some(Class::KernelLog));
        assert_eq!(class("c 4:1 rw"), Some(Class::Console));
        assert_eq!(class("c 13:* rw"), Some(Class::Input));
        assert_eq!(class("c 10:* rwm"), Some(Class::Misc));
        assert_eq!(class("c 202:* r"), Some(Class::CpuRegisters));
        for harmless in [
            "c 1:3 rwm",
            "c 4:64 rw",
            "c 189:* rmw",
            "c 10:229 rwm",
            "c 226:* rw",
            "c 116:* rw",
        ] {
            assert_eq!(class(harmless), None, "{harmless}");
        }
        assert_eq!(CgroupRule::parse("x 1:1 rw"), None);
        assert_eq!(CgroupRule::parse("c 1 rw"), None);
        assert_eq!(CgroupRule::parse("c a:1 rw"), None);
        assert_eq!(CgroupRule::parse("c 1:1 rw extra"), None);
    }

    #[test]
    fn permissions_grade() {
        assert_eq!(graded(Class::Disk, "rwm"), Some(Severity::Critical));
        assert_eq!(graded(Class::Disk, "r"), Some(Severity::High));
        assert_eq!(graded(Class::Disk, "m"), None);
        assert_eq!(graded(Class::Input, "r"), Some(Severity::High));
    }
}
