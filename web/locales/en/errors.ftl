# Error messages people and API clients read. Keys: error-<code>, where the
# code is the stable `error.code` of the JSON API.

error-flow-not-found = This reset session does not exist or has ended. Start again.
error-flow-expired = This reset session has expired. Start again.
error-wrong-step = This step is not possible now: { $why }.
error-unknown-method = Choose one of the methods offered for this session.
error-too-soon = A code was sent moments ago. Wait { $seconds } seconds before asking for another.
error-no-code-sent = No code has been sent for this method yet: ask for one first.
error-code-expired = This code has expired. Ask for a new code.
error-code-wrong = { $remaining ->
    [one] The code is not correct. 1 try left for this code.
   *[other] The code is not correct. { $remaining } tries left for this code.
}
error-captcha-invalid = The anti-robot check failed: { $why }. Reload the page and try again.
error-captcha-used = This anti-robot check was already used. Reload the page, or get a new challenge from GET /api/v1/captcha.
error-phone-budget-spent = Text messages and calls are paused for now because many were sent today. Choose another method, or try again later.
error-report-not-found = This link does not exist or has expired (links work for 7 days). Contact your helpdesk directly.
error-number-mismatch = That is not the number on file. Type your full phone number, the one the hint ends with, including its country code.
error-answers-wrong = The answers are not correct. New questions are shown: answer those.
error-authenticator-wrong = The authenticator code is not correct or was already used. Wait for the next code and type it.
error-code-used-up = This code can no longer be used. Ask for a new code.
error-wrong-credentials = The user ID or the current password is not correct.
error-account-locked = Your account is locked after too many wrong passwords. Unlock it with a code (Unlock my account), or wait and try again.
error-password-rejected = Choose another password: { $why }.
error-directory-too-short = The directory requires a longer password. Choose a longer one.
error-directory-not-complex = The directory requires a more complex password: mix upper and lower case letters, digits and symbols.
error-directory-in-history = You have used this password before. Choose one you have not used.
error-directory-too-young = Your password was changed too recently to change it again. Try again later or contact your helpdesk.
error-directory-other = The directory refused this password. Choose another one.
error-contact-helpdesk = Your account cannot be reset here. Contact your helpdesk.
error-partial-writeback = Your new password is now active in { $written } but could not be written to { $failed } yet. Try again in a few minutes with the same new password to finish; until then, use the new password for { $written } and your old one for { $failed }.
error-blocked = Self-service password reset is blocked for this account until { $until } (UTC) after too many failed attempts or messages. Contact your helpdesk if you need help sooner.
error-unlock-disabled = Unlocking without a new password is turned off here: reset your password instead.
error-user-not-found = No directory has a user { $login } in the scope passdesk may reset.
error-import-rejected = { $rows ->
    [one] 1 row cannot be imported; nothing was imported.
   *[other] { $rows } rows cannot be imported; nothing was imported.
}
error-passkey-refused = The passkey was not accepted. Try again, or choose another method.
error-passkey-refused-why = The passkey was not accepted: { $why }. Try again, or choose another method.
error-link-not-found = This link does not work any more: it was already used, or it is more than 24 hours old. Ask your administrator or helpdesk for a new one, or reset your password from the start page.
error-not-admin = This account is not an administrator of passdesk. Ask an administrator to add you to the admin group.
error-sign-in-needed = Your session has ended (signed out, or idle too long). Sign in again.
error-method-needed = { $required ->
    [one] This cannot be removed: your organisation requires 1 method and you would have { $left } left. Add another method first, then remove this one.
   *[other] This cannot be removed: your organisation requires { $required } methods and you would have { $left } left. Add another method first, then remove this one.
}
error-directory-unavailable = The directory cannot be reached right now. Nothing has changed: try again in a few minutes.
error-delivery-unavailable = We couldn't send the code. Try another method, or try again in a few minutes.
error-storage-full = We can't save anything right now, so nothing has changed. Try again in a few minutes; if it goes on, contact your helpdesk.
error-internal = Something went wrong on our side. Nothing has changed: try again, or contact your helpdesk with the request id.
error-invalid-input = { $field }: { $why }
error-not-found-page = There is no page at this address.
error-form-too-large = The form is too large.
error-form-type = Send the form as application/x-www-form-urlencoded.
error-form-unreadable = The form could not be read: { $why }. Reload the page and try again.
error-csrf = The form has expired or was not sent by this site. Reload the page and try again.
error-csrf-origin = The form did not come from this site. Open the page again from its address and retry.
error-rate-limited = Too many requests from your address. Wait a minute and try again.

