// @ts-check
// FTA Requests: the entry module. It signs the user in, reads the address and
// shows its view; links inside the page move between views with the History
// API (Back, forward and reload keep the view).
//   router.js      paths → views, the query a view keeps, the list calls (pure)
//   format.js      amounts, due times, sizes, percentages (pure)
//   sentences.js   the timeline's sentences (pure)
//   api.js         calls to the API, and its error shape {error, message, details}
//   vocabulary.js  the server's labels, and who may do what (can)
//   state.js       who is signed in; names for addresses and ids
//   list.js        home, the leads' queue and "Assigned to me": search, filters, sort
//   request.js     one request: facts, timeline, documents, its actions (dialogs.js)
//   form.js, eligibility.js   the request form and its live eligibility check
//   reports.js     the reports' period, grouping, figures and CSV
//   architects.js  the architects' availability: load, limit, absences; marking one away

import { api, onUnauthorized, serverMessage } from "./api.js";
import { leaveArchitects, showArchitects } from "./architects.js";
import { $, clear, el } from "./dom.js";
import { initForm, renderChoices } from "./form.js";
import { showList, stopPolling } from "./list.js";
import { initReports, showReports } from "./reports.js";
import { showRequest, stopFollowing } from "./request.js";
import { href, match, requestHref, routesClick } from "./router.js";
import { state } from "./state.js";
import { labels, loadVocabulary } from "./vocabulary.js";

/** @typedef {import("./router.js").RoutedView} RoutedView */

/** @type {Record<string, string>} */
const SECTIONS = {
  home: "view-home", new: "view-new", request: "view-request", feedback: "view-request", queue: "view-list", assigned: "view-list",
  reports: "view-reports", architects: "view-architects", "not-found": "view-not-found", signin: "view-signin",
};
/** @type {Record<string, string>} */
const TITLES = {
  home: "My requests", new: "New request", request: "Request", feedback: "Rate the review", queue: "Queue", assigned: "Assigned to me",
  reports: "Reports", architects: "Architects", "not-found": "Page not found", signin: "Sign in",
};
/** @type {Array<[import("./router.js").ViewName, string]>} */
const NAV = [["home", "My requests"], ["new", "New request"], ["queue", "Queue"], ["assigned", "Assigned to me"],
  ["reports", "Reports"], ["architects", "Architects"]];

let rendered = 0;

/**
 * The views the signed-in user may open: the server's list, else what the roles imply.
 * @param {import("./state.js").Me} me
 */
function viewsOf(me) {
  if (Array.isArray(me.views)) return me.views;
  if (me.isLead) return ["home", "new", "request", "feedback", "queue", "assigned", "reports", "architects"];
  return hasAssignments ? ["home", "new", "request", "feedback", "assigned"] : ["home", "new", "request", "feedback"];
}

let hasAssignments = false;

/** Without the server's list of views: an architect (no role) is offered "Assigned to me" once one is assigned. */
async function checkAssignments() {
  if (!state.me || Array.isArray(state.me.views) || state.me.isLead) return;
  try {
    const answer = await api("GET", "/api/requests?view=assigned&limit=1");
    hasAssignments = Boolean(answer.ok && answer.body && Array.isArray(answer.body.items) && answer.body.items.length);
  } catch (_) {
    hasAssignments = false;
  }
}

/** @param {import("./state.js").Me} me */
function homeOf(me) {
  return typeof me.home === "string" && me.home.startsWith("/") ? me.home : me.isLead ? "/queue" : "/";
}

/**
 * Show another view: a new entry in the browser's history (or in place of this one).
 * @param {string} url
 * @param {{replace?: boolean}} [options]
 */
