//! CLI tests for `cofferdam report`: the HTML page holds every finding `check --format json`
//! reports, scores that follow the stated formula, escaped source lines, masked secrets, an
//! inline SVG diagram per compose project and no external resource; the exit statuses; and a
//! headless Chromium screenshot that shows the page really renders.
//!
//! The screenshot test needs `chromium` (installed by `.ci/run`). Under `CI=true` a missing
//! browser fails the test; elsewhere it prints SKIPPED and returns.

mod common;

use common::Run;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;

const SECRET: &str = "hunter2-<b>secret</b>";

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create directories");
    }
    fs::write(path, text).expect("write file");
}

/// A three-service project with a secret, markup in a comment next to a finding, and a
/// Dockerfile with findings that belong to no service.
fn project(dir: &Path) {
    write(
        dir,
        "compose.yml",
        &format!(
            r#"services:
  web:
    image: nginx:latest
    # <script>alert("pwned")</script>
    ports:
      - "80:80"
    networks: [front]
  api:
    image: "registry.local/api:1.0"
    environment:
      DB_PASSWORD: "{SECRET}"
    networks: [front, back]
  db:
    image: postgres:16
    networks: [back]
networks:
  front: {{}}
  back:
    internal: true
"#
        ),
    );
    write(
        dir,
        "Dockerfile",
        "FROM node:latest\nENV API_TOKEN=supersecretvalue123\nRUN curl https://x.example/install.sh | sh\n",
    );
}

fn cofferdam(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_cofferdam"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs");
    Run::of(output)
}

fn weight(severity: &str) -> u32 {
    match severity {
        "critical" => 25,
        "high" => 10,
        "medium" => 4,
        "low" => 1,
        _ => 0,
    }
}

/// Every `src`/`href` attribute value and `url(` in the page.
fn resource_references(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for attribute in ["src=", "href=", "url("] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(attribute) {
            let start = from + at + attribute.len();
            let value: String = html[start..]
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | ' ' | '>' | ')'))
                .collect();
            found.push(value);
            from = start;
        }
    }
    found
}

