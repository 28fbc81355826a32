//! Reading input files for the commands: one policy for size, encoding and errors, and the
//! [`Disk`] loader through which a compose project reads the files it refers to.
//!
//! A file larger than 4 GiB cannot be addressed by the linter's `u32` offsets; a file that is
//! not UTF-8 is reported with the line and column of the first invalid byte; a UTF-8 byte order
//! mark is dropped (BuildKit and compose ignore it, and columns then match what editors show).

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use cofferdam_diagnostics::{LineColumn, SourceFile};
use cofferdam_linter::model::compose::Loader;

use crate::discover::io_message;

/// Offsets are `u32` in the linter; a larger file cannot be addressed.
pub(crate) const MAX_FILE_SIZE: u64 = u32::MAX as u64;

/// Why a file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ReadError {
    pub(crate) path: String,
    pub(crate) message: String,
    /// Where in the file the problem is, when it is a position (invalid UTF-8).
    pub(crate) position: Option<LineColumn>,
}

/// Texts that stand in for files on disk while `--fix` or `--diff` works towards a fixed
/// point: keyed by canonical path, so a file reached under two names (`./a` and `a`, or as a
/// compose file and as another project's `extends` target) reads the same fixed text.
static OVERLAY: std::sync::LazyLock<std::sync::RwLock<HashMap<PathBuf, String>>> =
    std::sync::LazyLock::new(Default::default);

/// Makes `read_file(path)` return `text` instead of what is on disk.
pub(crate) fn overlay(path: &Path, text: String) -> std::io::Result<()> {
    let key = std::fs::canonicalize(path)?;
    OVERLAY.write().expect("overlay lock").insert(key, text);
    Ok(())
}

/// The overlaid text of `path`, if any.
fn overlaid(path: &Path) -> Option<String> {
    let overlay = OVERLAY.read().expect("overlay lock");
    if overlay.is_empty() {
        return None;
    }
    overlay.get(&std::fs::canonicalize(path).ok()?).cloned()
}

/// Reads a file as text, named by its path as given.
pub(crate) fn read_file(path: &Path) -> Result<SourceFile, ReadError> {
    let name = path.to_string_lossy().into_owned();
    if let Some(text) = overlaid(path) {
        return Ok(SourceFile::new(name, text));
    }
    let failed = |message: String| ReadError {
        path: name.clone(),
        message,
        position: None,
    };
    let mut file = std::fs::File::open(path)
        .map_err(|error| failed(format!("cannot read file: {}", io_message(&error))))?;
    let capacity = file.metadata().map_or(0, |metadata| metadata.len());
    if capacity > MAX_FILE_SIZE {
        return Err(failed("file is larger than 4 GiB".to_owned()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    // `take` guards against a file that grows while it is read.
    (&mut file)
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| failed(format!("cannot read file: {}", io_message(&error))))?;
    decode(name, bytes)
}

/// Whether a file starts with `#!`, read without loading the rest (files without an extension
/// are often binaries or large data).
pub(crate) fn starts_with_shebang(path: &Path) -> bool {
    let mut start = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut start))
        .is_ok_and(|()| start == *b"#!")
}

/// Reads standard input as text, under the name `name`.
pub(crate) fn read_stdin(name: &str) -> Result<SourceFile, ReadError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| ReadError {
            path: name.to_owned(),
            message: format!("cannot read standard input: {}", io_message(&error)),
            position: None,
        })?;
    decode(name.to_owned(), bytes)
}

/// Turns bytes into a source file: size limit, UTF-8 with the position of the first invalid
/// byte, byte order mark dropped.
pub(crate) fn decode(name: String, bytes: Vec<u8>) -> Result<SourceFile, ReadError> {
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(ReadError {
            path: name,
            message: "file is larger than 4 GiB".to_owned(),
            position: None,
        });
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(SourceFile::new(name, text))
        }
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.as_bytes();
            // The prefix is valid UTF-8, so the position can be given in characters.
            let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
            let position = SourceFile::new("", prefix).line_column(valid as u32);
            Err(ReadError {
                path: name,
                message: format!("file is not valid UTF-8 (invalid byte at offset {valid})"),
                position: Some(position),
            })
        }
    }
}

/// Reads the files a compose project refers to (override files, `extends` and `include`
/// targets, `.env`, `env_file:`, Dockerfiles of `build:`) from disk. A path that is not a file
/// does not exist as far as the project is concerned.
pub(crate) struct Disk;

impl Loader for Disk {
    fn load(&self, path: &str) -> Option<Result<String, String>> {
        let path = Path::new(path);
        if !path.is_file() {
            return None;
        }
        Some(
            read_file(path)
                .map(|source| source.text().to_owned())
                .map_err(|error| error.message),
        )
    }
}

/// This process's umask, from /proc/self/status (Linux 4.7 and later); 022 when unknown.
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Umask:"))
                .and_then(|value| u32::from_str_radix(value.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// Writes `bytes` to `path` so that readers see the old file or the new one, never half of
/// one: a temporary file in the same directory, flushed to disk, renamed over the target, with
/// the target's permissions kept. A target that exists and is not a regular file (`/dev/null`,
/// a FIFO, a terminal) is written directly, since it cannot be replaced.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::PermissionsExt as _;
    let existing = std::fs::metadata(path).ok();
    if existing
        .as_ref()
        .is_some_and(|metadata| !metadata.is_file())
    {
        return std::fs::write(path, bytes);
    }
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::NamedTempFile::new_in(directory)?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    // A replaced file keeps its mode; a new one gets what `open(2)` would have given it
    // (0666 less the umask) rather than the temporary file's private 0600.
    let permissions = match existing {
        Some(metadata) => metadata.permissions(),
        None => std::fs::Permissions::from_mode(0o666 & !umask()),
    };
    temporary.as_file().set_permissions(permissions)?;
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::{decode, write_atomically};

    #[test]
    fn decodes_text_and_reports_invalid_utf8_with_a_position() {
        let source =
            decode("a".to_owned(), "\u{feff}services:\n".as_bytes().to_vec()).expect("valid text");
        assert_eq!(source.text(), "services:\n");
        let error =
            decode("b".to_owned(), b"services:\n  a: \xff\n".to_vec()).expect_err("invalid UTF-8");
        let position = error.position.expect("a position");
        assert_eq!((position.line, position.column), (2, 6));
        assert!(error.message.contains("offset 15"), "{}", error.message);
    }

    #[test]
    fn atomic_writes_replace_keep_the_mode_and_write_devices_directly() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("profile.json");
        write_atomically(&path, b"one").expect("new file");
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        // A new file is created as open(2) would: 0666 less the umask, not 0600.
        let created = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(created, 0o666 & !super::umask());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&path, b"two").expect("replaced");
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        // Nothing but the file is left in the directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // /dev/null stays a device.
        write_atomically(std::path::Path::new("/dev/null"), b"x").expect("device");
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
        // A directory that does not exist is an error, not a panic.
        assert!(write_atomically(&dir.path().join("missing/x.json"), b"x").is_err());
    }
}
