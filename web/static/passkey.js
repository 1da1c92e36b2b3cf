// passkey.js: runs navigator.credentials.create() or .get() with the
// options the server put in #passkey-options, then posts the answer in the
// form's hidden "credential" field. Binary fields travel as base64url.
// The words it shows come from #passkey-options' data- attributes, which
// the page fills in its own language.
(function () {
  "use strict";
  var holder = document.getElementById("passkey-options");
  if (!holder) { return; }
  var form = document.getElementById("passkey-form");
  var button = document.getElementById("passkey-button");
  var status = document.getElementById("passkey-status");
  function say(name) { return holder.getAttribute("data-" + name) || ""; }
  function bytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function text(buffer) {
    var view = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < view.length; i++) { raw += String.fromCharCode(view[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function ids(list) {
    return (list || []).map(function (c) { return { type: c.type, id: bytes(c.id), transports: c.transports }; });
  }
  if (!window.PublicKeyCredential || !navigator.credentials) {
    status.textContent = say("unsupported");
    button.disabled = true;
    return;
  }
  button.addEventListener("click", function () {
    var options = JSON.parse(holder.getAttribute("data-options"));
    options.challenge = bytes(options.challenge);
    var ceremony;
    if (holder.getAttribute("data-ceremony") === "create") {
      options.user.id = bytes(options.user.id);
      options.excludeCredentials = ids(options.excludeCredentials);
      ceremony = navigator.credentials.create({ publicKey: options }).then(function (cred) {
        var r = cred.response;
        return {
          clientDataJSON: text(r.clientDataJSON),
          authenticatorData: text(r.getAuthenticatorData()),
          publicKey: text(r.getPublicKey()),
          publicKeyAlgorithm: r.getPublicKeyAlgorithm(),
          rawId: text(cred.rawId),
          transports: r.getTransports ? r.getTransports() : []
        };
      });
    } else {
      options.allowCredentials = ids(options.allowCredentials);
      ceremony = navigator.credentials.get({ publicKey: options }).then(function (cred) {
        var r = cred.response;
        return {
          clientDataJSON: text(r.clientDataJSON),
          authenticatorData: text(r.authenticatorData),
          signature: text(r.signature),
          rawId: text(cred.rawId),
          userHandle: r.userHandle ? text(r.userHandle) : null
        };
      });
    }
    button.disabled = true;
    status.textContent = say("follow");
    ceremony.then(function (answer) {
      form.elements.credential.value = JSON.stringify(answer);
      form.submit();
    }, function (e) {
      button.disabled = false;
      status.textContent = say("not-used") + " (" + e.name + ")";
    });
  });
}());