#[test]
fn report_holds_the_findings_masked_escaped_with_scores_and_a_diagram() {
    let dir = tempfile::tempdir().expect("temp dir");
    project(dir.path());
    let run = cofferdam(dir.path(), &["report", ".", "-o", "out/review.html"]);
    // The output directory does not exist: the report cannot be written.
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot write out/review.html"),
        "{}",
        run.stderr
    );

    let run = cofferdam(dir.path(), &["report", ".", "-o", "review.html"]);
    assert_eq!(run.code, 0, "findings do not fail a report: {}", run.stderr);
    assert!(
        run.stdout.starts_with("wrote review.html: "),
        "{}",
        run.stdout
    );
    let html = fs::read_to_string(dir.path().join("review.html")).expect("report written");

    // Every finding `check` reports is on the page, with its rule and position.
    let check = cofferdam(dir.path(), &["check", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&check.stdout).expect("check JSON");
    let findings = json["findings"].as_array().expect("findings");
    assert!(findings.len() > 10, "the project has findings");
    for finding in findings {
        let place = format!(
            "{}:{}:{}",
            finding["path"].as_str().unwrap(),
            finding["line"],
            finding["column"]
        );
        let rule = finding["rule"].as_str().unwrap();
        assert!(
            html.contains(&format!("<span class=\"code\">{rule}</span>")) && html.contains(&place),
            "{rule} at {place} is missing"
        );
    }
    let total = format!("<div class=\"n\">{}</div>findings", findings.len());
    assert!(html.contains(&total), "the total is shown");

    // Practice scores follow the stated formula, computed here from the JSON findings.
    assert!(html.contains("100 &minus; 25&times;critical &minus; 10&times;high"));
    for category in ["image", "secrets", "resources"] {
        let lost: u32 = findings
            .iter()
            .filter(|finding| finding["category"] == category)
            .map(|finding| weight(finding["severity"].as_str().unwrap()))
            .sum();
        let score = 100u32.saturating_sub(lost);
        let row_start = html
            .find(&format!("<tr><td>{category}</td>"))
            .unwrap_or_else(|| panic!("a row for {category}"));
        let row = &html[row_start..row_start + html[row_start..].find("</tr>").unwrap()];
        assert!(
            row.ends_with(&format!(">{score}</td>")),
            "{category} should score {score}: {row}"
        );
    }
    // The service `db` has findings and its own score row.
    assert!(html.contains("<td><b>db</b></td>"));

    // Secrets are masked, in source lines and everywhere else.
    assert!(!html.contains("hunter2"), "the compose secret leaked");
    assert!(
        !html.contains("supersecretvalue123"),
        "the Dockerfile secret leaked"
    );
    assert!(html.contains(&"*".repeat("supersecretvalue123".len())));

    // Source text is escaped: the comment shows as text and no script element exists.
    assert!(html.contains("# &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(!html.contains("<b>secret</b>"));

    // The project's diagram is inline SVG naming its services and networks.
    let svg_start = html.find("<svg").expect("an inline SVG");
    let svg = &html[svg_start..svg_start + html[svg_start..].find("</svg>").unwrap()];
    for name in [">web<", ">api<", ">db<", ">front<", ">back<", "0.0.0.0:80"] {
        assert!(svg.contains(name), "{name} is not in the diagram");
    }
    assert!(html.contains("<td>api &lt;-&gt; db</td><td>network back</td>"));

    // Nothing is loaded from elsewhere.
    for reference in resource_references(&html) {
        assert!(
            reference.starts_with('#'),
            "the page references an external resource: {reference}"
        );
    }
    assert!(!html.contains("<link") && !html.contains("@import"));
}

#[test]
fn fail_on_errors_and_standard_input_set_the_exit_status() {
    let dir = tempfile::tempdir().expect("temp dir");
    project(dir.path());
    let run = cofferdam(dir.path(), &["report", "--fail-on", "high", "-o", "r.html"]);
    assert_eq!(run.code, 1, "a high finding fails with --fail-on high");
    assert!(
        dir.path().join("r.html").is_file(),
        "the report is still written"
    );
    let run = cofferdam(
        dir.path(),
        &["report", "--fail-on", "critical", "-o", "r.html"],
    );
    assert_eq!(run.code, 0, "no critical finding");

    // A broken compose file: status 2, the error on stderr and in the page, no diagram.
    write(
        dir.path(),
        "compose.yml",
        "services:\n  web:\n    image: [\n",
    );
    let run = cofferdam(dir.path(), &["report", "-o", "r.html"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("compose.yml:"), "{}", run.stderr);
    let html = fs::read_to_string(dir.path().join("r.html")).expect("report written");
    assert!(html.contains("<section id=\"errors\">"));
    assert!(html.contains("No diagram: the project has errors"));

    let run = cofferdam(dir.path(), &["report", "-"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not standard input"), "{}", run.stderr);
}

fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

#[test]
fn headless_chromium_renders_the_report() {
    let Some(chromium) = find_chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is not installed (CI=true): .ci/run installs it"
        );
        eprintln!("SKIPPED: chromium is not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    project(dir.path());
    let run = cofferdam(dir.path(), &["report", "-o", "report.html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = dir.path().join("report.html");
    let shot = dir.path().join("shot.png");
    let mut child = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            &format!("--user-data-dir={}", dir.path().join("profile").display()),
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
            &format!("file://{}", report.display()),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish its screenshot in 30 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }

    let decoder = png::Decoder::new(std::io::BufReader::new(
        fs::File::open(&shot).expect("chromium wrote a screenshot"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    assert_eq!((info.width, info.height), (1280, 2000));
    let channels = info.color_type.samples();
    assert!(channels >= 3, "an RGB(A) screenshot");
    let pixel = |x: u32, y: u32| {
        let at = (y as usize * info.line_size) + x as usize * channels;
        (pixels[at], pixels[at + 1], pixels[at + 2])
    };

    // The header is the dark blue band at the top.
    let mut dark = 0;
    let mut band = 0;
    for y in 8..48 {
        for x in (0..1280).step_by(4) {
            let (r, g, b) = pixel(x, y);
            band += 1;
            if u32::from(r) + u32::from(g) + u32::from(b) < 300 && b > r {
                dark += 1;
            }
        }
    }
    assert!(
        dark * 10 > band * 8,
        "the header is not drawn ({dark} of {band})"
    );

    // The page below has content: text, cards, tables, code blocks.
    let mut inked = 0;
    let mut total = 0;
    let mut high = 0;
    for y in (120..2000).step_by(2) {
        for x in (0..1280).step_by(2) {
            let (r, g, b) = pixel(x, y);
            total += 1;
            if r.min(g).min(b) < 200 {
                inked += 1;
            }
            // The orange of `high`.
            if r > 200 && (60..110).contains(&g) && b < 30 {
                high += 1;
            }
        }
    }
    assert!(
        inked * 100 > total * 5,
        "the body is nearly blank: {inked} of {total} pixels"
    );
    assert!(high > 50, "no severity colour is visible ({high} pixels)");
}
