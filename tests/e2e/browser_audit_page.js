// Opens the Teams playground in headless Chromium, types `my tasks`, presses "Open" on the first
// task and screenshots the audit page that replaces the card.
// Usage: node browser_audit_page.js <playground url> <screenshot.png>
// Prints one JSON line: {cardText, blocked, screenshot}. Requests leaving this machine are aborted.
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
    viewport: { width: 1280, height: 2600 },
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
    await cards.filter({ hasText: "Welcome to qop" }).first().waitFor({ timeout: WAIT_MS });
    const box = page.getByRole("textbox").first();
    await box.click();
    await box.pressSequentially("my tasks");
    await box.press("Enter");
    const tasks = cards.filter({ hasText: "Your tasks" }).last();
    await tasks.waitFor({ state: "visible", timeout: WAIT_MS });
    await tasks.getByRole("button", { name: "Open" }).first().click();
    const auditPage = cards.filter({ hasText: "step 1 of" }).last();
    await auditPage.waitFor({ state: "visible", timeout: WAIT_MS });
    await auditPage.scrollIntoViewIfNeeded();
    await auditPage.screenshot({ path: screenshotPath });
    const result = { cardText: await auditPage.innerText(), blocked: [...new Set(blocked)], screenshot: screenshotPath };
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
