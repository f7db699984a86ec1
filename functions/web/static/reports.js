// The Reports view for leads and admins: assigned within the SLA per lead
// group (an inline SVG bar chart), time to assign p50/p90, open and overdue
// now, each architect's load; each chart has a table with the same figures
// for screen readers and keyboard users. Figures come from GET /api/reports/sla.

import { api, serverMessage } from "./api.js";
import { $, clear, el } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

/** A horizontal bar chart: one bar per row, scaled to ``max``; the figures are also in a table. */
function barChart(title, rows, max, unit) {
  const rowHeight = 28;
  const height = rows.length * rowHeight + 8;
  const chart = svg("svg", { viewBox: `0 0 320 ${height}`, role: "img", "aria-label": title, class: "chart",
    preserveAspectRatio: "xMinYMin meet" });
  chart.appendChild(svg("title", {}, title));
  rows.forEach((row, i) => {
    const y = i * rowHeight + 4;
    const value = typeof row.value === "number" ? row.value : 0;
    const width = max > 0 ? Math.max(0, Math.min(1, value / max)) * 170 : 0;
    chart.appendChild(svg("text", { x: 0, y: y + 16, class: "chart-label" }, row.label));
    chart.appendChild(svg("rect", { x: 110, y, width: Math.max(width, 1), height: 20, class: "chart-bar", rx: 2 }));
    chart.appendChild(svg("text", { x: 116 + width, y: y + 15, class: "chart-value" },
      row.value === null || row.value === undefined ? "—" : `${row.value}${unit}`));
  });
  return chart;
}

function table(caption, headings, rows) {
  const head = el("tr", {}, headings.map((h) => el("th", { text: h, attrs: { scope: "col" } })));
  const body = rows.map((cells) => el("tr", {}, cells.map((c, i) => (i === 0
    ? el("th", { text: c, attrs: { scope: "row" } }) : el("td", { text: c })))));
  // Focusable, so that a keyboard can scroll a table wider than a phone.
  return el("div", { className: "report-table-wrap", attrs: { tabindex: "0", role: "region", "aria-label": caption } }, [
    el("table", { className: "report-table" }, [
    el("caption", { text: caption }), el("thead", {}, [head]), el("tbody", {}, body)])]);
}

const show = (value, unit = "") => (value === null || value === undefined ? "—" : `${value}${unit}`);

function figure(id, heading, chart, details) {
  return el("figure", { className: "report-figure", attrs: { "aria-labelledby": id } }, [
    el("figcaption", { text: heading, attrs: { id } }), chart, details]);
}

export function renderReports(byGroup, byArchitect, groupName) {
  const target = $("reports-body");
  clear(target);
  const groups = byGroup.groups;
  const label = (g) => groupName(g.key);
  target.appendChild(el("p", { className: "report-period",
    text: `Requests submitted ${byGroup.from} to ${byGroup.to} (UTC); SLA ${byGroup.slaBusinessHours} business hours.` }));
  target.appendChild(figure("chart-sla", "Assigned within the SLA, per lead group",
    barChart("Assigned within the SLA, per lead group (%)", groups.map((g) => ({ label: label(g), value: g.withinSlaPercent })), 100, " %"),
    table("Assigned within the SLA, per lead group", ["Lead group", "Submitted", "Assigned", "Within SLA", "Within SLA %"],
      groups.map((g) => [label(g), show(g.submitted), show(g.assigned), show(g.assignedWithinSla), show(g.withinSlaPercent, " %")]))));
  const slowest = Math.max(1, ...groups.map((g) => g.timeToAssignBusinessHours.p90 || 0));
  target.appendChild(figure("chart-time", "Time to assign (business hours, p90)",
    barChart("Time to assign, p90, per lead group (business hours)", groups.map((g) => ({ label: label(g), value: g.timeToAssignBusinessHours.p90 })), slowest, " h"),
    table("Time to assign per lead group, in business hours", ["Lead group", "p50", "p90"],
      groups.map((g) => [label(g), show(g.timeToAssignBusinessHours.p50, " h"), show(g.timeToAssignBusinessHours.p90, " h")]))));
  const most = Math.max(1, ...groups.map((g) => g.openNow));
  target.appendChild(figure("chart-open", "Open and overdue now, per lead group",
    barChart("Open requests now, per lead group", groups.map((g) => ({ label: label(g), value: g.openNow })), most, ""),
    table("Open and overdue now, per lead group", ["Lead group", "Open", "Overdue"],
      groups.map((g) => [label(g), show(g.openNow), show(g.overdueNow)]))));
  const architects = byArchitect.groups;
  const busiest = Math.max(1, ...architects.map((a) => a.openNow));
  target.appendChild(figure("chart-load", "Each architect's load",
    barChart("Open assignments per architect", architects.map((a) => ({ label: a.key.split("@")[0], value: a.openNow })), busiest, ""),
    table("Each architect's load", ["Architect", "Open now", "Assigned in the period", "Within SLA"],
      architects.map((a) => [a.key, show(a.openNow), show(a.assigned), show(a.assignedWithinSla)]))));
}

export async function refreshReports(groupName) {
  const message = $("reports-message");
  message.textContent = "";
  const [byGroup, byArchitect] = await Promise.all([
    api("GET", "/api/reports/sla?groupBy=leadGroup"), api("GET", "/api/reports/sla?groupBy=architect")]);
  if (!byGroup.ok || !byArchitect.ok) {
    message.textContent = serverMessage(byGroup.ok ? byArchitect : byGroup, "The reports cannot be read right now.");
    return;
  }
  renderReports(byGroup.body, byArchitect.body, groupName);
}

/** Fetch the export (so that an error shows here, not as a page of JSON) and save it from a blob. */
async function downloadCsv() {
  const message = $("reports-message");
  message.textContent = "";
  const response = await fetch("/api/reports/requests.csv", { credentials: "same-origin", headers: { Accept: "text/csv" } });
  if (!response.ok) {
    message.textContent = "The export cannot be made right now.";
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { attrs: { href: url, download: "fta-requests.csv" } });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function initReports({ groupName }) {
  $("reports-refresh").addEventListener("click", () => refreshReports(groupName));
  $("reports-csv").addEventListener("click", downloadCsv);
}
