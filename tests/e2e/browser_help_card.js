// Opens the Teams playground in headless Chromium, sends `help`, waits for qop's help card to
// render, and screenshots it.
// Usage: node browser_help_card.js <playground url> <screenshot.png> [command] [card title]
// (another command and the title of the card it answers with: e.g. whoami "Who I think you are").
// Prints one JSON line: {cardText, cardBox, blocked, screenshot}.
const { runInPlayground, send, WAIT_MS } = require("./playground_browser");

runInPlayground({ width: 1280, height: 900 }, async (page, cards, args) => {
  const [screenshotPath, command = "help", title = "What I can do"] = args;
  await send(page, command);
  const helpCard = cards.filter({ hasText: title }).last();
  await helpCard.waitFor({ state: "visible", timeout: WAIT_MS });
  await helpCard.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath });
  return { cardText: await helpCard.innerText(), cardBox: await helpCard.boundingBox(), screenshot: screenshotPath };
});
