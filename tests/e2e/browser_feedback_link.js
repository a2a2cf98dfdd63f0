// Opens a family feedback link in headless Chromium on a phone-sized screen, answers the
// questions with the keyboard and the mouse as a parent would, sends them, screenshots the
// page, then tries what must be refused (a second submit, a forged submit, expired and
// tampered links, a flood of requests).
// Usage: node browser_feedback_link.js <config.json>
// Prints one JSON line with what it saw. Every request not to this machine is aborted and listed.
const fs = require("fs");
const { devices } = require("playwright-core");
const { runScript, withChromium } = require("./playground_browser");

const WAIT_MS = 20000;
const PHONE = devices["Pixel 5"];

async function pageText(page) {
  return (await page.locator("main").innerText()).trim();
}

// Answers every question by its accessible name (as a screen reader user would find it), then
// sends with the keyboard: focus the button and press Enter. Returns the outcome it saw.
async function answerAndSend(page, config) {
  for (const [question, choice] of Object.entries(config.choices)) {
    const group = page.getByRole("radiogroup", { name: question });
    await group.getByRole("radio", { name: choice, exact: true }).check();
  }
  for (const [question, choice] of Object.entries(config.selects || {})) {
    await page.getByRole("combobox", { name: question }).selectOption({ label: choice });
  }
  for (const [question, words] of Object.entries(config.texts || {})) {
    const box = page.getByRole("textbox", { name: question });
    await box.focus();
    await page.keyboard.type(words);
  }
  await page.screenshot({ path: config.answeredScreenshot, fullPage: true });
  const send = page.getByRole("button", { name: config.submitLabel });
  await send.focus();
  await page.keyboard.press("Enter");
  const outcome = page.locator("#qop-outcome");
  await outcome.waitFor({ timeout: WAIT_MS });
  const seen = {
    outcome: await outcome.innerText(),
    outcomeFocused: await page.evaluate(() => document.activeElement && document.activeElement.id),
    afterSubmit: await pageText(page),
  };
  await page.screenshot({ path: config.screenshot, fullPage: true });
  return seen;
}

// The family page on a phone: its screen, touch, user agent and a British locale.
const ON_A_PHONE = {
  viewport: PHONE.viewport,
  deviceScaleFactor: PHONE.deviceScaleFactor,
  isMobile: true,
  hasTouch: true,
  userAgent: PHONE.userAgent,
  locale: "en-GB",
};

async function visit(page, blocked, config) {
  const problems = [];
  const result = { blocked, problems };
  page.on("console", (message) => {
    if (["error", "warning"].includes(message.type())) problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));

  // 1. Open the link: the card renders with labelled questions.
  const opened = await page.goto(config.link, { waitUntil: "load", timeout: WAIT_MS });
  result.openStatus = opened.status();
  await page.locator(".ac-adaptiveCard").waitFor({ timeout: WAIT_MS });
  result.lang = await page.getAttribute("html", "lang");
  result.h1 = await page.locator("h1").innerText();
  result.headings = await page.getByRole("heading").allInnerTexts();
  result.radioGroups = await page.getByRole("radiogroup").count();
  result.cardWidth = (await page.locator(".ac-adaptiveCard").boundingBox()).width;
  result.viewportWidth = PHONE.viewport.width;
  result.pageScrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);

  // 2. and 3. Answer and send, as a parent would.
  Object.assign(result, await answerAndSend(page, config));
  result.problemsWhileAnswering = problems.slice();

  // 4. What must be refused, each with a kind message.
  const again = await page.evaluate(async (url) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ csrf: "", answers: {} }),
    });
    return { status: response.status, body: await response.json() };
  }, config.link);
  result.secondSubmit = again;
  await page.goto(config.link, { waitUntil: "load" });
  result.reopened = await pageText(page);
  await page.screenshot({ path: config.usedScreenshot, fullPage: true });

  await page.goto(config.freshLink, { waitUntil: "load" });
  await page.locator(".ac-adaptiveCard").waitFor({ timeout: WAIT_MS });
  result.forged = await page.evaluate(async (url) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ answers: { understood_why: "agree" } }),
    });
    return { status: response.status, body: await response.json() };
  }, config.freshLink);

  const expired = await page.goto(config.expiredLink, { waitUntil: "load" });
  result.expired = { status: expired.status(), text: await pageText(page) };
  const tampered = await page.goto(config.tamperedLink, { waitUntil: "load" });
  result.tampered = { status: tampered.status(), text: await pageText(page) };

  // 5. A flood from one address is slowed down with a kind page.
  let last = null;
  for (let attempt = 0; attempt < 40 && (!last || last.status() !== 429); attempt += 1) {
    last = await page.goto(config.tamperedLink, { waitUntil: "load" });
  }
  result.flood = { status: last.status(), text: await pageText(page) };
  return result;
}

module.exports = { ON_A_PHONE, WAIT_MS, answerAndSend, pageText };

if (require.main === module) {
  runScript(() => {
    const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    return withChromium(ON_A_PHONE, (page, blocked) => visit(page, blocked, config));
  });
}
