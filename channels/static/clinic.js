// Starts the rasa-webchat widget embedded in the clinic page, talking socket.io to this server.
(function () {
  var config = JSON.parse(document.currentScript.getAttribute("data-config"));
  window.WebChat.default({
    initPayload: config.initPayload,
    socketUrl: window.location.origin,
    socketPath: config.socketPath,
    customData: { language: "en" },
    title: config.title,
    subtitle: config.subtitle,
    inputTextFieldHint: "Type your message...",
    embedded: true,
    showFullScreenButton: false,
    hideWhenNotConnected: false,
    customMessageDelay: function () { return 0; },
    params: { storage: "local" }
  }, document.getElementById("webchat"));
})();
