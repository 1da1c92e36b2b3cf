# Woorden van de pagina's van het portaal.

method-email = E-mail
method-alt-email = Alternatief e-mailadres
method-mobile-sms = Sms naar uw mobiele telefoon
method-mobile-voice = Spraakoproep naar uw mobiele telefoon
method-office-voice = Spraakoproep naar uw telefoon op kantoor
method-questions = Beveiligingsvragen
method-authenticator = Authenticator-app
method-passkey = Passkey

rule-length = Minstens { $min } tekens (15 of meer is beter), hoogstens { $max }.
rule-complex = Gebruik minstens drie van: hoofdletters, kleine letters, cijfers, symbolen.
rule-any-characters = Alle tekens zijn toegestaan, ook spaties. Een paar losse woorden maken een sterk wachtwoord.
rule-not-common = Geen veelgebruikt wachtwoord, en zonder uw gebruikersnaam of uw naam.
rule-not-organisation = Zonder de naam van de organisatie of haar producten.
rule-hard-to-guess = Moeilijk te raden: geen toetsenbordpatronen, herhalingen of bekende uitdrukkingen.
rule-history = Niet een van uw laatste { $count } wachtwoorden.
