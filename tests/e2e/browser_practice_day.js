// Opens the Teams playground in headless Chromium, types `practice days`, presses "Show the summary"
// on the first day and screenshots the summary card that replaces the list.
// Usage: node browser_practice_day.js <playground url> <screenshot.png>
// Prints one JSON line: {cardText, screenshot}.
const { runInPlayground, send, WAIT_MS } = require("./playground_browser");

runInPlayground({ width: 1280, height: 2200 }, async (page, cards, [screenshotPath]) => {
  await send(page, "practice days");
  const list = cards.filter({ hasText: "Finished: summary sent" }).last();
  await list.waitFor({ state: "visible", timeout: WAIT_MS });
  await list.getByRole("button", { name: "Show the summary" }).first().click();
  const summary = cards.filter({ hasText: "Practice day summary" }).last();
  await summary.waitFor({ state: "visible", timeout: WAIT_MS });
  await summary.scrollIntoViewIfNeeded();
  await summary.screenshot({ path: screenshotPath });
  return { cardText: await summary.innerText(), screenshot: screenshotPath };
});
