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
