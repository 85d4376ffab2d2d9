// Progressive help for the SMS code page; every action also works without it.
(function () {
  "use strict";
  var resend = document.getElementById("resend");
  var cooldown = document.getElementById("resend-wait");
  var left = 0;
  if (resend && cooldown && resend.dataset.wait) {
    left = parseInt(resend.dataset.wait, 10);
    var tick = function () {
      if (left > 0) {
        resend.disabled = true;
        cooldown.textContent = "You can ask for a new code in " + left + " s.";
        left -= 1;
        setTimeout(tick, 1000);
      } else {
        resend.disabled = false;
        cooldown.textContent = "";
      }
    };
    tick();
  }
  var form = document.getElementById("otp-form");
  var delivery = document.getElementById("delivery");
  if (form && delivery && form.dataset.poll === "true") {
    var body = new URLSearchParams();
    body.set("login", form.elements["login"].value);
    body.set("csrf", form.elements["csrf"].value);
    var tries = 0;
    var poll = function () {
      tries += 1;
      fetch(form.dataset.statusUrl, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (s && s.delivery === "failed") {
            // one short line in the box above the form and one below it, in lines the page keeps from the
            // start: a notice that wrapped to two lines would move the form down under the user's pointer
            delivery.className = "notice error";
            delivery.textContent = "The SMS could not be sent.";
            left = 0;
            if (resend) { resend.disabled = false; }
            if (cooldown) { cooldown.textContent = resend ? "Use Resend to try again." : ""; }
          } else if (s && s.delivery === "sent") {
            delivery.className = "notice ok";
            delivery.textContent = "The SMS was sent.";
          } else if (tries < 30) {
            setTimeout(poll, 2000);
          }
        })
        .catch(function () { if (tries < 30) { setTimeout(poll, 2000); } });
    };
    setTimeout(poll, 1000);
  }
})();
