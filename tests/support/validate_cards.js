// Parses every card given on stdin with Microsoft's official Adaptive Cards renderer
// (npm `adaptivecards`) and reports each parse or validation event.
// Input: JSON object {name: card}. Output: JSON object {name: [problems...]}.
// The package's `lib/` entry needs a DOM; the bundled dist build runs in plain Node.
const AC = require("adaptivecards/dist/adaptivecards.js");

function problemsOf(json) {
  const problems = [];
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`parse: ${event.message}`);
  }
  for (const event of card.validateProperties().validationEvents) {
    problems.push(`validate: ${event.message}`);
  }
  return problems;
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const cards = JSON.parse(input);
  const result = {};
  for (const [name, json] of Object.entries(cards)) {
    try {
      result[name] = problemsOf(json);
    } catch (error) {
      result[name] = [`exception: ${error.message}`];
    }
  }
  process.stdout.write(JSON.stringify(result));
});
