// FTA Requests: the request form and the dashboard.
// Every value from the server goes into the page through textContent or
// createElement: nothing the server sends is ever parsed as markup.
"use strict";

(() => {
  const PAGE_SIZE = 25;
  const MAX_PAGE = 200;
  const POLL_MS = 5000;
  const OPEN = new Set(["submitted", "routed", "assigned"]);
  const STATUSES = ["submitted", "routed", "assigned", "completed", "cancelled"];
  const STATUS_LABELS = {
    submitted: "Submitted", routed: "Routed", assigned: "Assigned", completed: "Completed", cancelled: "Cancelled",
  };
  const REQUEST_TYPES = {
    "sow-ecif": "SOW review / ECIF related",
    "non-ecif": "Non-ECIF related",
    "migration-exception": "Migration exception",
  };
  const SEGMENTS = { enterprise: "Enterprise", "smc-c": "SMC-C", smb: "SMB", other: "Other" };
  const ENTITLEMENTS = { "microsoft-365": "Microsoft 365", "office-365": "Office 365", ems: "EMS" };
  const EVENT_LABELS = {
    "request.submitted": "Submitted",
    "request.routed": "Routed to lead group",
    "request.assigned": "Architect assigned",
    "request.reminder": "Reminder sent",
    "request.escalated": "Escalated",
    "request.cancelled": "Cancelled",
    "request.completed": "Completed",
  };
  const DATA_LABELS = {
    region: "region", leadGroup: "lead group", architect: "architect", previousArchitect: "previous architect",
    reason: "reason", reminder: "reminder", reminders: "reminders",
    escalateTo: "escalated to",
  };

  const state = {
    me: null,
    items: [],
    continuationToken: null,
    listSignature: "",
    selected: null, // {request, etag}
    idempotencyKey: newKey(),
    submitting: false,
    loadingList: false,
    refreshAgain: null, // "reset" or "keep": a refresh asked for while one was running
    acting: false,
  };

  const $ = (id) => document.getElementById(id);

  // -- helpers ---------------------------------------------------------------------

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function el(tag, options = {}, children = []) {
    const node = document.createElement(tag);
    if (options.text !== undefined && options.text !== null) node.textContent = String(options.text);
    if (options.className) node.className = options.className;
    for (const [name, value] of Object.entries(options.attrs || {})) node.setAttribute(name, value);
    for (const child of children) if (child) node.appendChild(child);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function formatTime(iso) {
    if (!iso) return "";
    const moment = new Date(iso);
    if (Number.isNaN(moment.getTime())) return String(iso);
    return moment.toLocaleString(undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
    });
  }

  function timeElement(iso) {
    return el("time", { text: formatTime(iso), attrs: { datetime: String(iso || "") } });
  }

  function groupName(id) {
    if (!id) return "";
    const group = (state.me && state.me.leadGroups || []).find((g) => g.id === id);
    return group ? group.name : id;
  }

  function statusBadge(status) {
    return el("span", { text: STATUS_LABELS[status] || status, className: `badge status-${status}` });
  }

  async function api(method, url, { body, headers = {} } = {}) {
    const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
    const response = await fetch(url, init);
    const text = await response.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (_) { data = null; }
    }
    if (response.status === 401) showSignIn();
    return { status: response.status, ok: response.ok, headers: response.headers, body: data };
  }

  function serverMessage(answer, fallback) {
    return (answer.body && typeof answer.body.message === "string" && answer.body.message) || fallback;
  }

  // -- sign-in ---------------------------------------------------------------------

  function showSignIn() {
    $("loading").hidden = true;
    $("app").hidden = true;
    $("signin-required").hidden = false;
    $("who").textContent = "";
    stopPolling();
  }

  async function loadMe() {
    let answer;
    try {
      answer = await api("GET", "/api/me");
    } catch (_) {
      $("loading").textContent = "The service cannot be reached. Reload the page to try again.";
      return false;
    }
    if (answer.status === 401) return false;
    if (!answer.ok || !answer.body) {
      $("loading").textContent = serverMessage(answer, "The service is unavailable. Reload the page to try again.");
      return false;
    }
    state.me = answer.body;
    return true;
  }

  function renderMe() {
    const me = state.me;
    const who = $("who");
    clear(who);
    who.appendChild(el("span", { text: "Signed in as " }));
    who.appendChild(el("strong", { text: me.name && me.name !== me.email ? `${me.name} (${me.email})` : me.email }));
    if (me.isLead) who.appendChild(el("span", { text: "FTA lead", className: "badge role" }));

    const region = $("region");
    for (const name of me.regions) region.appendChild(el("option", { text: name, attrs: { value: name } }));

    if (me.isLead) {
      $("dashboard-heading").textContent = "Requests";
      $("filters").hidden = false;
      const filter = $("filter-leadGroup");
      for (const group of me.leadGroups) filter.appendChild(el("option", { text: group.name, attrs: { value: group.id } }));
    }
    $("loading").hidden = true;
    $("signin-required").hidden = true;
    $("app").hidden = false;
  }

  // -- the form --------------------------------------------------------------------

  const form = () => $("request-form");

  function showTypeDetails() {
    const chosen = $("requestType").value;
    for (const fieldset of form().querySelectorAll(".type-details")) {
      const active = fieldset.dataset.requestType === chosen;
      fieldset.hidden = !active;
      fieldset.disabled = !active;
    }
  }

  function text(id) {
    const value = $(id).value.trim();
    return value === "" ? undefined : value;
  }

  function number(id) {
    const raw = $(id).value.trim();
    return raw === "" ? undefined : Number(raw);
  }

  function readForm() {
    const body = {
      tpid: text("tpid"),
      tenant: text("tenant"),
      customerName: text("customerName"),
      partner: text("partner"),
      totalUsers: number("totalUsers"),
      segment: text("segment"),
      entitlements: Array.from(form().querySelectorAll('input[name="entitlements"]:checked'), (box) => box.value),
      salesStagePercent: number("salesStagePercent"),
      compellingEvent: $("compellingEvent").value,
      requestType: text("requestType"),
      region: text("region"),
      instructions: text("instructions"),
    };
    if (body.requestType === "sow-ecif") body.fundingAmountUsd = number("fundingAmountUsd");
    if (body.requestType === "migration-exception") {
      body.migration = {
        mailboxCount: number("migration-mailboxCount"),
        sourceEnvironment: text("migration-sourceEnvironment"),
        justification: text("migration-justification"),
      };
    }
    return body; // JSON.stringify leaves out the undefined ones
  }

  function clearFormErrors() {
    for (const node of form().querySelectorAll(".field-error")) node.textContent = "";
    for (const node of form().querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    const summary = $("form-summary");
    clear(summary);
    summary.hidden = true;
  }

  // "migration.mailboxCount" -> error-migration-mailboxCount; "entitlements.1" -> error-entitlements
  function errorSlot(field) {
    const parts = String(field || "").split(".").filter((p) => p !== "");
    while (parts.length) {
      const slot = document.getElementById(`error-${parts.join("-")}`);
      if (slot && form().contains(slot)) return { slot, key: parts.join("-") };
      parts.pop();
    }
    return null;
  }

  function labelFor(key) {
    const label = form().querySelector(`label[for="${CSS.escape(key)}"]`);
    if (label) return label.textContent;
    const group = document.getElementById(key);
    const legend = group && group.querySelector("legend");
    return legend ? legend.textContent : "";
  }

  function showProblems(title, problems) {
    const summary = $("form-summary");
    clear(summary);
    summary.appendChild(el("h3", { text: title }));
    const list = el("ul");
    for (const problem of problems) {
      const found = errorSlot(problem.field);
      if (found) {
        const existing = found.slot.textContent;
        found.slot.textContent = existing ? `${existing} ${problem.message}` : problem.message;
        const control = document.getElementById(found.key);
        if (control && control.matches("input, select, textarea, fieldset")) control.setAttribute("aria-invalid", "true");
      }
      const label = found ? labelFor(found.key) : "";
      list.appendChild(el("li", { text: label ? `${label}: ${problem.message}` : problem.message }));
    }
    summary.appendChild(list);
    summary.hidden = false;
    summary.focus();
  }

  async function submitRequest(event) {
    event.preventDefault();
    if (state.submitting) return;
    state.submitting = true;
    const button = $("submit-request");
    button.disabled = true;
    button.textContent = "Submitting…";
    clearFormErrors();
    const result = $("form-result");
    result.textContent = "";
    try {
      const answer = await api("POST", "/api/requests", {
        body: readForm(), headers: { "Idempotency-Key": state.idempotencyKey },
      });
      if (answer.status === 201 && answer.body) {
        state.idempotencyKey = newKey();
        form().reset();
        showTypeDetails();
        result.textContent = `Request ${answer.body.id} submitted — status: ${answer.body.status}`;
        result.focus();
        refreshList({ reset: true });
      } else if (answer.status === 400) {
        const details = (answer.body && answer.body.details) || [];
        showProblems("Please correct the highlighted fields",
          details.length ? details : [{ field: "", message: serverMessage(answer, "The request is not valid.") }]);
      } else if (answer.status === 422) {
        const reasons = (answer.body && answer.body.reasons) || [];
        showProblems("This request is not eligible for a FastTrack Architect",
          reasons.length ? reasons : [{ field: "", message: serverMessage(answer, "The request is not eligible.") }]);
      } else if (answer.status !== 401) {
        showProblems("The request was not submitted",
          [{ field: "", message: serverMessage(answer, `The service answered ${answer.status}. Try again.`) }]);
      }
    } catch (_) {
      showProblems("The request was not submitted", [{ field: "", message: "The service cannot be reached. Try again." }]);
    } finally {
      state.submitting = false;
      button.disabled = false;
      button.textContent = "Submit";
    }
  }

  // -- the dashboard ---------------------------------------------------------------

  function listQuery(limit, continuationToken) {
    const params = new URLSearchParams();
    if (state.me.isLead) {
      const group = $("filter-leadGroup").value;
      const status = $("filter-status").value;
      if (group) params.set("leadGroup", group);
      if (status) params.set("status", status);
      else params.set("view", "queue"); // waiting for an architect first, oldest first
      if ($("filter-mine").checked) params.set("mine", "true");
    }
    params.set("counts", "true");
    params.set("limit", String(limit));
    if (continuationToken) params.set("continuationToken", continuationToken);
    return `/api/requests?${params.toString()}`;
  }

  async function refreshList({ reset = false } = {}) {
    if (state.loadingList) {
      state.refreshAgain = state.refreshAgain || (reset ? "reset" : "keep");
      return;
    }
    state.loadingList = true;
    const limit = reset ? PAGE_SIZE : Math.min(MAX_PAGE, Math.max(PAGE_SIZE, state.items.length));
    try {
      const answer = await api("GET", listQuery(limit));
      if (!answer.ok || !answer.body) {
        if (answer.status !== 401) $("dashboard-message").textContent = serverMessage(answer, "The requests could not be loaded.");
        return;
      }
      state.items = answer.body.items;
      state.counts = answer.body.counts || null;
      state.continuationToken = answer.body.continuationToken;
      $("dashboard-message").textContent = "";
      renderList();
    } catch (_) {
      $("dashboard-message").textContent = "The service cannot be reached; retrying.";
    } finally {
      listLoaded();
    }
  }

  function listLoaded() {
    state.loadingList = false;
    const again = state.refreshAgain;
    state.refreshAgain = null;
    if (again) refreshList({ reset: again === "reset" });
  }

  async function loadMore() {
    if (state.loadingList || !state.continuationToken) return;
    state.loadingList = true;
    try {
      const answer = await api("GET", listQuery(PAGE_SIZE, state.continuationToken));
      if (!answer.ok || !answer.body) {
        if (answer.status !== 401) $("dashboard-message").textContent = serverMessage(answer, "More requests could not be loaded.");
        return;
      }
      const known = new Set(state.items.map((item) => item.id));
      state.items = state.items.concat(answer.body.items.filter((item) => !known.has(item.id)));
      state.continuationToken = answer.body.continuationToken;
      renderList();
    } catch (_) {
      $("dashboard-message").textContent = "The service cannot be reached.";
    } finally {
      listLoaded();
    }
  }

  function renderCounts() {
    const counts = $("status-counts");
    clear(counts);
    // The server counts every request under the filters, not only the loaded page.
    const tally = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    if (state.counts) Object.assign(tally, state.counts);
    else for (const item of state.items) tally[item.status] = (tally[item.status] || 0) + 1;
    const total = STATUSES.reduce((sum, s) => sum + (tally[s] || 0), 0);
    counts.appendChild(el("li", { className: "count-total" }, [
      el("span", { text: total, className: "count" }), el("span", { text: " in all" }),
    ]));
    for (const status of STATUSES) {
      counts.appendChild(el("li", { className: `count-${status}`, attrs: { "data-status": status } }, [
        el("span", { text: tally[status], className: "count" }), el("span", { text: ` ${STATUS_LABELS[status]}` }),
      ]));
    }
  }

  function renderList() {
    const signature = JSON.stringify([state.items, state.continuationToken, state.counts]);
    $("load-more").hidden = !state.continuationToken;
    if (signature === state.listSignature) return;
    state.listSignature = signature;

    const focusedId = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.requestId : undefined;
    const body = $("requests-body");
    clear(body);
    for (const item of state.items) {
      const select = el("button", {
        text: item.id, className: "link-button",
        attrs: { type: "button", "data-request-id": item.id, title: "Show details and timeline" },
      });
      select.addEventListener("click", () => openDetail(item.id));
      const row = el("tr", { attrs: { "data-request-id": item.id } }, [
        el("td", {}, [select]),
        el("td", { text: item.customerName || "" }),
        el("td", { text: item.tpid }),
        el("td", { text: REQUEST_TYPES[item.requestType] || item.requestType }),
        el("td", { className: "status-cell" }, [statusBadge(item.status)]),
        el("td", { text: groupName(item.leadGroup) }),
        el("td", { text: item.architect || "" }),
        el("td", { className: "nowrap" }, [timeElement(item.createdAt)]),
        el("td", {}, [item.overdue ? el("span", { text: "Overdue", className: "badge overdue" }) : el("span", { text: "No", className: "muted" })]),
      ]);
      if (state.selected && state.selected.request.id === item.id) row.setAttribute("aria-current", "true");
      body.appendChild(row);
    }
    $("requests-empty").hidden = state.items.length > 0;
    renderCounts();
    if (focusedId) {
      const again = body.querySelector(`button[data-request-id="${CSS.escape(focusedId)}"]`);
      if (again) again.focus();
    }
    markStaleDetail();
  }

  function markStaleDetail() {
    if (!state.selected) return;
    const listed = state.items.find((item) => item.id === state.selected.request.id);
    // ISO 8601 UTC of fixed width: comparing the strings compares the times
    $("detail-stale").hidden = !(listed && listed.updatedAt > state.selected.request.updatedAt);
  }

  // -- the detail panel ------------------------------------------------------------

  async function openDetail(requestId, { focus = true, keepMessage = false } = {}) {
    const answer = await api("GET", `/api/requests/${encodeURIComponent(requestId)}`);
    if (!answer.ok || !answer.body) {
      if (answer.status !== 401) $("dashboard-message").textContent = serverMessage(answer, "The request could not be loaded.");
      return;
    }
    showDetail(answer.body, answer.headers.get("ETag"), { keepMessage });
    if (focus) $("detail-heading").focus();
  }

  function showDetail(request, etag, { keepMessage = false } = {}) {
    state.selected = { request, etag };
    $("detail").hidden = false;
    $("detail-heading").textContent = `Request ${request.id}`;
    if (!keepMessage) $("action-message").textContent = "";
    renderFields(request);
    renderTimeline(request.history || []);
    renderActions(request);
    for (const row of $("requests-body").querySelectorAll("tr")) {
      if (row.dataset.requestId === request.id) row.setAttribute("aria-current", "true");
      else row.removeAttribute("aria-current");
    }
    markStaleDetail();
  }

  function closeDetail() {
    const id = state.selected && state.selected.request.id;
    state.selected = null;
    $("detail").hidden = true;
    for (const row of $("requests-body").querySelectorAll("tr")) row.removeAttribute("aria-current");
    const back = id && $("requests-body").querySelector(`button[data-request-id="${CSS.escape(id)}"]`);
    if (back) back.focus();
  }

  function renderFields(request) {
    const rows = [
      ["Status", statusBadge(request.status)],
      ["Customer name", request.customerName],
      ["TPID", request.tpid],
      ["Tenant", request.tenant],
      ["Partner", request.partner],
      ["Total users", request.totalUsers],
      ["Segment", SEGMENTS[request.segment] || request.segment],
      ["Entitlements", (request.entitlements || []).map((e) => ENTITLEMENTS[e] || e).join(", ") || "none"],
      ["Sales stage", `${request.salesStagePercent} %`],
      ["Compelling event", request.compellingEvent],
      ["Request type", REQUEST_TYPES[request.requestType] || request.requestType],
      ["Funding amount (USD)", request.fundingAmountUsd],
      ["Mailbox count", request.migration && request.migration.mailboxCount],
      ["Source environment", request.migration && request.migration.sourceEnvironment],
      ["Justification", request.migration && request.migration.justification],
      ["Region", request.region],
      ["Instructions", request.instructions],
      ["Requestor", request.requestor && (request.requestor.name ? `${request.requestor.name} (${request.requestor.email})` : request.requestor.email)],
      ["Lead group", groupName(request.leadGroup)],
      ["Architect", request.architect],
      ["Created", timeElement(request.createdAt)],
      ["Updated", timeElement(request.updatedAt)],
      ["Overdue", request.overdue ? "yes: no architect within the promised time" : null],
    ];
    const list = $("detail-fields");
    clear(list);
    for (const [label, value] of rows) {
      if (value === null || value === undefined || value === "") continue;
      const dd = el("dd", { attrs: { "data-field": label } });
      if (value instanceof Node) dd.appendChild(value);
      else dd.textContent = String(value);
      list.appendChild(el("div", { className: "field-row" }, [el("dt", { text: label }), dd]));
    }
  }

  function summarizeData(data) {
    return Object.entries(data || {})
      .filter(([, value]) => value !== null && value !== undefined && value !== "")
      .map(([key, value]) => {
        const label = DATA_LABELS[key] || key;
        if (key === "leadGroup" || key === "escalateTo") return `${label}: ${groupName(value)}`;
        if (key === "auto") return value ? "chosen by the workload balancer" : "";
        if (typeof value === "boolean") return `${label}: ${value ? "yes" : "no"}`;
        if (typeof value === "object") return `${label}: ${JSON.stringify(value)}`;
        return `${label}: ${value}`;
      })
      .filter(Boolean)
      .join("; ");
  }

  function renderTimeline(history) {
    const list = $("timeline");
    clear(list);
    for (const event of history) {
      const summary = summarizeData(event.data);
      list.appendChild(el("li", { attrs: { "data-event-type": event.type } }, [
        el("span", { text: EVENT_LABELS[event.type] || event.type, className: "event-type" }),
        timeElement(event.occurredAt),
        el("span", { text: `by ${event.actor}`, className: "event-actor" }),
        summary ? el("span", { text: summary, className: "event-data" }) : null,
      ]));
    }
  }

  function renderActions(request) {
    const box = $("detail-actions");
    clear(box);
    const me = state.me;
    const owner = request.requestor && request.requestor.email === me.email;

    if (me.isLead && (request.status === "routed" || request.status === "assigned")) {
      const group = me.leadGroups.find((g) => g.id === request.leadGroup);
      const select = el("select", { attrs: { id: "assign-architect" } }, [
        el("option", { text: "Auto (workload balancer)", attrs: { value: "auto" } }),
      ]);
      for (const architect of (group && group.architects) || []) {
        const label = architect.name && architect.name !== architect.email ? `${architect.name} (${architect.email})` : architect.email;
        select.appendChild(el("option", { text: label, attrs: { value: architect.email } }));
      }
      const email = el("input", { attrs: { id: "assign-email", type: "email", autocomplete: "off", placeholder: "name@contoso.com" } });
      const assign = el("button", { text: "Assign", className: "primary", attrs: { type: "submit" } });
      const assignForm = el("form", { className: "action-form", attrs: { "aria-label": "Assign an architect" } }, [
        el("div", { className: "field" }, [el("label", { text: "Architect", attrs: { for: "assign-architect" } }), select]),
        el("div", { className: "field" }, [el("label", { text: "Or another architect's email", attrs: { for: "assign-email" } }), email]),
        assign,
      ]);
      assignForm.addEventListener("submit", (event) => {
        event.preventDefault();
        const architect = email.value.trim() || select.value;
        act("assign", { architect }, `assigned to ${architect === "auto" ? "the balancer's choice" : architect}`);
      });
      box.appendChild(assignForm);
    }

    if (me.isLead && request.status === "assigned") {
      const complete = el("button", { text: "Complete", attrs: { type: "button" } });
      complete.addEventListener("click", () => act("complete", undefined, "completed"));
      box.appendChild(el("div", { className: "action-form" }, [complete]));
    }

    if ((owner || me.isLead) && OPEN.has(request.status)) {
      const reason = el("input", { attrs: { id: "cancel-reason", type: "text", autocomplete: "off" } });
      const cancel = el("button", { text: "Cancel request", className: "danger", attrs: { type: "submit" } });
      const cancelForm = el("form", { className: "action-form", attrs: { "aria-label": "Cancel this request" } }, [
        el("div", { className: "field" }, [el("label", { text: "Reason for cancelling (optional)", attrs: { for: "cancel-reason" } }), reason]),
        cancel,
      ]);
      cancelForm.addEventListener("submit", (event) => {
        event.preventDefault();
        const text = reason.value.trim();
        act("cancel", text ? { reason: text } : {}, "cancelled");
      });
      box.appendChild(cancelForm);
    }
  }

  async function act(action, body, done) {
    if (state.acting || !state.selected) return;
    state.acting = true;
    const { request, etag } = state.selected;
    const message = $("action-message");
    message.textContent = "";
    message.className = "message";
    const buttons = $("detail-actions").querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const headers = etag ? { "If-Match": etag } : {};
      const answer = await api("POST", `/api/requests/${encodeURIComponent(request.id)}/${action}`, { body, headers });
      if (answer.ok && answer.body) {
        showDetail(answer.body, answer.headers.get("ETag"));
        message.textContent = `Request ${answer.body.id} ${done} — status: ${answer.body.status}`;
        message.className = "message success";
        refreshList();
      } else if (answer.status === 412) {
        message.textContent = "Someone changed this request since you opened it. The latest version is shown: check it and try again.";
        message.className = "message error";
        await openDetail(request.id, { focus: false, keepMessage: true });
        refreshList();
      } else if (answer.status === 409) {
        message.textContent = `Not possible now: ${serverMessage(answer, "the request is not in a state that allows this.")}`;
        message.className = "message error";
        await openDetail(request.id, { focus: false, keepMessage: true });
        refreshList();
      } else if (answer.status !== 401) {
        const details = (answer.body && answer.body.details) || [];
        const extra = details.map((d) => d.message).filter(Boolean).join("; ");
        message.textContent = serverMessage(answer, `The service answered ${answer.status}.`) + (extra ? ` (${extra})` : "");
        message.className = "message error";
      }
    } catch (_) {
      message.textContent = "The service cannot be reached. Try again.";
      message.className = "message error";
    } finally {
      state.acting = false;
      $("detail-actions").querySelectorAll("button").forEach((b) => { b.disabled = false; });
    }
  }

  // -- polling ---------------------------------------------------------------------

  let pollTimer = null;

  function startPolling() {
    stopPolling();
    pollTimer = window.setInterval(() => {
      if (!document.hidden) refreshList();
    }, POLL_MS);
  }

  function stopPolling() {
    if (pollTimer !== null) window.clearInterval(pollTimer);
    pollTimer = null;
  }

  // -- start -----------------------------------------------------------------------

  async function start() {
    $("requestType").addEventListener("change", showTypeDetails);
    form().addEventListener("submit", submitRequest);
    form().addEventListener("reset", () => window.setTimeout(showTypeDetails, 0));
    $("refresh").addEventListener("click", () => refreshList());
    $("load-more").addEventListener("click", loadMore);
    $("filters").addEventListener("change", () => refreshList({ reset: true }));
    $("filters").addEventListener("submit", (event) => event.preventDefault());
    $("detail-close").addEventListener("click", closeDetail);
    $("detail-reload").addEventListener("click", () => state.selected && openDetail(state.selected.request.id));
    showTypeDetails();

    if (!(await loadMe())) return;
    renderMe();
    await refreshList({ reset: true });
    startPolling();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
