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
