// Opens a partner auditor's private link in headless Chromium on a phone-sized screen, answers
// their agency's part with the keyboard and the mouse as a health visitor would, sends it,
// screenshots the page, then tries what must be refused (a second submit, a forged submit,
// expired and tampered links).
// Usage: node browser_partner_link.js <config.json>
// Prints one JSON line with what it saw. Every request not to this machine is aborted and listed.
const fs = require("fs");
const { devices } = require("playwright-core");
const { runScript, withChromium } = require("./playground_browser");

const WAIT_MS = 20000;
const PHONE = devices["Pixel 5"];

const ON_A_PHONE = {
  viewport: PHONE.viewport,
  deviceScaleFactor: PHONE.deviceScaleFactor,
  isMobile: true,
  hasTouch: true,
  userAgent: PHONE.userAgent,
  locale: "en-GB",
};

async function pageText(page) {
  return (await page.locator("main").innerText()).trim();
}

async function post(page, url, body) {
  return page.evaluate(
    async ({ url, body }) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    { url, body },
  );
}

async function visit(page, blocked, config) {
  const problems = [];
  const result = { blocked, problems };
  page.on("console", (message) => {
    if (["error", "warning"].includes(message.type())) problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));

  // 1. Open the link: their agency's part renders as labelled questions.
  const opened = await page.goto(config.link, { waitUntil: "load", timeout: WAIT_MS });
  result.openStatus = opened.status();
  await page.locator(".ac-adaptiveCard").waitFor({ timeout: WAIT_MS });
  result.lang = await page.getAttribute("html", "lang");
  result.h1 = await page.locator("h1").innerText();
  result.pageText = await pageText(page);
  result.radioGroups = await page.getByRole("radiogroup").count();
  result.viewportWidth = PHONE.viewport.width;
  result.pageScrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);

  // 2. Answer every question by its accessible name, as a screen reader user would find it.
  for (const [question, choice] of Object.entries(config.choices)) {
    const group = page.getByRole("radiogroup", { name: question });
    await group.getByRole("radio", { name: choice, exact: true }).check();
  }
  for (const [question, choice] of Object.entries(config.selects)) {
    await page.getByRole("combobox", { name: question }).selectOption({ label: choice });
  }
  for (const [question, words] of Object.entries(config.texts)) {
    const box = page.getByRole("textbox", { name: question });
    await box.focus();
    await page.keyboard.type(words);
  }
  await page.screenshot({ path: config.answeredScreenshot, fullPage: true });

  // 3. Send with the keyboard: focus the button and press Enter.
  const send = page.getByRole("button", { name: config.submitLabel });
  await send.focus();
  await page.keyboard.press("Enter");
  const outcome = page.locator("#qop-outcome");
  await outcome.waitFor({ timeout: WAIT_MS });
  result.outcome = await outcome.innerText();
  result.outcomeFocused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  result.afterSubmit = await pageText(page);
  await page.screenshot({ path: config.screenshot, fullPage: true });
  result.problemsWhileAnswering = problems.slice();

  // 4. What must be refused, each with a kind message and no change.
  result.secondSubmit = await post(page, config.link, { csrf: "", answers: {} });
  await page.goto(config.link, { waitUntil: "load" });
  result.reopened = await pageText(page);

  await page.goto(config.freshLink, { waitUntil: "load" });
  await page.locator(".ac-adaptiveCard").waitFor({ timeout: WAIT_MS });
  result.forged = await post(page, config.freshLink, { answers: { police_scale: "5" } });

  const expired = await page.goto(config.expiredLink, { waitUntil: "load" });
  result.expired = { status: expired.status(), text: await pageText(page) };
  const tampered = await page.goto(config.tamperedLink, { waitUntil: "load" });
  result.tampered = { status: tampered.status(), text: await pageText(page) };
  await page.screenshot({ path: config.refusedScreenshot, fullPage: true });
  return result;
}

runScript(() => {
  const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  return withChromium(ON_A_PHONE, (page, blocked) => visit(page, blocked, config));
});
