// @ts-check
// Calls to the app's own API. Every answer comes back as {status, ok, headers, body};
// an error body has the shape {error, message, details}.

/** @typedef {{status: number, ok: boolean, headers: Headers, body: any}} Answer */
/** @typedef {{error: string, message: string, details: Array<{field?: string, message?: string}>}} Problem */

/** @type {() => void} */
let unauthorized = () => {};

/**
 * What to do when the API answers 401 (the sign-in session is gone).
 * @param {() => void} handler
 */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/**
 * @param {string} method
 * @param {string} url
 * @param {{body?: unknown, form?: FormData, headers?: Record<string, string>}} [options]
 * @returns {Promise<Answer>}
 */
export async function api(method, url, { body, form, headers = {} } = {}) {
  /** @type {Record<string, string>} */
  const sent = { Accept: "application/json", ...headers };
  /** @type {RequestInit} */
  const init = { method, headers: sent, credentials: "same-origin" };
  if (form !== undefined) {
    init.body = form;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    sent["Content-Type"] = "application/json";
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

/**
 * The error of an answer as {error, message, details}, whatever the body held.
 * @param {Answer} answer
 * @returns {Problem}
 */
export function problem(answer) {
  const body = answer.body && typeof answer.body === "object" ? answer.body : {};
  return {
    error: typeof body.error === "string" ? body.error : "",
    message: typeof body.message === "string" ? body.message : "",
    details: Array.isArray(body.details) ? body.details : [],
  };
}

/**
 * @param {Answer} answer
 * @param {string} fallback
 */
export function serverMessage(answer, fallback) {
  return problem(answer).message || fallback;
}

/**
 * A refusal as one sentence: the server's message (or ``fallback``) and each field's message.
 * @param {Answer} answer
 * @param {string} fallback
 */
export function refusalMessage(answer, fallback) {
  const extra = problem(answer).details.map((d) => d.message).filter(Boolean).join("; ");
  return serverMessage(answer, fallback) + (extra ? ` (${extra})` : "");
}
