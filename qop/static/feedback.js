/* The public feedback page: render the Adaptive Card with Microsoft's renderer and post the answers back.
   Served from qop itself; the page's Content-Security-Policy allows scripts from this origin only. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("qop-data").textContent);
  var statusBox = document.getElementById("qop-status");
  var holder = document.getElementById("qop-card");
  var sending = false;

  function say(message, isProblem, details) {
    statusBox.textContent = "";
    statusBox.className = isProblem ? "status problem" : "status";
    var paragraph = document.createElement("p");
    paragraph.textContent = message;
    statusBox.appendChild(paragraph);
    if (details && details.length) {
      var list = document.createElement("ul");
      details.forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      });
      statusBox.appendChild(list);
    }
    if (isProblem) {
      statusBox.focus();
    }
  }

  function finish(body) {
    holder.textContent = "";
    statusBox.textContent = "";
    var heading = document.createElement("h2");
    heading.id = "qop-outcome";
    heading.tabIndex = -1;
    heading.textContent = body.title;
    var message = document.createElement("p");
    message.textContent = body.message;
    holder.appendChild(heading);
    holder.appendChild(message);
    document.title = body.title;
    heading.focus();
  }

  function send(answers) {
    sending = true;
    say(data.text.sending, false);
    fetch(data.submitUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ csrf: data.csrf, answers: answers })
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { status: response.status, body: body };
        });
      })
      .then(function (result) {
        sending = false;
        var body = result.body || {};
        if (result.status === 200 || result.status === 404 || result.status === 410) {
          finish(body);
        } else if (result.status === 422) {
          var fields = body.fields || {};
          say(body.title || data.text.check, true, Object.keys(fields).map(function (prompt) {
            return prompt + " " + fields[prompt];
          }));
        } else {
          say((body.title ? body.title + ". " : "") + (body.message || data.text.tryAgain), true);
        }
      })
      .catch(function () {
        sending = false;
        say(data.text.tryAgain, true);
      });
  }

  // Give every group of radio buttons its question as a name, so screen readers announce
  // "I helped to make the plan, radio group" rather than a loose list of "Agree" buttons.
  function nameRadioGroups(root) {
    root.querySelectorAll(".ac-choiceSetInput-expanded").forEach(function (group) {
      var label = root.querySelector('label[for="' + group.id + '"]');
      if (!label) {
        return;
      }
      var required = group.classList.contains("ac-input-required");
      group.setAttribute("role", "radiogroup");
      group.setAttribute("aria-labelledby", label.id);
      if (required) {
        group.setAttribute("aria-required", "true");
      }
      group.querySelectorAll('input[type="radio"]').forEach(function (radio) {
        radio.removeAttribute("aria-labelledby");
      });
    });
  }

  // The card's text is plain: tell the renderer so rather than have it warn about markdown.
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
    result.didProcess = false;
  };
  var card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = new AdaptiveCards.HostConfig({
    fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    fontSizes: { small: 14, default: 17, medium: 19, large: 22, extraLarge: 26 },
    spacing: { small: 4, default: 8, medium: 16, large: 24, extraLarge: 32, padding: 16 },
    actions: { actionsOrientation: "vertical", actionAlignment: "stretch", buttonSpacing: 8, maxActions: 5 },
    supportsInteractivity: true
  });
  card.onExecuteAction = function (action) {
    if (sending) {
      return;
    }
    var answers = {};
    var values = action.data || {};
    Object.keys(values).forEach(function (key) {
      if (key !== "verb") {
        answers[key] = values[key];
      }
    });
    send(answers);
  };
  card.parse(data.card);
  holder.appendChild(card.render());
  nameRadioGroups(holder);
})();
