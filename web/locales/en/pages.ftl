# Words of the portal's pages.

method-email = E-mail
method-alt-email = Alternate e-mail
method-mobile-sms = Text message to your mobile phone
method-mobile-voice = Voice call to your mobile phone
method-office-voice = Voice call to your office phone
method-questions = Security questions
method-authenticator = Authenticator app
method-passkey = Passkey

rule-length = At least { $min } characters (15 or more is better), at most { $max }.
rule-complex = Mix at least three of: upper-case letters, lower-case letters, digits, symbols.
rule-any-characters = Any characters, spaces included. A few unrelated words make a strong password.
rule-not-common = Not a commonly used password, and not containing your user ID or your name.
rule-not-organisation = Not containing the name of the organisation or its products.
rule-hard-to-guess = Hard to guess: no keyboard patterns, repeats or well-known phrases.
rule-history = Not one of your last { $count } passwords.

page-skip = Skip to main content
page-need-help = Need help?
page-contact-helpdesk = Contact your helpdesk
page-contact-it = Contact your IT helpdesk.
page-language = Language
page-back = Back to password help
page-step = Step { $step } of { $steps }

field-user = User ID
field-current-password = Current password
field-new-password = New password
field-confirm-password = Type it again
field-confirm-new-password = Type the new password again
button-next = Next

index-title = Password help
index-intro = Get back into your account without calling the helpdesk.
index-reset = I forgot my password
index-reset-hint = Prove it is you with a code sent to your e-mail, then choose a new password.
index-unlock = Unlock my account
index-unlock-hint = Locked out after too many wrong passwords? Prove it is you and keep your password.
index-change = Change my password
index-change-hint = You know your password and want a new one.
index-register = Set up my security info
index-register-hint = Add a phone, a private e-mail, security questions or an authenticator app, so you can reset your password yourself.

identify-reset-heading = Reset your password
identify-reset-intro = Type your user ID or e-mail address. We will then ask you to prove that the account is yours.
identify-unlock-heading = Unlock your account
identify-unlock-intro = Locked out after too many wrong passwords? Type your user ID; once you prove the account is yours, it is unlocked and your password stays the same.
captcha-checking = Checking that this is a browser, not a robot… This needs JavaScript and takes a moment.
captcha-done = Check complete.

verify-title = Verify it is you
verify-pass = { $required ->
    [one] Pass one of the checks below.
   *[other] Pass { $required } of the checks below.
}
verify-passed = { $passed } of { $required } checks passed. Now pass one more of the checks below, a different one.
verify-done = Verified.
verify-email-title = E-mail a code to { $hint }
verify-passkey-title = Use a passkey
verify-questions-button = Answer my security questions
verify-passkey-button = Use a passkey
verify-send-code = Send code
verify-confirm-number = Type your full number (it ends in { $hint }) so we know it is yours
verify-app-code = Code your authenticator app shows
verify-message-code = Code from the message
verify-button = Verify
verify-sent-sms = We sent a text message with a code. It can take a minute to arrive.
verify-sent-voice = We are calling you now; the call reads out your code.
verify-sent-email = We sent a code. It can take a minute to arrive; check your junk folder too.

password-title = Choose a new password
password-too-young = Your password was changed too recently to change it again: your directory allows the next change after { $until } (UTC). Come back then, or contact your helpdesk.
password-rules-source = Rules of passdesk and of your directory ({ $source }).
password-button = Set password
password-mismatch = The two passwords are not the same. Type them again.
meter-strength = Strength:
meter-levels = very weak|weak|fair|strong|very strong
meter-meets = (meets every rule)
meter-empty = Strength: type a password

done-title = Password changed
done-heading = Your password has been reset
done-text = You can sign in with your new password now. We have sent a confirmation to your e-mail address.

unlock-title = Unlock your account
unlock-proved = You proved that the account is yours.
unlock-text = Unlock it now. Your password stays the same; if you no longer know it,
unlock-reset-instead = reset it instead.
unlock-button = Unlock my account
unlock-done-heading = Account unlocked
unlock-done-text = Your account is unlocked. Sign in with your usual password.

change-title = Change your password
change-intro = You know your current password and want a new one.
change-button = Change password
change-done-heading = Password changed
change-done-text = Your password has been changed. Use the new one from now on; we have sent a confirmation to your e-mail address.

error-title = Something went wrong
error-session-ended = Your session has ended
error-not-found = Not found
error-could-not = We could not do that
error-start-again = Start again
error-request-id = Request id:
error-request-id-hint = Give it to your helpdesk if you contact them.
