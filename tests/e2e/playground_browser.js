// Shared by the scripts that look at qop in headless Chromium (the Teams playground UI and the
// family feedback page): Debian's Chromium (driven by playwright-core) with the flags this
// machine needs, a fresh profile, and every request that would leave this machine aborted and
// recorded (the playground UI asks a CDN for fonts).
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

// Runs a script's body: prints what `main()` resolves to as one JSON line, or the error on
// stderr with exit status 1.
function runScript(main) {
  main()
    .then((result) => process.stdout.write(JSON.stringify(result) + "\n"))
    .catch((error) => {
      process.stderr.write(`${error.stack || error}\n`);
      process.exit(1);
    });
}

// Launches Chromium with a fresh profile and the context `options` (viewport, phone emulation),
// hands `work(page, blocked)` its page and the list of every off-machine address it aborted,
// and always closes the browser and removes the profile. Resolves to what `work` resolves to.
async function withChromium(options, work) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "qop-chromium-"));
  const blocked = [];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    ...options,
  });
  try {
    await context.route("**/*", (route) => {
      const address = route.request().url();
      if (isLocal(address)) return route.continue();
      blocked.push(address);
      return route.abort();
    });
    const page = context.pages()[0] || (await context.newPage());
    return await work(page, blocked);
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

// Opens the playground at argv[2], waits for the welcome card of the personal-chat install the
// UI performs on load, then hands `work(page, cards, args)` the page, a locator of all rendered
// cards and the remaining arguments. Prints work's result plus the blocked hosts as one JSON line.
function runInPlayground(viewport, work) {
  const [playgroundUrl, ...args] = process.argv.slice(2);
  runScript(() =>
    withChromium({ viewport }, async (page, blocked) => {
      await page.goto(playgroundUrl, { waitUntil: "load", timeout: WAIT_MS });
      const cards = page.locator(".ac-adaptiveCard");
      // The newest welcome: the one for this page's own install (older ones may be scrolled away).
      await cards.filter({ hasText: "Welcome to qop" }).last().waitFor({ timeout: WAIT_MS });
      const result = await work(page, cards, args);
      return { ...result, blocked: [...new Set(blocked.map((address) => new URL(address).hostname))] };
    }),
  );
}

// Types a command into the chat box and sends it.
async function send(page, command) {
  const box = page.getByRole("textbox").first();
  await box.click();
  await box.pressSequentially(command);
  await box.press("Enter");
}

module.exports = { runInPlayground, runScript, send, withChromium, WAIT_MS };
