/* The qop dashboard tab. Signs in with Teams tab SSO (an Entra ID token from the Teams JS
 * library), fetches /api/dashboard with it and draws every section as a table first, then a
 * chart of the same figures (the chart is an enhancement: patterns and labels, not colour
 * alone, carry its meaning). In local mode a demo person picker replaces sign-in. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("qop-config").textContent);
  var T = config.text;
  var statusBox = document.getElementById("qop-status");
  var root = document.getElementById("qop-dashboard");
  var demoPerson = null;
  var token = null;
  var charts = [];

  // -- small DOM helpers ------------------------------------------------------------------
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attributes[name]; } else { node.setAttribute(name, attributes[name]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  function table(caption, headings, rows, numberColumns) {
    var head = el("tr", {}, headings.map(function (heading, index) {
      return el("th", { scope: "col", class: numberColumns.indexOf(index) >= 0 ? "number" : "", text: heading });
    }));
    var body = rows.map(function (row) {
      return el("tr", {}, row.map(function (cell, index) {
        var value = cell && typeof cell === "object" ? cell : { text: String(cell) };
        var classes = [numberColumns.indexOf(index) >= 0 ? "number" : "", value.className || ""].join(" ").trim();
        return el(index === 0 ? "th" : "td", index === 0 ? { scope: "row", class: classes, text: value.text } : { class: classes, text: value.text });
      }));
    });
    return el("div", { class: "table-wrap" }, [el("table", {}, [el("caption", { text: caption }), el("thead", {}, [head]), el("tbody", {}, body)])]);
  }

  // -- charts: patterns and printed values, so nothing depends on telling colours apart ------
  var INKS = ["#1f5f8b", "#b35900", "#2e7d32", "#6a1b9a", "#4a4a4a"];

  function pattern(index) {
    var tile = document.createElement("canvas");
    tile.width = 10; tile.height = 10;
    var context = tile.getContext("2d");
    context.fillStyle = INKS[index % INKS.length];
    context.fillRect(0, 0, 10, 10);
    context.strokeStyle = "#ffffff"; context.fillStyle = "#ffffff"; context.lineWidth = 2;
    var shape = index % 5;
    if (shape === 1) { context.beginPath(); context.moveTo(0, 10); context.lineTo(10, 0); context.stroke(); }
    if (shape === 2) { context.beginPath(); context.arc(5, 5, 2, 0, 2 * Math.PI); context.fill(); }
    if (shape === 3) { context.beginPath(); context.moveTo(0, 5); context.lineTo(10, 5); context.stroke(); }
    if (shape === 4) { context.beginPath(); context.moveTo(5, 0); context.lineTo(5, 10); context.moveTo(0, 5); context.lineTo(10, 5); context.stroke(); }
    return context.createPattern(tile, "repeat");
  }

  var printedValues = {
    id: "qopPrintedValues",
    afterDatasetsDraw: function (chart) {
      var context = chart.ctx;
      context.save();
      context.fillStyle = "#1b1b1b";
      context.font = "12px sans-serif";
      chart.data.datasets.forEach(function (dataset, datasetIndex) {
        var meta = chart.getDatasetMeta(datasetIndex);
        if (meta.hidden) { return; }
        meta.data.forEach(function (bar, index) {
          var label = dataset.printed ? dataset.printed[index] : dataset.data[index];
          if (label === null || label === undefined || label === "" || label === 0 && dataset.stacked) { return; }
          var horizontal = chart.options.indexAxis === "y";
          var x = horizontal ? (dataset.data[index] === null ? chart.scales.x.left + 4 : bar.x + 4) : bar.x;
          var y = horizontal ? bar.y + 4 : bar.y - 4;
          context.textAlign = horizontal ? "left" : "center";
          context.fillText(String(label), x, y);
        });
      });
      context.restore();
    }
  };

  function chart(labels, datasets, options) {
    if (typeof window.Chart === "undefined") { return null; }
    var canvas = el("canvas", { role: "img", "aria-label": T.chart_label });
    var box = el("div", { class: "chart" }, [canvas]);
    datasets.forEach(function (dataset, index) {
      dataset.backgroundColor = pattern(index);
      dataset.borderColor = "#1b1b1b";
      dataset.borderWidth = 1;
    });
    var settings = {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: Object.assign({
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        layout: { padding: { top: 18, right: 24 } },
        plugins: { legend: { display: datasets.length > 1, labels: { color: "#1b1b1b" } }, tooltip: { enabled: true } }
      }, options || {}),
      plugins: [printedValues]
    };
    // Drawn once the box is in the page (Chart.js measures its parent).
    setTimeout(function () { charts.push(new window.Chart(canvas, settings)); }, 0);
    return box;
  }

  // -- sections ---------------------------------------------------------------------------
  function placeLinks(heading, links) {
    if (!links.length) { return null; }
    return el("div", {}, [
      el("h3", { text: heading }),
      el("ul", {}, links.map(function (link) {
        var anchor = el("a", { href: "?" + link.query, "data-query": link.query, text: link.name });
        anchor.addEventListener("click", function (event) { event.preventDefault(); load(link.query); });
        return el("li", {}, [anchor]);
      }))
    ]);
  }

  function measuresSection(measures) {
    var section = el("section", { id: "measures", "aria-labelledby": "measures-heading" }, [
      el("h2", { id: "measures-heading", text: T.measures_heading })
    ]);
    if (!measures) { section.appendChild(el("p", { text: T.measures_none })); return section; }
    section.appendChild(el("p", { text: fill(T.measures_open_actions, { count: measures.openActions }) }));
    measures.measures.forEach(function (measure) {
      section.appendChild(el("h3", { text: measure.name }));
      if (!measure.indicators.length) { section.appendChild(el("p", { text: T.no_indicators })); return; }
      var rows = measure.indicators.map(function (indicator) {
        var noData = indicator.value === null;
        return [
          indicator.name,
          { text: indicator.figure, className: noData ? "no-data" : "" },
          indicator.targetText,
          { text: indicator.status, className: indicator.status === T.off_target ? "off-target" : (noData ? "no-data" : "") },
          indicator.history.map(function (h) { return h.month + ": " + h.text; }).join("; "),
          indicator.trend,
          indicator.direction,
          indicator.evidence.join("; ") || "-"
        ];
      });
      var headings = [T.col_indicator, T.col_figure, T.col_target, T.col_status, T.col_history, T.col_trend, T.col_direction, T.col_evidence];
      var percentOnly = measure.indicators.every(function (i) { return i.unit === "percent"; });
      section.appendChild(chart(
        measure.indicators.map(function (i) { return i.name; }),
        [
          { label: T.figure_series, data: measure.indicators.map(function (i) { return i.value; }),
            printed: measure.indicators.map(function (i) { return i.value === null ? T.no_data : i.figure.split(" (")[0]; }) },
          { label: T.target_series, data: measure.indicators.map(function (i) { return i.target; }),
            printed: measure.indicators.map(function (i) { return i.target === null ? "" : i.targetText; }) }
        ],
        { indexAxis: "y", scales: { x: percentOnly ? { min: 0, max: 110, ticks: { callback: function (v) { return v <= 100 ? v : ""; } } } : { beginAtZero: true, grace: "15%" } } }
      ));
      section.appendChild(table(measure.name, headings, rows, []));
      if (measure.questions.length) {
        section.appendChild(el("details", {}, [
          el("summary", { text: T.questions_heading }),
          el("ul", { class: "questions" }, measure.questions.map(function (line) { return el("li", { text: line }); }))
        ]));
      }
    });
    return section;
  }

  function auditsSection(audits) {
    var section = el("section", { id: "audits" }, [el("h2", { text: T.audits_heading })]);
    if (!audits.rows.length) { section.appendChild(el("p", { text: T.audits_none })); return section; }
    var numbers = audits.stages.map(function (_, index) { return index + 1; }).concat([audits.stages.length + 1]);
    section.appendChild(chart(
      audits.rows.map(function (row) { return row.type; }),
      audits.stages.map(function (stage, index) {
        return { label: stage, data: audits.rows.map(function (row) { return row.counts[index]; }), stacked: true };
      }),
      { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
    ));
    section.appendChild(table(T.audits_heading, [T.col_audit_type].concat(audits.stages, [T.col_total]),
      audits.rows.map(function (row) { return [row.type].concat(row.counts, [row.total]); }), numbers));
    return section;
  }

  function feedbackSection(feedback) {
    var section = el("section", { id: "feedback" }, [el("h2", { text: T.feedback_heading })]);
    if (!feedback.length) { section.appendChild(el("p", { text: T.feedback_none })); return section; }
    section.appendChild(chart(
      feedback.map(function (row) { return row.form + " (" + row.channel + ")"; }),
      [{ label: T.col_count, data: feedback.map(function (row) { return row.count; }) }],
      { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    ));
    section.appendChild(table(T.feedback_heading, [T.col_form, T.col_channel, T.col_count],
      feedback.map(function (row) { return [row.form, row.channel, row.count]; }), [2]));
    return section;
  }

  function actionsSection(actions) {
    var section = el("section", { id: "actions" }, [el("h2", { text: T.actions_heading })]);
    var labels = [T.actions_open, T.actions_overdue, T.actions_done, T.actions_cancelled];
    var values = [actions.open, actions.overdue, actions.done, actions.cancelled];
    section.appendChild(chart(labels, [{ label: T.col_number, data: values }],
      { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }));
    section.appendChild(table(T.actions_heading, [T.col_actions, T.col_number],
      labels.map(function (label, index) { return [label, values[index]]; }), [1]));
    return section;
  }

  function render(board) {
    charts.forEach(function (drawn) { drawn.destroy(); });
    charts = [];
    root.textContent = "";
    root.appendChild(el("h1", { id: "page-title", text: board.scopeName }));
    root.appendChild(el("p", { text: fill(T.showing, { scope: board.scopeName, viewer: board.viewer, month: board.month, since: board.since }) }));
    var up = board.trail.slice(0, -1);
    var nav = el("nav", { class: "places", "aria-label": T.places_heading }, [
      placeLinks(T.up_to, up),
      placeLinks(T.drill_down, board.children),
      board.tops.length > 1 ? placeLinks(T.your_places, board.tops) : null
    ]);
    root.appendChild(nav);
    root.appendChild(measuresSection(board.measures));
    root.appendChild(auditsSection(board.audits));
    root.appendChild(feedbackSection(board.feedback));
    root.appendChild(actionsSection(board.actions));
    statusBox.textContent = "";
    document.title = board.scopeName + " - " + T.page_title;
  }

  function showMessage(message) {
    root.textContent = "";
    statusBox.textContent = "";
    root.appendChild(el("p", { class: "message", id: "qop-message", role: "alert", text: message }));
  }

  // -- sign-in and loading ------------------------------------------------------------------
  function signIn() {
    if (config.mode === "local") { return Promise.resolve(null); }
    if (token) { return Promise.resolve(token); }
    return window.microsoftTeams.app.initialize()
      .then(function () { return window.microsoftTeams.authentication.getAuthToken(); })
      .then(function (issued) { token = issued; return issued; });
  }

  function load(query) {
    var params = new URLSearchParams(query || "");
    if (config.mode === "local") {
      if (!demoPerson) { showMessage(T.pick_a_person); return; }
      params.set("as", demoPerson);
    }
    statusBox.textContent = T.loading;
    signIn()
      .then(function (signedIn) {
        var headers = signedIn ? { Authorization: "Bearer " + signedIn } : {};
        return fetch("/api/dashboard?" + params.toString(), { headers: headers, credentials: "omit", cache: "no-store" });
      })
      .then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      })
      .then(function (result) {
        if (result.status === 401) { token = null; }
        if (result.status !== 200) { showMessage(result.body.message || T.sign_in_failed); return; }
        render(result.body);
      })
      .catch(function () { showMessage(T.sign_in_failed); });
  }

  function startPicker() {
    var banner = document.getElementById("local-banner");
    fetch("/api/dashboard/people", { credentials: "omit" })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        var select = el("select", { id: "demo-person" }, [el("option", { value: "", text: T.picker_choose })].concat(
          body.people.map(function (person) { return el("option", { value: String(person.id), text: person.name + " (" + person.sees + ")" }); })
        ));
        select.addEventListener("change", function () { demoPerson = select.value || null; load(""); });
        banner.appendChild(el("br"));
        banner.appendChild(el("label", { for: "demo-person", text: T.picker_label + " " }));
        banner.appendChild(select);
        showMessage(T.pick_a_person);
      });
  }

  if (config.mode === "local") { startPicker(); } else { load(window.location.search.replace(/^\?/, "")); }
})();
