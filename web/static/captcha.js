// passdesk's proof-of-work check for the identify form: find a solution
// such that SHA-256(challenge + ":" + solution) starts with `difficulty`
// zero bits, then let the form submit. No third-party service is involved.
// SHA-256 is computed here (FIPS 180-4) because crypto.subtle is
// asynchronous per hash and far too slow for many small hashes.
(function () {
  "use strict";
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var W = new Uint32Array(64);

  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  // The first 32 bits of SHA-256 of an ASCII string (all the check needs
  // up to difficulty 32; the server allows at most 24).
  function sha256First32(text) {
    var bytes = text.length, blocks = ((bytes + 9 + 63) >> 6), words = new Uint32Array(blocks * 16), i;
    for (i = 0; i < bytes; i++) { words[i >> 2] |= (text.charCodeAt(i) & 0xff) << (24 - (i & 3) * 8); }
    words[bytes >> 2] |= 0x80 << (24 - (bytes & 3) * 8);
    words[blocks * 16 - 1] = bytes * 8;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a,
        h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (var b = 0; b < blocks; b++) {
      for (i = 0; i < 16; i++) { W[i] = words[b * 16 + i]; }
      for (i = 16; i < 64; i++) {
        var s0 = rotr(W[i - 15], 7) ^ rotr(W[i - 15], 18) ^ (W[i - 15] >>> 3);
        var s1 = rotr(W[i - 2], 17) ^ rotr(W[i - 2], 19) ^ (W[i - 2] >>> 10);
        W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
      }
      var a = h0, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7, bb = h1;
      for (i = 0; i < 64; i++) {
        var S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
        var S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        var t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + bb) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    return h0 >>> 0;
  }

  function leadingZeros(word) { return word === 0 ? 32 : Math.clz32(word); }

  var form = document.querySelector("form[data-captcha]");
  if (!form) { return; }
  var challenge = form.getAttribute("data-captcha");
  var difficulty = parseInt(form.getAttribute("data-difficulty"), 10);
  var field = form.querySelector("input[name=captcha_solution]");
  var status = document.getElementById("captcha-status");
  var solved = false, submitWhenSolved = false, n = 0;

  function step() {
    var until = Date.now() + 40;
    while (Date.now() < until) {
      for (var i = 0; i < 2000; i++, n++) {
        if (leadingZeros(sha256First32(challenge + ":" + n)) >= difficulty) {
          field.value = String(n);
          solved = true;
          if (status) { status.textContent = form.getAttribute("data-captcha-done"); }
          if (submitWhenSolved) { form.submit(); }
          return;
        }
      }
    }
    setTimeout(step, 0);
  }

  form.addEventListener("submit", function (event) {
    if (!solved) { event.preventDefault(); submitWhenSolved = true; }
  });
  setTimeout(step, 0);
})();