# What is wrong with something a person typed. These follow a field name or
# "Choose another password:", so they start in lower case.
login-empty = enter your user ID
login-too-long = a user ID has at most { $max } characters
login-control = a user ID cannot contain control characters
answer-too-short = an answer needs at least { $min } characters
answer-too-long = an answer has at most { $max } characters
answer-control = an answer cannot contain control characters
email-invalid = give one e-mail address such as name@example.org
phone-empty = type the phone number, with its country code (for example +31 6 1234 5678)
phone-characters = a phone number holds only digits, spaces, dashes, dots, brackets and a leading +
phone-country-code = start the number with + and its country code (for example +31 6 1234 5678)
phone-length = a phone number with its country code has 8 to 15 digits
captcha-forged = the anti-robot check is not one this server issued; reload the page and try again
captcha-expired = the anti-robot check has expired; reload the page and try again
captcha-unsolved = the anti-robot check was not solved; let the page finish its check, or reload it
password-too-short = use at least { $min } characters (15 or more is better)
password-too-long = use at most { $max } characters
password-common = this password is one of the most commonly used passwords; choose another
password-contains-login = the password must not contain your user ID
password-contains-name = the password must not contain your name
password-contains-organisation = the password must not contain the name of the organisation or its products
password-too-weak = this password is too easy to guess: add another word or two, or make it longer
password-not-complex = mix at least three of: upper-case letters, lower-case letters, digits, symbols
password-breached = this password has appeared in a data breach, so attackers try it first; choose another

# Field problems in forms and API bodies (after "field: ").
input-current-password = enter your current password
input-password-unchanged = the new password must differ from the current one
input-password-missing = enter your password
input-captcha-missing = solve the anti-robot check first (GET /api/v1/captcha); in the portal, let the page finish its check
input-answer-missing = answer every question shown; "{ $question }" has no answer
input-answer-unknown = "{ $id }" is not one of the questions shown; answer only those
input-answers-missing = answer the questions shown
input-code-missing = type the code you received
input-authenticator-code = type the 6-digit code your authenticator app shows
input-passkey-missing = send the passkey's answer (credential) to the challenge from send
input-passkey-unexpected = this method takes no passkey
input-passkey-unreadable = the browser's answer could not be read; try again
input-passkeys-full = you have { $max } passkeys, the most passdesk keeps: remove one first
input-proof-one = give exactly one of "code" (codes), "answers" (security questions) or "credential" (passkey)
input-confirm-number = type your full phone number, as the hint shows it, before a code is sent
input-csrf-password = reload the page and type the password again
input-nothing-registered = nothing of kind { $kind } is registered with passdesk for you
input-kind-not-offered = your organisation does not use { $kind } for password reset; choose another method
input-kind-unknown = this is not a kind of method; use one of the kinds the registration lists
input-contact-kind = choose alt_email, mobile or office_phone
input-contact-same = this is your directory address already: give a different one
input-contact-code = type the 8-digit code from the message (spaces are fine)
input-no-account = no account "{ $login }" in any directory
input-phone-kind = a phone number is registered as mobile or office_phone
input-totp-secret = give the 32-character base32 secret shown with the QR code
input-totp-code = the code does not match: type the code the app shows now
input-questions-count = answer exactly { $count } questions (the policy's questions_to_register)
input-question-unknown = "{ $id }" is not a question on the list; choose from the list shown
input-question-twice = "{ $question }" is chosen twice; choose different questions
input-answer-problem = "{ $question }": { $why }
input-answers-same = give a different answer to each question
input-answer-is-question = "{ $question }": the answer cannot be the question itself
input-answer-is-password = "{ $question }": the answer cannot be your password

# Sentences only administrators read (CLI, admin API): kept whole.
admin-detail = { $detail }

# Why a step is not possible now (after "This step is not possible now:").
step-verify-before-unlock = verify your identity before unlocking your account
step-questions-first = ask for the questions first
step-flow-changed = this flow changed meanwhile; reload the page
step-verify-before-password = verify your identity before choosing a new password
step-destination-gone = the destination disappeared; try again
step-no-authenticator-setup = no authenticator set-up is waiting (it expired, or too many wrong codes): open the set-up page again and scan the new QR code
step-authenticator-cancelled = too many wrong codes: this set-up is cancelled; open the set-up page again and scan the new QR code
step-registration-done = this registration was already saved or cancelled
step-code-waiting = a code sent to a new address or number is waiting: type it (or cancel it) first
step-proofs-complete = the proofs are already complete
step-method-verified = this method has already been verified
step-verify-first = verify your identity first
step-authenticator-nothing-sent = nothing is sent for an authenticator app: type the code it shows
step-passkey-expired = this passkey request was used or has expired: start again
step-passkey-expired-again = this passkey request was used or has expired: choose Use a passkey again
step-demo-needs-local = --demo needs a local directory
step-admins-need-local = local administrators need a local directory