export function navigate(url, { replace = false } = {}) {
  if (replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  render();
}

/** @param {string} name */
function showSection(name) {
  $("loading").hidden = true;
  for (const id of new Set(Object.values(SECTIONS))) $(id).hidden = id !== SECTIONS[name];
}

/** @param {string} current */
function renderNav(current) {
  const me = state.me;
  const list = $("nav-list");
  clear(list);
  if (!me) return;
  const open = viewsOf(me);
  for (const [view, label] of NAV) {
    if (!open.includes(view)) continue;
    /** @type {Record<string, string>} */
    const attrs = { href: href(view) };
    if (view === current) attrs["aria-current"] = "page";
    list.appendChild(el("li", {}, [el("a", { text: label, attrs })]));
  }
  $("nav").hidden = false;
}

/** @param {string} text */
function notFound(text) {
  $("not-found-text").textContent = text;
  showSection("not-found");
  document.title = `${TITLES["not-found"]} — FTA Requests`;
}

/** Show the view of the address the browser is at. */
async function render() {
  const me = state.me;
  if (!me) return;
  const route = match(window.location.pathname, window.location.search);
  const first = rendered === 0;
  rendered += 1;
  stopPolling();
  stopFollowing();
  leaveArchitects();
  const home = homeOf(me);
  const legacy = new URLSearchParams(window.location.search).get("request");
  if (route.view === "home" && legacy) {
    navigate(requestHref(legacy), { replace: true }); // a link of an older mail: /?request={id}
    return;
  }
  if (route.view === "home" && home !== "/" && first) {
    navigate(home, { replace: true }); // a lead lands on the queue, an architect on their assignments
    return;
  }
  renderNav(route.view);
  if (route.view === "not-found") {
    notFound("There is no page at this address.");
  } else if (!viewsOf(me).includes(route.view)) {
    notFound("This page is not open to you.");
  } else {
    showSection(route.view);
    document.title = `${TITLES[route.view]} — FTA Requests`;
    const go = { navigate };
    if (route.view === "home" || route.view === "queue" || route.view === "assigned") showList(route.view, route.query, go);
    else if (route.view === "new") renderChoices(me);
    else if (route.view === "request" || route.view === "feedback") {
      document.title = `${route.params.id} — FTA Requests`;
      showRequest(route.params.id, go, route.view === "feedback");
    } else if (route.view === "reports") showReports(route.query, go);
    else if (route.view === "architects") showArchitects();
  }
  if (!first) {
    window.scrollTo(0, 0);
    const heading = document.querySelector(`#${SECTIONS[route.view] || "view-not-found"} h1`);
    if (heading instanceof HTMLElement) heading.focus();
  }
}

function showSignIn() {
  stopPolling();
  stopFollowing();
  leaveArchitects();
  state.me = null;
  $("nav").hidden = true;
  $("who").textContent = "";
  const back = encodeURIComponent(window.location.pathname + window.location.search);
  $("signin-link").setAttribute("href", `/.auth/login/aad?post_login_redirect_uri=${back}`);
  showSection("signin");
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

/** @param {import("./state.js").Me} me */
function renderMe(me) {
  const who = $("who");
  clear(who);
  who.appendChild(el("span", { text: "Signed in as " }));
  who.appendChild(el("strong", { text: me.name || me.email }));
  if (me.isLead) who.appendChild(el("span", { text: "FTA lead", className: "badge role" }));
  who.appendChild(el("a", { text: "Sign out", className: "sign-out", attrs: { href: me.signOutUrl || "/.auth/logout" } }));
}

/** Links inside the page move between views without loading the page again. */
function followLinks() {
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!(target instanceof HTMLAnchorElement) || !state.me) return;
    const link = { origin: target.origin, pathname: target.pathname, target: target.target, hasDownload: target.hasAttribute("download") };
    if (!routesClick(link, event, window.location.origin)) return;
    event.preventDefault();
    if (target.pathname + target.search !== window.location.pathname + window.location.search) {
      navigate(target.pathname + target.search);
    }
  });
  window.addEventListener("popstate", () => render());
}

async function start() {
  onUnauthorized(showSignIn);
  initForm({
    onSubmitted: (request) => {
      const notices = (request.notices || []).map((/** @type {any} */ n) => n && n.message).filter(Boolean);
      state.flash = { id: request.id, text: [`Request ${request.id} submitted — status: ${labels("statuses", request.status)}.`, ...notices].join(" ") };
      navigate(requestHref(request.id));
    },
  });
  initReports();
  followLinks();
  const [signedIn] = await Promise.all([loadMe(), loadVocabulary()]);
  if (!signedIn || !state.me) {
    if ($("loading").textContent === "Loading…") showSignIn();
    return;
  }
  renderMe(state.me);
  await checkAssignments();
  render();
}

start();
