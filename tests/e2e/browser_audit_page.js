// Opens the Teams playground in headless Chromium, types `my tasks`, presses "Open" on the first
// task and screenshots the audit page that replaces the card.
// Usage: node browser_audit_page.js <playground url> <screenshot.png>
// Prints one JSON line: {cardText, blocked, screenshot}.
const { runInPlayground, send, WAIT_MS } = require("./playground_browser");

runInPlayground({ width: 1280, height: 2600 }, async (page, cards, [screenshotPath]) => {
  await send(page, "my tasks");
  const tasks = cards.filter({ hasText: "Your tasks" }).last();
  await tasks.waitFor({ state: "visible", timeout: WAIT_MS });
  await tasks.getByRole("button", { name: "Open" }).first().click();
  const auditPage = cards.filter({ hasText: "step 1 of" }).last();
  await auditPage.waitFor({ state: "visible", timeout: WAIT_MS });
  await auditPage.scrollIntoViewIfNeeded();
  await auditPage.screenshot({ path: screenshotPath });
  return { cardText: await auditPage.innerText(), screenshot: screenshotPath };
});
