// Shared by the scripts that look at qop's cards in the Teams playground UI: Debian's Chromium
// (driven by playwright-core) with the flags this machine needs, a fresh profile, and every
// request that would leave this machine aborted and recorded (the UI asks a CDN for fonts).
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

// Opens the playground at argv[2], waits for the welcome card of the personal-chat install the
// UI performs on load, then hands `work(page, cards, args)` the page, a locator of all rendered
// cards and the remaining arguments. Prints work's result plus the blocked hosts as one JSON line.
function runInPlayground(viewport, work) {
  const [playgroundUrl, ...args] = process.argv.slice(2);
  main(playgroundUrl, viewport, work, args).catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
  });
}

async function main(playgroundUrl, viewport, work, args) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "qop-chromium-"));
  const blocked = [];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
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
    const result = await work(page, cards, args);
    process.stdout.write(JSON.stringify({ ...result, blocked: [...new Set(blocked)] }) + "\n");
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

// Types a command into the chat box and sends it.
async function send(page, command) {
  const box = page.getByRole("textbox").first();
  await box.click();
  await box.pressSequentially(command);
  await box.press("Enter");
}

module.exports = { runInPlayground, send, WAIT_MS };
