# Words of the registration pages (security info, passkeys) and of the
# "this wasn't me" and reset-link pages.

## Signing in to registration

register-title = Security info
register-sign-in-heading = Set up your security info
register-sign-in-intro = Sign in with your user ID and password to see and change the ways you can prove who you are when you forget your password.
register-user-id = User ID
register-password = Password
register-sign-in = Sign in

## The overview

register-hello = Hello { $name }. These are the ways you can prove who you are if you forget your password.
register-stale-question = Is your security info still correct?
register-stale-why = Your organisation asks you to confirm it now and then.
register-stale-confirm = Yes, it is still correct
register-interrupt-ask = { $required ->
    [one] Your organisation asks you to register { $required } method.
   *[other] Your organisation asks you to register { $required } methods.
}
register-interrupt-have = You have { $usable }. Add one below, so you can reset your password yourself.
register-skip = Skip for now
register-requires = { $required ->
    [one] Your organisation requires { $required } method to reset a password; you have { $usable }.
   *[other] Your organisation requires { $required } methods to reset a password; you have { $usable }.
}
register-removed = Removed.
register-confirmed = Thank you: your security info is confirmed.
register-password-changed = Your password has been changed. Use the new one from now on.
register-saved = Saved. We have told your other addresses about the change.
register-verify-alt-email = Verify your alternate e-mail address
register-verify-mobile = Verify your mobile number
register-verify-office-phone = Verify your office number
register-code-sent = We sent a code to { $hint }. Type it here to save it.
register-code-label = Code from the message
register-verify-save = Verify and save
register-cancel = Cancel
register-registered = Registered
register-nothing = Nothing yet.
register-remove = Remove
register-alt-email-label = A private address (not your work address)
register-send-code = Send code
register-mobile-label = Mobile number, with country code (we text a code to it)
register-text-me = Text me a code
register-office-label = Office number, with country code (we call it and read a code)
register-call-me = Call me with a code
register-choose-questions = Choose security questions
register-set-up-authenticator = Set up an authenticator app
register-add-passkey = Add a passkey
register-sign-out = Sign out

# Where a registered datum came from; $date is a register-date.
register-origin-directory = from your organisation's directory
register-origin-you = verified by you on { $date }
register-origin-imported = set by your administrator on { $date }
register-origin-synced = copied from your organisation's directory on { $date }
register-date = { $year }-{ $month }-{ $day }
register-passkey-count = { $n ->
    [one] { $n } passkey
   *[other] { $n } passkeys
}

# What is registered, as the overview lists it.
register-kind-email = E-mail
register-kind-alt-email = Alternate e-mail
register-kind-mobile = Mobile phone
register-kind-office-phone = Office phone
register-kind-questions = Security questions
register-kind-authenticator = Authenticator app
register-kind-passkey = Passkeys

## Security questions

register-questions-intro = { $n ->
    [one] Choose a question and answer it.
   *[other] Choose { $n } different questions and answer each.
} Answers are not case sensitive; each must be different, and none may be your password.
register-question-n = Question { $n }
register-choose-question = Choose a question
register-answer-n = Answer { $n }
register-save-answers = Save answers
register-back = Back

## Authenticator app

register-authenticator-title = Authenticator app
register-authenticator-scan = In your authenticator app (Microsoft Authenticator, Google Authenticator, FreeOTP…), add an account and scan this QR code.
register-authenticator-type = Then type the 6-digit code the app shows.
register-qr-alt = QR code for your authenticator app. If you cannot scan it, type the key shown below into the app.
register-cannot-scan = Cannot scan? Type this key into the app (time-based):
register-app-code-label = Code from the app

## Passkeys (the page is shared by registration and reset)

passkey-register-heading = Add a passkey
passkey-register-intro = A passkey lets you prove it is you with this device's screen lock, a phone, or a security key. Press the button and follow your browser.
passkey-register-button = Create a passkey
passkey-reset-heading = Use your passkey
passkey-reset-intro = Press the button and follow your browser: it asks for your screen lock, phone or security key.
passkey-reset-button = Use my passkey
passkey-needs-script = Passkeys need JavaScript. Choose another method.
passkey-back = Back
passkey-unsupported = This browser cannot use passkeys. Choose another method.
passkey-follow-browser = Follow your browser's prompt…
passkey-not-used = The passkey was not used. Try again, or choose another method.

## "This wasn't me"

report-title = Was this you?
report-told = { $what ->
    [change] We told you about a password change on your account at { $when } (UTC).
    [unlock] We told you about an unlock of your account at { $when } (UTC).
    [registration] We told you about a change to your security info at { $when } (UTC).
   *[reset] We told you about a password reset on your account at { $when } (UTC).
}
# When the notice was sent, from its RFC 3339 time, in UTC.
report-when = { $year }-{ $month }-{ $day } { $time }
report-if-not-you = If it was not you, report it.
report-explain = Self-service password reset is then blocked for your account, and your IT team is alerted at once. Contact your helpdesk to get back in.
report-button = It was not me: block and alert
report-was-me = It was me: nothing to do
report-done-heading = Thank you: your IT team has been alerted
report-done-text = Self-service password reset is blocked for your account, so nobody can use it to take your account. Contact your helpdesk now: they will check your account and help you back in.

## An administrator's one-time reset link

link-title = Choose your password
link-intro = Your administrator sent you this link so you can choose your password yourself. Nobody else will know it.
link-hint = The link works once. If your organisation asks for a second proof, you will be asked for it next.
link-continue = Continue
