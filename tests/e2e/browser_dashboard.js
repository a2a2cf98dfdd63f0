// Opens the qop dashboard tab in headless Chromium as Teams would: the Teams JS library is
// replaced by a stand-in for the Teams client that hands the page a given Entra ID token (the
// token itself is real, signed by the test's local key server), then reads what the page shows
// and screenshots it.
// Usage: node browser_dashboard.js <config.json>
// Prints one JSON line with what it saw. Every request not to this machine is aborted and listed.
const fs = require("fs");
const { runScript, withChromium } = require("./playground_browser");

const WAIT_MS = 20000;

// What the Teams client answers the tab through teams-js: initialise, then the user's token.
function teamsStandIn(token) {
  return `window.microsoftTeams = {
    app: { initialize: function () { return Promise.resolve(); } },
    authentication: { getAuthToken: function () { window.qopTokenRequests = (window.qopTokenRequests || 0) + 1;
      return Promise.resolve(${JSON.stringify(token)}); } }
  };`;
}

async function openAs(page, baseUrl, visit) {
  await page.unroute("**/dashboard/assets/MicrosoftTeams.min.js").catch(() => {});
  if (visit.token) {
    await page.route("**/dashboard/assets/MicrosoftTeams.min.js", (route) =>
      route.fulfill({ status: 200, contentType: "application/javascript", body: teamsStandIn(visit.token) })
    );
  }
  const opened = await page.goto((visit.baseUrl || baseUrl) + "/dashboard" + (visit.query ? "?" + visit.query : ""), {
    waitUntil: "load",
    timeout: WAIT_MS,
  });
  if (visit.pick) {
    // Local mode: the real teams-js is loaded but unused; a person is picked from the demo list.
    await page.locator("#demo-person option", { hasText: visit.pick }).first().waitFor({ state: "attached", timeout: WAIT_MS });
    const value = await page.evaluate((name) => {
      const option = [...document.querySelectorAll("#demo-person option")].find((o) => o.textContent.startsWith(name));
      return option.value;
    }, visit.pick);
    await page.selectOption("#demo-person", value);
  }
  await page.locator("#page-title, #qop-message").first().waitFor({ timeout: WAIT_MS });
  for (const click of visit.clicks || []) {
    await page.getByRole("link", { name: click, exact: true }).click();
    await page.locator("#page-title", { hasText: click }).waitFor({ timeout: WAIT_MS });
  }
  await page.waitForTimeout(300); // charts are drawn just after their tables
  const seen = {
    status: opened.status(),
    h1: (await page.locator("#page-title").count()) ? await page.locator("#page-title").innerText() : null,
    message: (await page.locator("#qop-message").count()) ? await page.locator("#qop-message").innerText() : null,
    text: (await page.locator("main").innerText()).trim(),
    tables: await page.locator("table").count(),
    charts: await page.locator("canvas").count(),
    tokenRequests: await page.evaluate(() => window.qopTokenRequests || 0),
    banner: (await page.locator("#local-banner").count()) ? await page.locator("#local-banner").innerText() : null,
  };
  await page.screenshot({ path: visit.screenshot, fullPage: true });
  return seen;
}

runScript(() => {
  const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  return withChromium({ viewport: { width: 1100, height: 900 }, locale: "en-GB" }, async (page, blocked) => {
    const problems = [];
    page.on("console", (message) => {
      if (message.type() === "error" && !/status of 40[13]/.test(message.text())) {
        problems.push(`console error: ${message.text()}`);
      }
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    const visits = {};
    for (const visit of config.visits) {
      visits[visit.name] = await openAs(page, config.baseUrl, visit);
    }
    return { visits, problems, blocked: [...new Set(blocked.map((address) => new URL(address).hostname))] };
  });
});
