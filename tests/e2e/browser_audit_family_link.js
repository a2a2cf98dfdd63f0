// Opens the private links an audit sent to a family in headless Chromium on a phone-sized screen,
// answers each as the family would and sends it, screenshotting each page.
// Usage: node browser_audit_family_link.js <config.json>; config.visits lists each link with its
// answers (as browser_feedback_link.js takes them). Prints one JSON line with what it saw; every
// request not to this machine is aborted and listed.
const fs = require("fs");
const { ON_A_PHONE, WAIT_MS, answerAndSend } = require("./browser_feedback_link");
const { runScript, withChromium } = require("./playground_browser");

async function visitAll(page, blocked, visits) {
  const problems = [];
  page.on("console", (message) => {
    if (["error", "warning"].includes(message.type())) problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  const seen = [];
  for (const visit of visits) {
    const opened = await page.goto(visit.link, { waitUntil: "load", timeout: WAIT_MS });
    await page.locator(".ac-adaptiveCard").waitFor({ timeout: WAIT_MS });
    const before = {
      openStatus: opened.status(),
      headings: await page.getByRole("heading").allInnerTexts(),
      pageScrollWidth: await page.evaluate(() => document.documentElement.scrollWidth),
      viewportWidth: ON_A_PHONE.viewport.width,
    };
    seen.push({ ...before, ...(await answerAndSend(page, visit)) });
  }
  return { blocked, problems, seen };
}

runScript(() => {
  const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  return withChromium(ON_A_PHONE, (page, blocked) => visitAll(page, blocked, config.visits));
});
