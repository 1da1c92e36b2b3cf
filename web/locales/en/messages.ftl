# Messages passdesk sends: e-mail (subject and body), text messages and
# voice calls. Bodies are plain text; the e-mail's HTML part is drawn from
# them. $org is the organisation's name.

message-footer-helpdesk =
    Questions? Contact your helpdesk: { $helpdesk }
    -- { $org }
message-footer = -- { $org }

code-email-subject = { $org } verification code: { $code }
code-email-body =
    Your verification code is: { $code }

    Type it on the password reset page within { $minutes } minutes. If you did not ask to reset your password, ignore this message: nothing has changed.

registration-code-subject = { $org } code to confirm your address: { $code }
registration-code-body =
    Your code is: { $code }

    Someone (we hope you) is adding this address to their { $org } account as a way to reset their password. Type the code on the security info page within { $minutes } minutes to confirm it.

    If this was not you, ignore this message: the address will not be added.

reset-link-subject = Set your { $org } password
reset-link-body =
    Hello { $name },

    Your administrator sent you this link to choose your { $org } password yourself:
    { $link }

    It works once, within 24 hours. You may be asked for one more proof that it is you. Nobody else will ever know the password you choose: your administrator never sees it.

    If you did not expect this message, do not open the link; tell your helpdesk.
reset-link-sms = { $org }: choose your password here (once, within 24 h): { $link }

registration-reminder-subject = Set up your { $org } security info
registration-reminder-body =
    Hello { $name },

    If you forget your password, you can reset it yourself, without calling the helpdesk, once you have registered { $required ->
        [one] one way
       *[other] { $required } ways
    } to prove who you are (a mobile phone, a private e-mail address, an authenticator app, a passkey or security questions).

    It takes two minutes: sign in here with your current password:
    { $link }

    We will remind you again later until you have.

code-sms = { $code } is your { $org } verification code. It expires in { $minutes } minutes. Do not share it.
code-voice = This is { $org }. Your verification code is: { $spoken }. Again: { $spoken }. It expires in { $minutes } minutes.

too-soon-email-subject = { $org } password: no code sent, the password was changed too recently
too-soon-email-body = Someone asked to reset the password of your account, but the password was changed too recently: the directory will not accept a new one before { $until }. No verification code was sent. Try again after that time, or contact your helpdesk if you cannot sign in. If you did not ask to reset your password, ignore this message: nothing has changed.
too-soon-sms = { $org }: no code sent. Your password was changed too recently; reset it after { $until }.
too-soon-voice = This is { $org }. No verification code was sent: your password was changed too recently. You can reset it after { $until }.

notice-reset-subject = Your { $org } password was reset
notice-change-subject = Your { $org } password was changed
notice-unlock-subject = Your { $org } account was unlocked
notice-registration-subject = Your { $org } security info was changed
notice-reset = The password of your account was reset through self-service password reset
notice-change = The password of your account was changed
notice-unlock = Your account was unlocked through self-service
notice-registration = The security info used to verify your identity for a password reset was changed on your account
notice-body =
    Hello { $name },

    { $what } at { $when } (UTC).

    If this was you, there is nothing to do.

    If this was NOT you, open this link at once: it stops self-service for your account and alerts your IT team:
    { $link }

    Then contact your helpdesk.

admin-reset-alert-subject = [{ $org }] Administrator { $login } reset their password
admin-reset-alert-body =
    The administrator account { $login } reset its password through self-service password reset at { $when } (UTC), passing two proofs of identity.

    If you do not expect this, check with { $login } by a channel other than e-mail, and review the audit log.
not-me-alert-subject = [{ $org }] ALERT: { $login } reports a password { $what } that was not them
not-me-alert-body =
    The owner of the account { $login } followed the "this wasn't me" link of the notice about the password { $what } at { $when } (UTC).

    Self-service password reset is blocked for this account until { $until } (UTC). The account may be compromised: check it, reset its password yourself, review the audit log, and unblock self-service with `passdesk admin unblock { $login }` when it is safe.

expiry-reminder-subject = { $days ->
    [one] Your { $org } password expires within a day
   *[other] Your { $org } password expires in { $days } days
}
expiry-reminder-body =
    Hello { $name },

    { $days ->
        [one] Your password expires within a day, on { $date }.
       *[other] Your password expires in { $days } days, on { $date }.
    } After that you cannot sign in until it is changed.

    Change it now, while your current password still works:
    { $link }

    Nobody from { $org } will ever ask you for your password, by e-mail or by phone.

# Dates in messages.
date-time = { $weekday } { $day } { $month } { $year }, { $time } UTC
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
