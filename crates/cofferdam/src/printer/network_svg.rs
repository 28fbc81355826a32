//! The network reachability diagram of one compose project as inline SVG, for `report`.
//!
//! The layout is our own and deterministic (no layout engine): services are boxes in one row,
//! sorted by name; the host is a bar above them, with each port a service publishes drawn as a
//! marker between the bar and the service (red on all interfaces, orange on one address, grey on
//! loopback); every network is a horizontal bus below the boxes, and a service joins each bus it
//! is attached to with a vertical line ending in a dot. Services on one bus reach each other.
//! `network_mode: host` is a thick red line to the host bar, a shared network namespace a dashed
//! curve between the two boxes. The same [`Graph`] the `network` rules judge and `cofferdam
//! graph` prints is the only input, so the picture cannot disagree with the findings.

use std::fmt::Write as _;

use cofferdam_linter::model::reachability::{Graph, Interface, NetworkMode, Role};

use super::html::escape;

const LEFT: usize = 190;
const BOX_W: usize = 160;
const BOX_H: usize = 48;
const GAP: usize = 28;
const HOST_Y: usize = 14;
const HOST_H: usize = 26;
const PORT_H: usize = 18;
const BUS_GAP: usize = 34;
const MAX_LABEL: usize = 24;

/// Colours of the network buses, in network order (repeating).
const PALETTE: [&str; 8] = [
    "#1565c0", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#4e342e", "#283593", "#558b2f",
];

