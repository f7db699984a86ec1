// @ts-check
// Building the page from data. Every value from the server goes into the page
// through textContent or createElement: nothing it sends is parsed as markup.

import { dateTime } from "./format.js";

/**
 * An element of the page by id (the page's markup holds every id asked for).
 * @param {string} id
 * @returns {HTMLElement}
 */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {{text?: unknown, className?: string, attrs?: Record<string, string>}} [options]
 * @param {Array<Node | null | undefined | false>} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.text !== undefined && options.text !== null) node.textContent = String(options.text);
  if (options.className) node.className = options.className;
  for (const [name, value] of Object.entries(options.attrs || {})) node.setAttribute(name, value);
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

/** @param {Node} node */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** @param {string | null | undefined} iso */
export function timeElement(iso) {
  return el("time", { text: dateTime(iso), attrs: { datetime: String(iso || "") } });
}

/**
 * A message line: its text and its kind ("success", "error" or none).
 * @param {HTMLElement} node
 * @param {string} text
 * @param {string} [kind]
 */
export function say(node, text, kind) {
  node.textContent = text;
  node.className = kind ? `message ${kind}` : "message";
}

/** A version 4 UUID, for the Idempotency-Key of a submission. */
export function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A form control by id, for its value (an input, a select or a textarea).
 * @param {string} id
 * @returns {HTMLInputElement}
 */
export const field = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
