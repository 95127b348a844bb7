// dragoman workbench, events page: timeline (vis-timeline), actor network (cytoscape) and map
// (Leaflet over world-atlas country shapes, no tiles). The data is the page's own JSON, the
// same as /events.json. Names come from articles: they go into the DOM as text only.
"use strict";

const QUAD_COLOURS = {
  "verbal-cooperation": "#2e7d32", "material-cooperation": "#1565c0",
  "verbal-conflict": "#ef6c00", "material-conflict": "#c62828", "unknown": "#78909c",
};

function textElement(tag, text, className) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (className) el.className = className;
  return el;
}

function noData(container, message) {
  container.appendChild(textElement("p", message, "hint"));
}

function drawTimeline(container, items) {
  if (!items.length) { noData(container, "No dated events."); return null; }
  if (typeof vis === "undefined") { noData(container, "vis-timeline is not installed."); return null; }
  const data = new vis.DataSet(items.map(it => {
    const item = {id: it.id, start: it.start, content: textElement("span", it.label),
                  title: it.title, className: it.quad ? `q-${it.quad}` : ""};
    if (it.end) { item.end = it.end; item.type = "range"; } else { item.type = "point"; }
    return item;
  }));
  // vis-timeline's own XSS filter is kept on; the content is an element built from text anyway
  const timeline = new vis.Timeline(container, data, {stack: true, zoomable: true, height: "100%"});
  timeline.fit({animation: false});  // every item in view, an old year as much as last week
  timeline.on("select", props => {
    const row = props.items.length && document.querySelector(`tr[data-id="${CSS.escape(props.items[0])}"]`);
    if (row) row.scrollIntoView({block: "center", behavior: "smooth"});
  });
  return timeline;
}

function drawNetwork(container, network) {
  if (!network.edges.length) { noData(container, "No events with both a source and a target."); return null; }
  if (typeof cytoscape === "undefined") { noData(container, "cytoscape is not installed."); return null; }
  const maxWeight = Math.max(...network.edges.map(e => e.weight));
  const elements = network.nodes.map(n => ({data: {id: n.id, label: n.country ? `${n.name} (${n.country})` : n.name,
                                                   size: 18 + 6 * Math.sqrt(n.events)}}))
    .concat(network.edges.map(e => ({data: {id: e.id, source: e.source, target: e.target, weight: e.weight,
      colour: QUAD_COLOURS[e.quad] || QUAD_COLOURS.unknown,
      width: 1.5 + 6 * e.weight / maxWeight,
      label: `${Object.keys(e.types).join("/")} ×${e.weight}`}})));
  return cytoscape({
    container, elements, wheelSensitivity: 0.3,
    style: [
      {selector: "node", style: {"label": "data(label)", "width": "data(size)", "height": "data(size)",
        "font-size": 10, "background-color": "#546e7a", "text-valign": "bottom", "text-margin-y": 3}},
      {selector: "edge", style: {"width": "data(width)", "line-color": "data(colour)",
        "target-arrow-color": "data(colour)", "target-arrow-shape": "triangle", "curve-style": "bezier",
        "label": "data(label)", "font-size": 8, "color": "#37474f", "text-rotation": "autorotate"}},
    ],
    layout: {name: network.nodes.length > 2 ? "cose" : "circle", animate: false, padding: 20},
  });
}

async function drawMap(container, layer) {
  if (typeof L === "undefined" || typeof topojson === "undefined") { noData(container, "Leaflet is not installed."); return null; }
  // no tile layer: the map must work offline; country shapes come from world-atlas, served locally
  const map = L.map(container, {worldCopyJump: true, attributionControl: false}).setView([30, 30], 2);
  const maxCount = Math.max(1, ...Object.values(layer.countries));
  try {
    const response = await fetch("/static/vendor/world-atlas/countries-110m.json");
    const topo = await response.json();
    const shapes = topojson.feature(topo, topo.objects.countries);
    L.geoJSON(shapes, {
      style: feature => {
        const n = layer.countries[feature.id] || 0;
        return {color: "#90a4ae", weight: 0.6, fillColor: n ? "#8e24aa" : "#ffffff",
                fillOpacity: n ? 0.15 + 0.5 * n / maxCount : 0.9};
      },
      onEachFeature: (feature, shape) => {
        const n = layer.countries[feature.id] || 0;
        shape.bindTooltip(textElement("span", `${feature.properties.name}: ${n} event${n === 1 ? "" : "s"}`));
      },
    }).addTo(map);
  } catch (err) {
    noData(container, `country shapes unavailable: ${err}`);
  }
  const markers = layer.points.map(p => {
    const marker = L.circleMarker([p.lat, p.lon], {radius: 6, weight: 1, color: "#263238",
      fillColor: QUAD_COLOURS[p.quad] || QUAD_COLOURS.unknown, fillOpacity: 0.9});
    const popup = document.createElement("div");
    popup.appendChild(textElement("strong", p.place));
    popup.appendChild(document.createElement("br"));
    popup.appendChild(textElement("span", p.summary));
    popup.appendChild(document.createElement("br"));
    const link = textElement("a", p.doc);
    link.href = `/articles/${encodeURIComponent(p.doc)}`;
    popup.appendChild(link);
    marker.bindPopup(popup);
    return marker.addTo(map);
  });
  if (markers.length) map.fitBounds(L.featureGroup(markers).getBounds().pad(0.5), {maxZoom: 5});
  container.dataset.points = String(markers.length);
  return map;
}

document.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("events-data").textContent);
  window.dragoman = {
    timeline: drawTimeline(document.getElementById("timeline"), data.timeline),
    network: drawNetwork(document.getElementById("network"), data.network),
  };
  drawMap(document.getElementById("map"), data.map).then(map => {
    window.dragoman.map = map;
    document.getElementById("map").dataset.ready = "true";
  });
});
