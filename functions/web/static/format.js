// @ts-check
// How figures read on the page: amounts, due times in business hours, times,
// sizes and percentages. Pure: tested with node --test (tests/web/).

const LOCALE = "en-US";

/**
 * An amount of money: "USD 85,000" ("" when there is none).
 * @param {number | string | null | undefined} value
 * @param {string} [currency]
 */
export function amount(value, currency = "USD") {
  if (value === null || value === undefined || value === "") return "";
  const number = Number(value);
  if (!Number.isFinite(number)) return "";
  return `${currency} ${number.toLocaleString(LOCALE, { maximumFractionDigits: 2 })}`;
}

/**
 * Whole business hours, never "0 h": under one hour reads "under 1 h".
 * @param {number} hours a positive number
 */
function hoursText(hours) {
  const whole = Math.floor(hours + 1e-9);
  return whole < 1 ? "under 1 h" : `${whole.toLocaleString(LOCALE)} h`;
}

/**
 * When a request falls due for the step FastTrack owes, in business hours:
 * "due in 5 h", "overdue 3 h"; "" when nothing is owed. The server's dueState
 * has the last word on "overdue" (at the due time itself no hour is left).
 * @param {number | null | undefined} businessHoursLeft negative when overdue
 * @param {string | null} [dueState]
 */
export function dueText(businessHoursLeft, dueState = null) {
  if (typeof businessHoursLeft !== "number" || !Number.isFinite(businessHoursLeft)) return "";
  if (businessHoursLeft < 0 || dueState === "overdue") return `overdue ${hoursText(Math.abs(businessHoursLeft))}`;
  return `due in ${hoursText(businessHoursLeft)}`;
}

/**
 * The due state the server gave, if it is one the page knows.
 * @param {string | null | undefined} dueState
 * @returns {"on-time" | "due-soon" | "overdue" | ""}
 */
export function dueStateOf(dueState) {
  if (dueState === "on-time" || dueState === "due-soon" || dueState === "overdue") return dueState;
  return "";
}

/**
 * A percentage with its unit apart, as the page writes it: "100 %".
 * @param {number | null | undefined} value
 */
export function percent(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  return `${Math.round(value * 10) / 10} %`;
}

/**
 * A figure in business hours for the reports: "12.5 h".
 * @param {number | null | undefined} value
 */
export function hours(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  return `${Math.round(value * 10) / 10} h`;
}

/**
 * A count or "—".
 * @param {number | null | undefined} value
 */
export function count(value) {
  return typeof value === "number" && Number.isFinite(value) ? value.toLocaleString(LOCALE) : "—";
}

/**
 * A file's size: "193 bytes", "12 KB", "1.5 MB".
 * @param {number} bytes
 */
export function fileSize(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/**
 * A moment as the reader's locale writes it ("Nov 24, 2026, 10:00 AM"); the text itself when it is no time.
 * @param {string | null | undefined} iso
 * @param {string} [locale]
 */
export function dateTime(iso, locale) {
  if (!iso) return "";
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return String(iso);
  return moment.toLocaleString(locale, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/**
 * How long ago, in words: "5 min ago", "3 h ago", "2 days ago".
 * @param {string | null | undefined} iso
 * @param {Date} now
 */
export function ago(iso, now) {
  if (!iso) return "";
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return "";
  const minutes = Math.max(0, Math.floor((now.getTime() - then) / 60000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hoursAgo = Math.floor(minutes / 60);
  if (hoursAgo < 24) return `${hoursAgo} h ago`;
  const days = Math.floor(hoursAgo / 24);
  return days === 1 ? "1 day ago" : `${days} days ago`;
}

/**
 * Words of a list: "a", "a and b", "a, b and c".
 * @param {string[]} items
 */
export function listWords(items) {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
