// Opens the Teams playground in headless Chromium (Debian's, driven by playwright-core),
// opens the team's General channel where qop posted the demo digest, waits for the digest
// card to render, and screenshots it.
// Usage: node browser_digest_card.js <playground url> <screenshot.png>
// Prints one JSON line: {cardText, cardBox, blocked, screenshot}.
// Every request not to this machine is aborted (the UI asks a CDN for fonts).
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const WAIT_MS = 30000;

function isLocal(address) {
  const url = new URL(address);
  return ["data:", "blob:"].includes(url.protocol) || LOOPBACK.has(url.hostname);
}

async function main() {
  const [playgroundUrl, screenshotPath] = process.argv.slice(2);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "qop-chromium-"));
  const blocked = [];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  try {
    await context.route("**/*", (route) => {
      const address = route.request().url();
      if (isLocal(address)) return route.continue();
      blocked.push(new URL(address).hostname);
      return route.abort();
    });
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(playgroundUrl, { waitUntil: "load", timeout: WAIT_MS });
    const cards = page.locator(".ac-adaptiveCard");
    // Opening the UI installs qop in the personal chat first: wait for that before switching,
    // or the click can land while the UI is still settling and be lost.
    await cards.filter({ hasText: "Welcome to qop" }).first().waitFor({ timeout: WAIT_MS });
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
    await page.setViewportSize({ width: 1280, height: Math.min(4000, Math.ceil((await digestCard.boundingBox()).height) + 400) });
    await digestCard.screenshot({ path: screenshotPath });
    const result = {
      cardText: await digestCard.innerText(),
      cardBox: await digestCard.boundingBox(),
      blocked: [...new Set(blocked)],
      screenshot: screenshotPath,
    };
    process.stdout.write(JSON.stringify(result) + "\n");
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