/// The SVG element for `graph` (a `<svg>` with a title naming `project`); `placements[i]` says
/// where service `i` is on the network, in words, for its tooltip.
pub(crate) fn render(project: &str, graph: &Graph<'_>, placements: &[String]) -> String {
    let mut order: Vec<usize> = (0..graph.services.len()).collect();
    order.sort_by(|&a, &b| graph.services[a].name().cmp(graph.services[b].name()));
    let mut column = vec![0; graph.services.len()];
    for (position, &index) in order.iter().enumerate() {
        column[index] = position;
    }
    let x_of = |index: usize| LEFT + column[index] * (BOX_W + GAP);
    let max_ports = graph
        .services
        .iter()
        .map(|service| service.bindings.len())
        .max()
        .unwrap_or(0);
    let box_y = HOST_Y + HOST_H + 14 + max_ports * (PORT_H + 4) + 10;
    let bus_y = |network: usize| box_y + BOX_H + 40 + network * BUS_GAP;
    let width = LEFT + order.len().max(1) * (BOX_W + GAP) + 10;
    let height = bus_y(graph.networks.len().max(1)) + 4;

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"network\" role=\"img\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"system-ui, sans-serif\" \
         font-size=\"12\"><title>network reachability of {}</title>",
        escape(project)
    );

    // The host.
    let _ = write!(
        svg,
        "<rect x=\"4\" y=\"{HOST_Y}\" width=\"{}\" height=\"{HOST_H}\" rx=\"4\" fill=\"#eceff1\" \
         stroke=\"#90a4ae\"/><text x=\"12\" y=\"{}\" font-weight=\"600\">host</text>",
        width - 8,
        HOST_Y + 17
    );
    let _ = write!(
        svg,
        "<text x=\"12\" y=\"{}\" fill=\"#546e7a\">published ports</text>",
        HOST_Y + HOST_H + 16
    );

    // Connectors first, so that boxes and markers are drawn over them.
    for &index in &order {
        let service = &graph.services[index];
        let x = x_of(index);
        let centre = x + BOX_W / 2;
        if service.on_host && service.namespace_of.is_none() {
            let _ = write!(
                svg,
                "<line x1=\"{centre}\" y1=\"{}\" x2=\"{centre}\" y2=\"{box_y}\" stroke=\"#c62828\" \
                 stroke-width=\"5\"><title>{} uses network_mode: host</title></line>",
                HOST_Y + HOST_H,
                escape(service.name())
            );
        } else if !service.bindings.is_empty() {
            let _ = write!(
                svg,
                "<line x1=\"{centre}\" y1=\"{}\" x2=\"{centre}\" y2=\"{box_y}\" stroke=\"#b0bec5\" \
                 stroke-width=\"2\"/>",
                HOST_Y + HOST_H
            );
        }
        let mut networks: Vec<usize> = service
            .attachments
            .iter()
            .filter_map(|attachment| {
                graph
                    .networks
                    .iter()
                    .position(|network| network.name == attachment.network)
            })
            .collect();
        networks.sort_unstable();
        networks.dedup();
        let count = networks.len();
        for (slot, &network) in networks.iter().enumerate() {
            let lx = x + 16 + slot * (BOX_W - 32) / count.saturating_sub(1).max(1);
            let lx = if count == 1 { centre } else { lx };
            let colour = PALETTE[network % PALETTE.len()];
            let y = bus_y(network);
            let _ = write!(
                svg,
                "<line x1=\"{lx}\" y1=\"{}\" x2=\"{lx}\" y2=\"{y}\" stroke=\"{colour}\" \
                 stroke-width=\"2\"/><circle cx=\"{lx}\" cy=\"{y}\" r=\"5\" fill=\"{colour}\">\
                 <title>{} on {}</title></circle>",
                box_y + BOX_H,
                escape(service.name()),
                escape(&graph.networks[network].name)
            );
        }
    }

    // Shared network namespaces.
    for &index in &order {
        if let Some(owner) = graph.services[index].namespace_of {
            let (a, b) = (x_of(index) + BOX_W / 2, x_of(owner) + BOX_W / 2);
            let y = box_y + BOX_H;
            let _ = write!(
                svg,
                "<path d=\"M {a} {y} C {a} {} {b} {} {b} {y}\" fill=\"none\" stroke=\"#6d4c41\" \
                 stroke-width=\"2\" stroke-dasharray=\"6 4\"><title>{} shares the network \
                 namespace of {}</title></path>",
                y + 34,
                y + 34,
                escape(graph.services[index].name()),
                escape(graph.services[owner].name())
            );
        }
    }

    // Networks.
    for (position, network) in graph.networks.iter().enumerate() {
        let y = bus_y(position);
        let colour = PALETTE[position % PALETTE.len()];
        let (start, end) = network
            .members
            .iter()
            .fold((usize::MAX, 0), |(lo, hi), &m| {
                (lo.min(x_of(m)), hi.max(x_of(m) + BOX_W))
            });
        let (start, end) = if start == usize::MAX {
            (LEFT, LEFT + 40)
        } else {
            (start.min(LEFT), end)
        };
        let dash = if network.internal() {
            " stroke-dasharray=\"10 5\""
        } else {
            ""
        };
        let mut flags = Vec::new();
        if network.implicit() {
            flags.push("implicit default");
        }
        if network.internal() {
            flags.push("internal");
        }
        if network.external() {
            flags.push("external");
        }
        let _ = write!(
            svg,
            "<line x1=\"{start}\" y1=\"{y}\" x2=\"{end}\" y2=\"{y}\" stroke=\"{colour}\" \
             stroke-width=\"4\"{dash}/><text x=\"8\" y=\"{}\" fill=\"{colour}\" \
             font-weight=\"600\">{}<title>network {}</title></text>",
            y + 4,
            escape(&shorten(&network.name)),
            escape(&network.name)
        );
        if !flags.is_empty() {
            let _ = write!(
                svg,
                "<text x=\"8\" y=\"{}\" fill=\"#607d8b\" font-size=\"10\">{}</text>",
                y + 16,
                flags.join(", ")
            );
        }
    }

    // Services and their published ports.
    for &index in &order {
        let service = &graph.services[index];
        let x = x_of(index);
        let (fill, stroke, stroke_width) = match (&service.role, service.on_host) {
            (_, true) => ("#ffebee", "#c62828", 3),
            (Role::DataStore(_), _) => ("#fff8e1", "#f9a825", 2),
            (Role::EdgeProxy(_), _) => ("#e8f5e9", "#43a047", 2),
            (Role::Application, _) => ("#e3f2fd", "#1e88e5", 2),
        };
        let mut detail = match service.mode.as_ref().map(|mode| &mode.value) {
            Some(NetworkMode::Host) => "network_mode: host".to_owned(),
            Some(NetworkMode::None) => "network_mode: none".to_owned(),
            _ => service.role.to_string(),
        };
        if let Some(owner) = service.namespace_of {
            detail = format!("in {}'s namespace", graph.services[owner].name());
        }
        let _ = write!(
            svg,
            "<g class=\"service\"><title>{}: {}</title><rect x=\"{x}\" y=\"{box_y}\" \
             width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" \
             stroke-width=\"{stroke_width}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" \
             font-weight=\"600\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" \
             font-size=\"10\" fill=\"#455a64\">{}</text></g>",
            escape(service.name()),
            escape(placements.get(index).map_or("", String::as_str)),
            x + BOX_W / 2,
            box_y + 20,
            escape(&shorten(service.name())),
            x + BOX_W / 2,
            box_y + 37,
            escape(&shorten(&detail)),
        );
        for (slot, binding) in service.bindings.iter().enumerate() {
            let binding = &binding.value;
            let (colour, words) = match binding.interface {
                Interface::All => ("#c62828", "all interfaces"),
                Interface::Address(_) => ("#ef6c00", "one address"),
                Interface::Loopback(_) => ("#607d8b", "loopback only"),
            };
            let y = HOST_Y + HOST_H + 10 + slot * (PORT_H + 4);
            let label = format!(
                "{} \u{2192} {}/{}",
                binding.host_side(),
                binding.container_port,
                binding.protocol
            );
            let _ = write!(
                svg,
                "<g class=\"port\"><title>{} publishes {} on {words}</title><rect x=\"{}\" \
                 y=\"{y}\" width=\"{}\" height=\"{PORT_H}\" rx=\"9\" fill=\"#fff\" \
                 stroke=\"{colour}\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\" \
                 text-anchor=\"middle\" font-size=\"10\" fill=\"{colour}\">{}</text></g>",
                escape(service.name()),
                escape(&label),
                x + 6,
                BOX_W - 12,
                x + BOX_W / 2,
                y + 13,
                escape(&shorten(&label)),
            );
        }
    }
    if graph.services.is_empty() {
        let _ = write!(
            svg,
            "<text x=\"{LEFT}\" y=\"{}\" fill=\"#607d8b\">(no services)</text>",
            box_y + 20
        );
    }
    svg.push_str("</svg>");
    svg
}

/// `text` cut to fit a box, with an ellipsis; the full text is in the element's title.
fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_LABEL {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(MAX_LABEL - 1).collect();
        short.push('\u{2026}');
        short
    }
}
