/* The channel tab's configuration page: tells Teams where the tab's content lives. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("qop-config").textContent);
  var teams = window.microsoftTeams;
  teams.app.initialize().then(function () {
    teams.pages.config.registerOnSaveHandler(function (saveEvent) {
      teams.pages.config
        .setConfig({
          entityId: "qop-dashboard",
          contentUrl: config.contentUrl,
          websiteUrl: config.contentUrl,
          suggestedDisplayName: config.name
        })
        .then(function () { saveEvent.notifySuccess(); })
        .catch(function (error) { saveEvent.notifyFailure(String(error)); });
    });
    teams.pages.config.setValidityState(true);
  });
})();
