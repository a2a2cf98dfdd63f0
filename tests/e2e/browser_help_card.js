// Opens the Teams playground in headless Chromium (Debian's, driven by playwright-core),
// sends `help`, waits for qop's help card to render, and screenshots it.
// Usage: node browser_help_card.js <playground url> <screenshot.png> [command] [card title]
// (another command and the title of the card it answers with: e.g. whoami "Who I think you are").
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
  const [playgroundUrl, screenshotPath, command = "help", title = "What I can do"] = process.argv.slice(2);
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
    // Opening the UI installs the app in the personal chat: the welcome card comes first.
    const cards = page.locator(".ac-adaptiveCard");
    await cards.filter({ hasText: "Welcome to qop" }).first().waitFor({ timeout: WAIT_MS });
    const box = page.getByRole("textbox").first();
    await box.click();
    await box.pressSequentially(command);
    await box.press("Enter");
    const helpCard = cards.filter({ hasText: title }).last();
    await helpCard.waitFor({ state: "visible", timeout: WAIT_MS });
    await helpCard.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath });
    const result = {
      cardText: await helpCard.innerText(),
      cardBox: await helpCard.boundingBox(),
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
