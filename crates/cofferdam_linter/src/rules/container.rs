//! What container rules see: one [`ContainerSpec`] with the project around it.
//!
//! A container rule is written once against [`ContainerContext`] and fires the same for compose
//! services, `docker run` lines, inspect output and API requests; a project rule (network
//! reachability) sees every service of a project at once through [`ProjectContext`].

use cofferdam_diagnostics::{Diagnostic, RuleMeta, TextRange};

use crate::Settings;
use crate::model::compose::{NetworkDef, SourceMap};
use crate::model::container::{ContainerSpec, SpecSource};

/// The services and networks one container is reviewed among.
#[derive(Clone, Copy, Debug)]
pub struct ProjectView<'a> {
    pub sources: &'a SourceMap,
    pub services: &'a [ContainerSpec],
    pub networks: &'a [NetworkDef],
}

/// One container under review.
pub struct ContainerContext<'a> {
    pub spec: &'a ContainerSpec,
    pub project: ProjectView<'a>,
    pub settings: &'a Settings,
}

impl<'a> ContainerContext<'a> {
    /// A diagnostic attributed to this container.
    pub fn diagnostic(
        &self,
        rule: &'static RuleMeta,
        range: TextRange,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(rule, range, message).with_service(self.spec.name.clone())
    }

    /// The source text of a range (for rules that look at how a value was written).
    pub fn text(&self, range: TextRange) -> &'a str {
        self.project.sources.text(range)
    }

    /// How the container's settings are spelled in its source, for messages and fixes:
    /// `compose` for compose keys, `run` for `docker run` flags.
    pub fn is_compose(&self) -> bool {
        self.spec.source == SpecSource::Compose
    }

    /// `compose` or `flag` wording: picks the first text for compose files, API input and
    /// containers Compose created, the second for `docker run` lines and the other containers
    /// of an engine (which were started with `docker run` or an API call).
    pub fn spelled<'s>(&self, compose: &'s str, run: &'s str) -> &'s str {
        let run_wording = match self.spec.source {
            SpecSource::RunLine => true,
            SpecSource::Inspect => !self.spec.managed_by_compose,
            SpecSource::Compose | SpecSource::ApiRequest => false,
        };
        if run_wording { run } else { compose }
    }
}

/// A whole project under review.
pub struct ProjectContext<'a> {
    pub project: ProjectView<'a>,
    pub settings: &'a Settings,
}

impl<'a> ProjectContext<'a> {
    pub fn text(&self, range: TextRange) -> &'a str {
        self.project.sources.text(range)
    }
}
