// FTA Requests: the request form and the dashboard. The entry module: it signs
// the user in, wires the parts and starts polling.
//   api.js         calls to the API, and its error shape {error, message, details}
//   vocabulary.js  labels of the server's values, and who may do what (can)
//   form.js        the request form
//   eligibility.js the live eligibility check beside the form's fields
//   answer.js      the requests waiting on my answer, first on the page
//   dashboard.js   the list, the lead's queue and filters, "Assigned to me", the counts, polling
//   detail.js      a request's fields and the question it waits on; posts its actions
//   actions.js     the action forms and the comment box, as allowedActions offers them
//   timeline.js    a request's timeline
//   dom.js, state.js  building elements; what the page knows between calls

import { initAnswers, refreshAnswers } from "./answer.js";
import { api, onUnauthorized, serverMessage } from "./api.js";
import {
  checkAssignedView, initDashboard, refreshList, renderViewer, startPolling, stopPolling,
} from "./dashboard.js";
import { initDetail, openDetail } from "./detail.js";
import { offerUploads } from "./documents.js";
import { $, clear, el } from "./dom.js";
import { initForm, renderChoices } from "./form.js";
import { initReports, refreshReports } from "./reports.js";
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

function groupName(id) {
  const group = ((state.me && state.me.leadGroups) || []).find((g) => g.id === id);
  return group ? group.name : id;
}

async function start() {
  onUnauthorized(showSignIn);
  initForm({ onSubmitted: (request) => { refreshList({ reset: true }); offerUploads(request, openDetail); } });
  initDashboard({ onOpen: (id) => openDetail(id), onListChanged: refreshAnswers });
  initDetail({ onChanged: refreshAnswers });
  initAnswers({
    onAnswered: (request) => {
      refreshList();
      if (state.selected && state.selected.request.id === request.id) openDetail(request.id, { focus: false });
    },
    onOpen: (id) => openDetail(id),
  });
  initReports({ groupName });

  const [signedIn] = await Promise.all([loadMe(), loadVocabulary()]);
  if (!signedIn) return;
  renderMe(state.me);
  await Promise.all([refreshList({ reset: true }), refreshAnswers(), checkAssignedView()]);
  if (seesAllRequests()) {
    $("reports").hidden = false;
    await refreshReports(groupName);
  }
  startPolling();
}

start();
