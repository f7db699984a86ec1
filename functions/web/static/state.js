// What the page knows between calls: who is signed in, the requests listed
// and the request shown in the detail panel.

export const state = {
  me: null,
  items: [],
  counts: null,
  continuationToken: null,
  listSignature: "",
  selected: null, // {request, etag}
  loadingList: false,
  refreshAgain: null, // "reset" or "keep": a refresh asked for while one was running
  acting: false,
  view: "all", // "all": my requests (a lead's queue), "assigned": the requests assigned to me as architect
};

export function groupName(id) {
  if (!id) return "";
  const group = ((state.me && state.me.leadGroups) || []).find((g) => g.id === id);
  return group ? group.name : id;
}

export function personName(person) {
  if (!person) return "";
  return person.name && person.name !== person.email ? `${person.name} (${person.email})` : person.email;
}

/** Whether the signed-in user asked for this request (its wording, not its rights: those are allowedActions). */
export function isOwnRequest(request) {
  return Boolean(state.me && request && request.requestor && request.requestor.email === state.me.email);
}
