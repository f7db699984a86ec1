// @ts-check
// The reports view (/reports?from=…&to=…&groupBy=…) for leads and admins: the
// period and grouping are controls of the view and part of its address; each
// chart (bars drawn in HTML, labels never clipped) has a table with the same
// figures; the CSV link carries the same period. Figures from GET /api/reports/sla.

import { api, refusalMessage } from "./api.js";
import { $, clear, el, field } from "./dom.js";
import { count, hours, percent } from "./format.js";
import { href, reportQuery } from "./router.js";
import { groupName, personName } from "./state.js";
import { entries, labels } from "./vocabulary.js";

/** @typedef {{key: string, submitted: number, assigned: number, assignedWithinSla: number, withinSlaPercent: number | null,
 *   timeToAssignBusinessHours: {p50: number | null, p90: number | null}, openNow: number, overdueNow: number,
 *   rated?: number, averageRating?: number | null, firstContacts?: number, firstContactsOnTime?: number,
 *   decisions?: Record<string, number>}} Group */

/** @type {{navigate: (url: string) => void}} */
let go = { navigate: () => {} };
let generation = 0;

/**
 * The name of a group's key under a grouping.
 * @param {string} groupBy
 * @param {string} key
 */
function keyName(groupBy, key) {
  if (groupBy === "leadGroup") return groupName(key);
  if (groupBy === "region") return labels("regions", key);
  if (groupBy === "requestType") return labels("requestTypes", key);
  if (groupBy === "architect") return personName(key);
  if (groupBy === "exceptionType") return labels("exceptionTypes", key);
  return key;
}

/**
 * Bars of one figure per group, each with its label above and its value beside: nothing is clipped.
 * @param {string} title
 * @param {Array<{label: string, value: number | null, text: string}>} rows
 * @param {number} max
 */
function bars(title, rows, max) {
  return el("ul", { className: "bars", attrs: { "aria-hidden": "true", "data-title": title } }, rows.map((row) => {
    const share = max > 0 && typeof row.value === "number" ? Math.max(0, Math.min(1, row.value / max)) : 0;
    const bar = el("span", { className: "bar" });
    bar.style.width = `${Math.round(share * 1000) / 10}%`;
    return el("li", {}, [el("span", { text: row.label, className: "bar-label" }),
      el("span", { className: "bar-track" }, [el("span", { className: "bar-area" }, [bar]),
        el("span", { text: row.text, className: "bar-value" })])]);
  }));
}

/**
 * @param {string} caption
 * @param {string[]} headings
 * @param {string[][]} rows
 */
function table(caption, headings, rows) {
  const head = el("tr", {}, headings.map((h) => el("th", { text: h, attrs: { scope: "col" } })));
  const body = rows.map((cells) => el("tr", {}, cells.map((c, i) => (i === 0
    ? el("th", { text: c, attrs: { scope: "row" } }) : el("td", { text: c })))));
  return el("table", { className: "report-table" }, [el("caption", { text: caption }), el("thead", {}, [head]), el("tbody", {}, body)]);
}

/**
 * @param {string} id
 * @param {string} heading
 * @param {Node} chart
 * @param {Node} details
 */
function figure(id, heading, chart, details) {
  return el("figure", { className: "report-figure card", attrs: { "aria-labelledby": id } }, [
    el("figcaption", { text: heading, attrs: { id } }), chart, details]);
}

/**
 * @param {{groups: Group[], from: string, to: string, groupBy: string, slaBusinessHours: number}} report
 */
export function renderReport(report) {
  const target = $("reports-body");
  clear(target);
  const by = { leadGroup: "lead group", region: "region", requestType: "request type", architect: "architect",
    exceptionType: "kind of exception" };
  const per = by[/** @type {keyof typeof by} */ (report.groupBy)] || report.groupBy;
  const title = per.charAt(0).toUpperCase() + per.slice(1);
  const groups = report.groups;
  const name = (/** @type {Group} */ g) => keyName(report.groupBy, g.key);
  target.appendChild(el("p", { className: "report-period",
    text: `Requests submitted ${report.from} to ${report.to} (UTC); the promise: an architect within ${report.slaBusinessHours} business hours.` }));
  target.appendChild(figure("chart-sla", `Assigned within the SLA, per ${per}`,
    bars("Within the SLA", groups.map((g) => ({ label: name(g), value: g.withinSlaPercent, text: percent(g.withinSlaPercent) })), 100),
    table(`Assigned within the SLA, per ${per}`, [title, "Submitted", "Assigned", "In SLA", "In SLA %"],
      groups.map((g) => [name(g), count(g.submitted), count(g.assigned), count(g.assignedWithinSla), percent(g.withinSlaPercent)]))));
  const slowest = Math.max(1, ...groups.map((g) => g.timeToAssignBusinessHours.p90 || 0));
  target.appendChild(figure("chart-time", "Time to assign (business hours, p90)",
    bars("Time to assign", groups.map((g) => ({ label: name(g), value: g.timeToAssignBusinessHours.p90, text: hours(g.timeToAssignBusinessHours.p90) })), slowest),
    table(`Time to assign per ${per}, in business hours`, [title, "p50", "p90"],
      groups.map((g) => [name(g), hours(g.timeToAssignBusinessHours.p50), hours(g.timeToAssignBusinessHours.p90)]))));
  const most = Math.max(1, ...groups.map((g) => g.openNow));
  target.appendChild(figure("chart-open", `Open and overdue now, per ${per}`,
    bars("Open now", groups.map((g) => ({ label: name(g), value: g.openNow, text: count(g.openNow) })), most),
    table(`Open and overdue now, per ${per}`, [title, "Open", "Overdue"],
      groups.map((g) => [name(g), count(g.openNow), count(g.overdueNow)]))));
  target.appendChild(engagement(groups, per, title, name));
  if (report.groupBy === "exceptionType") target.appendChild(tracker(groups, name));
}

