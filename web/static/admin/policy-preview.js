// The branding page's live preview: while the administrator types a
// colour or a name, the preview card follows, and the contrast with white
// text is shown. The server draws the same card when "Preview" is
// pressed, so the page works without this file.
(function () {
  "use strict";
  var colour = document.getElementById("colour");
  var name = document.getElementById("name");
  var sheet = document.getElementById("preview-sheet");
  var note = document.getElementById("colour-contrast");
  if (!colour || !sheet) { return; }

  function channel(c) {
    c = c / 255;
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
  function parse(text) {
    var hex = text.trim().replace(/^#/, "");
    if (!/^[0-9a-fA-F]{6}$/.test(hex)) { return null; }
    return [0, 2, 4].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
  }
  function update() {
    var rgb = parse(colour.value);
    if (!rgb) { note.textContent = "Write the colour as #rrggbb."; return; }
    var hex = rgb.map(function (c) { return ("0" + c.toString(16)).slice(-2); }).join("");
    var lum = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
    var ratio = 1.05 / (lum + 0.05);
    // The server derives the hover, tint and light and dark link shades
    // exactly as for /brand.css; a new stylesheet address is all it takes.
    var next = "/admin/policy/branding/preview.css?colour=" + hex;
    if (sheet.getAttribute("href") !== next) { sheet.setAttribute("href", next); }
    note.textContent = "Contrast with white text: " + ratio.toFixed(1) + ":1" +
      (ratio >= 4.5 ? " (readable)." : " (too light: at least 4.5:1 is needed).");
  }
  colour.addEventListener("input", update);
  if (name) {
    name.addEventListener("input", function () {
      var target = document.getElementById("preview-name");
      if (target) { target.textContent = name.value; }
    });
  }
  update();
}());
