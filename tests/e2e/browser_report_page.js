// Opens QIM report pages from their signed links (on qop's own web server) in headless Chromium,
// one after the other in the same browser, reads back each page's headings, the rows of its first
// table (the headline figures) and its link to the same report as a workbook, and screenshots
// each whole page.
// Usage: node browser_report_page.js <report url> <screenshot.png> [<report url> <screenshot.png> ...]
// Prints one JSON line: {pages: [{status, title, headings, summary, workbookUrl, screenshot}], blocked}.
const { runScript, withChromium, WAIT_MS } = require("./playground_browser");

async function readReport(page, reportUrl, screenshotPath) {
  const opened = await page.goto(reportUrl, { waitUntil: "load", timeout: WAIT_MS });
  await page.locator("h1").waitFor({ timeout: WAIT_MS });
  const summary = await page
    .locator("table")
    .first()
    .locator("tr")
    .evaluateAll((rows) => rows.map((row) => [...row.cells].map((cell) => cell.innerText.trim())));
  await page.screenshot({ path: screenshotPath, fullPage: true });
  return {
    status: opened.status(),
    title: await page.title(),
    headings: await page.locator("h1, h2, h3").allInnerTexts(),
    summary,
    workbookUrl: await page.getByRole("link", { name: /Excel workbook/ }).evaluate((anchor) => anchor.href),
    screenshot: screenshotPath,
  };
}

const pairs = process.argv.slice(2);

runScript(() =>
  withChromium({ viewport: { width: 1280, height: 900 } }, async (page, blocked) => {
    const pages = [];
    for (let index = 0; index < pairs.length; index += 2) {
      pages.push(await readReport(page, pairs[index], pairs[index + 1]));
    }
    return { pages, blocked: [...new Set(blocked.map((address) => new URL(address).hostname))] };
  }),
);
