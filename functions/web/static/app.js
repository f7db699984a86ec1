// FTA Requests: the request form and the dashboard. The entry module: it signs
// the user in, wires the parts and starts polling.
//   api.js         calls to the API, and its error shape {error, message, details}
//   vocabulary.js  labels of the server's values, and who may do what (can)
//   form.js        the request form
//   dashboard.js   the list, the lead's queue and filters, the counts, polling
//   detail.js      a request's fields, timeline and actions
//   dom.js, state.js  building elements; what the page knows between calls

import { api, onUnauthorized, serverMessage } from "./api.js";
import { initDashboard, refreshList, renderViewer, startPolling, stopPolling } from "./dashboard.js";
import { initDetail, openDetail } from "./detail.js";
import { offerUploads } from "./documents.js";
import { $, clear, el } from "./dom.js";
import { initForm, renderChoices } from "./form.js";
import { personName, state } from "./state.js";
import { loadVocabulary, seesAllRequests, setViewer } from "./vocabulary.js";

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
  setViewer(state.me);
  return true;
}

function renderMe(me) {
  const who = $("who");
  clear(who);
  who.appendChild(el("span", { text: "Signed in as " }));
  who.appendChild(el("strong", { text: personName(me) }));
  if (seesAllRequests()) who.appendChild(el("span", { text: "FTA lead", className: "badge role" }));
  renderChoices(me);
  renderViewer(me);
  $("loading").hidden = true;
  $("signin-required").hidden = true;
  $("app").hidden = false;
}

async function start() {
  onUnauthorized(showSignIn);
  initForm({ onSubmitted: (request) => { refreshList({ reset: true }); offerUploads(request, openDetail); } });
  initDashboard({ onOpen: (id) => openDetail(id) });
  initDetail();

  const [signedIn] = await Promise.all([loadMe(), loadVocabulary()]);
  if (!signedIn) return;
  renderMe(state.me);
  await refreshList({ reset: true });
  startPolling();
}

start();
