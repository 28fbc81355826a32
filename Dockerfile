# cofferdam as a container image: one static binary in an otherwise empty image, run as a
# numeric non-root user, with no shell and nothing to write to.
#
#   docker build -t cofferdam .
#   docker run --rm --read-only --network none --cap-drop ALL \
#     --security-opt no-new-privileges -v "$PWD:/src:ro" cofferdam check .
#
# The build needs a registry (the Rust image and crates.io); cofferdam's own CI has none, so CI
# does not build this file. It does review it: crates/cofferdam/tests/distribution.rs runs
# `cofferdam check` on it and fails on any finding at or above low.

# The Rust release the workspace is developed and tested with, on Debian 12. The digest is the
# multi-platform index of this tag as pinned by other public builds; it could not be checked from
# the machine this file was written on (no registry). Refresh it with
# `docker buildx imagetools inspect rust:1.95.0-slim-bookworm` when the tag is rebuilt.
FROM rust:1.95.0-slim-bookworm@sha256:d7482085ff5b415f84dba5647ae71606650bdef00db7aeb69f4b3d170c3e4082 AS build

WORKDIR /build
COPY . .

# glibc linked in statically (`+crt-static`) so that the binary needs no file of the image; with
# an explicit `--target` the flag reaches cofferdam's code but not the build scripts and proc
# macros, which must stay dynamic. `uname -m` (x86_64 or aarch64) builds for the platform the
# image is built for. Symbols are stripped: line tables are for local debugging only.
RUN RUSTFLAGS="-C target-feature=+crt-static" \
    CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_STRIP=symbols \
    cargo build --release --locked --package cofferdam --target "$(uname -m)-unknown-linux-gnu" \
    && cp "target/$(uname -m)-unknown-linux-gnu/release/cofferdam" /cofferdam

# The image: the binary, owned by root and read-only to the user that runs it.
FROM scratch

LABEL org.opencontainers.image.title="cofferdam" \
      org.opencontainers.image.description="Reviews and hardens containerised applications" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0" \
      org.opencontainers.image.source="https://github.com/cofferdam/cofferdam"

COPY --from=build /cofferdam /cofferdam

# A uid and gid of no account: the image has no /etc/passwd, and nothing in cofferdam needs a
# user name. `docker run --user` (as pre-commit's docker hooks do) replaces both.
USER 65532:65532

# The directory to mount the project at; `check` reviews the working directory by default.
WORKDIR /src

# A one-shot command-line tool, not a service: there is nothing for a health check to probe.
HEALTHCHECK NONE

ENTRYPOINT ["/cofferdam"]
CMD ["check", "."]
