//! The ports a Dockerfile's `EXPOSE` instructions declare, expanded and parsed once for the
//! network rules.
//!
//! BuildKit expands `EXPOSE` arguments with the stage's `ARG`s and `ENV`s and splits the result
//! on whitespace, so `ARG PORTS="80 443"` followed by `EXPOSE $PORTS` exposes two ports. Words
//! that use a variable without a value are left out: the port is not known statically.

use crate::model::{Base, DockerfileModel};
use crate::syntax::dockerfile::{InstructionKind, Word};

/// One port specification of an `EXPOSE`, after expansion.
pub(crate) struct ExposedPort<'a> {
    /// The stage holding the `EXPOSE`.
    pub stage: usize,
    /// The word as written; one word can expand to several specifications.
    pub word: &'a Word,
    /// The specification after expansion, e.g. `8080/tcp` or `6000-6010`.
    pub text: String,
    pub parsed: Result<PortRange, PortError>,
}

/// A valid `port`, `port/protocol` or `first-last[/protocol]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PortRange {
    pub first: u32,
    pub last: u32,
}

impl PortRange {
    pub(crate) fn contains(self, port: u32) -> bool {
        (self.first..=self.last).contains(&port)
    }
}

/// Why a specification is not a valid port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PortError {
    /// A number above 65535 (the number as written).
    OutOfRange(String),
    /// A range whose first port is above its last.
    Reversed,
    /// A protocol other than `tcp`, `udp` or `sctp`.
    Protocol(String),
    /// Not a number at all.
    Malformed,
}

/// Every `EXPOSE` specification of every stage, in file order.
pub(crate) fn exposed_ports<'a>(model: &DockerfileModel<'a>) -> Vec<ExposedPort<'a>> {
    let mut ports = Vec::new();
    for stage in &model.stages {
        for (index, instruction) in stage.instructions.iter().enumerate() {
            let InstructionKind::Expose(words) = &instruction.kind else {
                continue;
            };
            for word in words {
                let expanded = model.expand_at(stage.index, index, word);
                if !expanded.unresolved.is_empty() {
                    continue;
                }
                for text in expanded.value.split_whitespace() {
                    ports.push(ExposedPort {
                        stage: stage.index,
                        word,
                        text: text.to_owned(),
                        parsed: parse_port(text),
                    });
                }
            }
        }
    }
    ports
}

/// The stages whose image configuration ends up in stage `stage`'s image: the stage itself and
/// the chain of stages it is built `FROM`.
pub(crate) fn stage_chain(model: &DockerfileModel<'_>, stage: usize) -> Vec<usize> {
    let mut chain = vec![stage];
    let mut current = stage;
    while let Base::Stage(parent) = model.stages[current].base {
        if parent >= current {
            break;
        }
        chain.push(parent);
        current = parent;
    }
    chain
}

/// Parses `[ip:][host:]port[-last][/protocol]`. The host part is accepted (BuildKit warns about
/// it but keeps the container port), and only the container port is checked.
pub(crate) fn parse_port(text: &str) -> Result<PortRange, PortError> {
    let (ports, protocol) = match text.split_once('/') {
        Some((ports, protocol)) => (ports, Some(protocol)),
        None => (text, None),
    };
    if let Some(protocol) = protocol {
        let known = ["tcp", "udp", "sctp"];
        if !known
            .iter()
            .any(|known| known.eq_ignore_ascii_case(protocol))
        {
            return Err(PortError::Protocol(protocol.to_owned()));
        }
    }
    let container = ports.rsplit(':').next().unwrap_or(ports);
    let (first, last) = if let Some((first, last)) = container.split_once('-') {
        (number(first)?, number(last)?)
    } else {
        let port = number(container)?;
        (port, port)
    };
    if first > last {
        return Err(PortError::Reversed);
    }
    Ok(PortRange { first, last })
}

fn number(text: &str) -> Result<u32, PortError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PortError::Malformed);
    }
    let digits = text.trim_start_matches('0');
    match digits.parse::<u32>() {
        Ok(port) if port <= 65535 => Ok(port),
        _ if digits.is_empty() => Ok(0),
        _ => Err(PortError::OutOfRange(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::{PortError, PortRange, parse_port};

    #[test]
    fn parses_port_forms() {
        let range = |first, last| Ok(PortRange { first, last });
        assert_eq!(parse_port("22"), range(22, 22));
        assert_eq!(parse_port("22/tcp"), range(22, 22));
        assert_eq!(parse_port("53/UDP"), range(53, 53));
        assert_eq!(parse_port("6000-6010/tcp"), range(6000, 6010));
        assert_eq!(parse_port("8080:80"), range(80, 80));
        assert_eq!(parse_port("0"), range(0, 0));
        assert_eq!(
            parse_port("65536"),
            Err(PortError::OutOfRange("65536".to_owned()))
        );
        assert_eq!(
            parse_port("99999999999999999999"),
            Err(PortError::OutOfRange("99999999999999999999".to_owned()))
        );
        assert_eq!(parse_port("20-10"), Err(PortError::Reversed));
        assert_eq!(
            parse_port("80/http"),
            Err(PortError::Protocol("http".to_owned()))
        );
        assert_eq!(parse_port("http"), Err(PortError::Malformed));
        assert_eq!(parse_port("-1"), Err(PortError::Malformed));
    }
}