/**
 * After assignment: first contacts (on time or late) and the requestors' ratings, per group.
 * @param {Group[]} groups
 * @param {string} per
 * @param {string} title
 * @param {(g: Group) => string} name
 */
function engagement(groups, per, title, name) {
  const rating = (/** @type {Group} */ g) => (typeof g.averageRating === "number" ? `${g.averageRating.toFixed(1)} of 5` : "–");
  return figure("chart-rating", `The engagement: first contacts and ratings, per ${per}`,
    bars("Average rating", groups.map((g) => ({ label: name(g), value: g.averageRating ?? null, text: rating(g) })), 5),
    table(`First contacts and ratings per ${per}`, [title, "First contacts", "On time", "Rated", "Average rating"],
      groups.map((g) => [name(g), count(g.firstContacts || 0), count(g.firstContactsOnTime || 0), count(g.rated || 0),
        rating(g)])));
}

/**
 * The exceptions tracker: the decisions on the migration exceptions of the period, per kind.
 * @param {Group[]} groups
 * @param {(g: Group) => string} name
 */
function tracker(groups, name) {
  const decisions = entries("decisions");
  const decided = (/** @type {Group} */ g) => Object.values(g.decisions || {}).reduce((a, b) => a + b, 0);
  return figure("chart-exceptions", "Exceptions tracker: decisions per kind of exception",
    bars("Decided", groups.map((g) => ({ label: name(g), value: decided(g), text: `${count(decided(g))} of ${count(g.submitted)}` })),
      Math.max(1, ...groups.map((g) => g.submitted))),
    table("Decisions per kind of exception (each request's decision is in the CSV)", ["Kind of exception", "Submitted",
      ...decisions.map(([, label]) => label)],
    groups.map((g) => [name(g), count(g.submitted), ...decisions.map(([value]) => count((g.decisions || {})[value] || 0))])));
}

/**
 * Show the reports for the address's period and grouping.
 * @param {Record<string, string>} query
 * @param {{navigate: (url: string) => void}} navigation
 */
export async function showReports(query, navigation) {
  go = navigation;
  generation += 1;
  const mine = generation;
  const chosen = reportQuery(query, new Date());
  field("reports-from").value = chosen.from;
  field("reports-to").value = chosen.to;
  field("reports-groupBy").value = chosen.groupBy;
  $("reports-csv").setAttribute("href", `/api/reports/requests.csv?${new URLSearchParams({ from: chosen.from, to: chosen.to })}`);
  $("reports-csv").setAttribute("download", `fta-requests-${chosen.from}-${chosen.to}.csv`);
  const message = $("reports-message");
  message.textContent = "";
  const answer = await api("GET", `/api/reports/sla?${new URLSearchParams(chosen)}`);
  if (mine !== generation) return;
  if (!answer.ok || !answer.body) {
    clear($("reports-body"));
    if (answer.status !== 401) message.textContent = refusalMessage(answer, "The reports cannot be read right now.");
    return;
  }
  renderReport(answer.body);
}

/**
 * The CSV link, fetched by the page (so that a refusal shows here, not as a page of JSON) and saved from a blob.
 * @param {MouseEvent} event
 */
async function downloadCsv(event) {
  const link = /** @type {HTMLAnchorElement} */ ($("reports-csv"));
  if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  const message = $("reports-message");
  message.textContent = "";
  try {
    const response = await fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/csv" } });
    if (!response.ok) {
      message.textContent = `The export cannot be made right now (${response.status}).`;
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const save = el("a", { attrs: { href: url, download: link.getAttribute("download") || "fta-requests.csv" } });
    document.body.appendChild(save);
    save.click();
    save.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (_) {
    message.textContent = "The service cannot be reached. Try again.";
  }
}

/** Changing the period or grouping changes the address. */
export function initReports() {
  $("reports-csv").addEventListener("click", downloadCsv);
  const form = $("reports-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go.navigate(href("reports", {}, { from: field("reports-from").value, to: field("reports-to").value,
      groupBy: field("reports-groupBy").value }));
  });
}
