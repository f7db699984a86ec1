// Calls to the app's own API. Every answer comes back as {status, ok, headers, body};
// an error body has the shape {error, message, details}.

let unauthorized = () => {};

/** What to do when the API answers 401 (the sign-in session is gone). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

export async function api(method, url, { body, headers = {} } = {}) {
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
  if (response.status === 401) unauthorized();
  return { status: response.status, ok: response.ok, headers: response.headers, body: data };
}

/** The error of an answer as {error, message, details}, whatever the body held. */
export function problem(answer) {
  const body = answer.body && typeof answer.body === "object" ? answer.body : {};
  return {
    error: typeof body.error === "string" ? body.error : "",
    message: typeof body.message === "string" ? body.message : "",
    details: Array.isArray(body.details) ? body.details : [],
  };
}

export function serverMessage(answer, fallback) {
  return problem(answer).message || fallback;
}

/** A refusal as one sentence: the server's message (or ``fallback``) and each field's message. */
export function refusalMessage(answer, fallback) {
  const extra = problem(answer).details.map((d) => d.message).filter(Boolean).join("; ");
  return serverMessage(answer, fallback) + (extra ? ` (${extra})` : "");
}
