// How figures read: amounts, due times in business hours, percentages, sizes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ago, amount, dueText, fileSize, hours, listWords, percent } from "../../functions/web/static/format.js";

test("amounts read with their currency and thousands", () => {
  assert.equal(amount(85000), "USD 85,000");
  assert.equal(amount("1250000.5"), "USD 1,250,000.5");
  assert.equal(amount(0), "USD 0");
  assert.equal(amount(null), "");
  assert.equal(amount("not a number"), "");
});

test("due times read in whole business hours, overdue when negative, nothing when nothing is owed", () => {
  assert.equal(dueText(5), "due in 5 h");
  assert.equal(dueText(5.9), "due in 5 h");
  assert.equal(dueText(16), "due in 16 h");
  assert.equal(dueText(0.4), "due in under 1 h");
  assert.equal(dueText(0), "due in under 1 h");
  assert.equal(dueText(-3), "overdue 3 h");
  assert.equal(dueText(-3.7), "overdue 3 h");
  assert.equal(dueText(-0.2), "overdue under 1 h");
  assert.equal(dueText(null), "");
  assert.equal(dueText(undefined), "");
  assert.equal(dueText(Number.NaN), "");
  assert.equal(dueText(0, "overdue"), "overdue under 1 h");
  assert.equal(dueText(2, "due-soon"), "due in 2 h");
});

test("percentages keep their unit apart and figures missing read as a dash", () => {
  assert.equal(percent(100), "100 %");
  assert.equal(percent(66.666), "66.7 %");
  assert.equal(percent(null), "—");
  assert.equal(hours(0.5), "0.5 h");
  assert.equal(hours(null), "—");
});

test("sizes, lists and how long ago", () => {
  assert.equal(fileSize(193), "193 bytes");
  assert.equal(fileSize(12 * 1024), "12 KB");
  assert.equal(fileSize(1.5 * 1024 * 1024), "1.5 MB");
  assert.equal(listWords(["a"]), "a");
  assert.equal(listWords(["a", "b"]), "a and b");
  assert.equal(listWords(["a", "b", "c"]), "a, b and c");
  const now = new Date("2026-12-05T12:00:00Z");
  assert.equal(ago("2026-12-05T11:59:30Z", now), "just now");
  assert.equal(ago("2026-12-05T11:15:00Z", now), "45 min ago");
  assert.equal(ago("2026-12-05T09:00:00Z", now), "3 h ago");
  assert.equal(ago("2026-12-03T09:00:00Z", now), "2 days ago");
});
