// Opens the Teams playground in headless Chromium, opens the team's General channel where qop
// posted the demo digest, waits for the digest card to render, and screenshots it.
// Usage: node browser_digest_card.js <playground url> <screenshot.png>
// Prints one JSON line: {cardText, cardBox, blocked, screenshot}.
const { runInPlayground, WAIT_MS } = require("./playground_browser");

runInPlayground({ width: 1280, height: 900 }, async (page, cards, [screenshotPath]) => {
  // The personal-chat install has settled (runInPlayground waited for its welcome card);
  // switching earlier could lose the click while the UI is still settling.
  const general = page.getByRole("treeitem").filter({ hasText: "General" }).first();
  const joined = cards.filter({ hasText: "qop has joined this team" }).first();
  for (let attempt = 0; attempt < 3; attempt += 1) {
    await general.click();
    try {
      await joined.waitFor({ state: "visible", timeout: WAIT_MS / 3 });
      break;
    } catch (error) {
      if (attempt === 2) throw error;
    }
  }
  const digestCard = cards.filter({ hasText: "What are we worried about" }).last();
  try {
    await digestCard.waitFor({ state: "visible", timeout: WAIT_MS });
  } catch (error) {
    await page.screenshot({ path: screenshotPath.replace(/\.png$/, "-failed.png"), fullPage: true });
    const seen = await cards.evaluateAll((all) => all.map((c) => c.innerText.slice(0, 80)));
    throw new Error(`no digest card; cards seen: ${JSON.stringify(seen)}\n${error}`);
  }
  await digestCard.scrollIntoViewIfNeeded();
  const height = Math.min(4000, Math.ceil((await digestCard.boundingBox()).height) + 400);
  await page.setViewportSize({ width: 1280, height });
  await digestCard.screenshot({ path: screenshotPath });
  return { cardText: await digestCard.innerText(), cardBox: await digestCard.boundingBox(), screenshot: screenshotPath };
});
