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

page-skip = Direct naar de inhoud
page-need-help = Hulp nodig?
page-contact-helpdesk = Neem contact op met uw helpdesk
page-contact-it = Neem contact op met uw IT-helpdesk.
page-language = Taal
page-back = Terug naar wachtwoordhulp
page-step = Stap { $step } van { $steps }

field-user = Gebruikersnaam
field-current-password = Huidig wachtwoord
field-new-password = Nieuw wachtwoord
field-confirm-password = Typ het nog een keer
field-confirm-new-password = Typ het nieuwe wachtwoord nog een keer
button-next = Volgende

index-title = Wachtwoordhulp
index-intro = Kom weer in uw account zonder de helpdesk te bellen.
index-reset = Ik ben mijn wachtwoord vergeten
index-reset-hint = Bewijs dat u het bent met een code per e-mail en kies daarna een nieuw wachtwoord.
index-unlock = Mijn account ontgrendelen
index-unlock-hint = Geblokkeerd na te veel verkeerde wachtwoorden? Bewijs dat u het bent en houd uw wachtwoord.
index-change = Mijn wachtwoord wijzigen
index-change-hint = U kent uw wachtwoord en wilt een nieuw.
index-register = Mijn beveiligingsgegevens instellen
index-register-hint = Voeg een telefoon, een privé-e-mailadres, beveiligingsvragen of een authenticator-app toe, zodat u uw wachtwoord zelf kunt herstellen.

identify-reset-heading = Uw wachtwoord opnieuw instellen
identify-reset-intro = Typ uw gebruikersnaam of e-mailadres. Daarna vragen we u te bewijzen dat het account van u is.
identify-unlock-heading = Uw account ontgrendelen
identify-unlock-intro = Geblokkeerd na te veel verkeerde wachtwoorden? Typ uw gebruikersnaam; zodra u bewijst dat het account van u is, wordt het ontgrendeld en blijft uw wachtwoord hetzelfde.
captcha-checking = We controleren of dit een browser is en geen robot… Dit vraagt JavaScript en duurt even.
captcha-done = Controle voltooid.

verify-title = Bewijs dat u het bent
verify-pass = { $required ->
    [one] Doorloop een van de controles hieronder.
   *[other] Doorloop { $required } van de controles hieronder.
}
verify-passed = { $passed } van { $required } controles gelukt. Doorloop nu nog één andere controle hieronder.
verify-done = Bevestigd.
verify-email-title = Een code mailen naar { $hint }
verify-passkey-title = Een passkey gebruiken
verify-questions-button = Mijn beveiligingsvragen beantwoorden
verify-passkey-button = Een passkey gebruiken
verify-send-code = Code versturen
verify-confirm-number = Typ uw volledige nummer (het eindigt op { $hint }), zodat we weten dat het van u is
verify-app-code = Code die uw authenticator-app toont
verify-message-code = Code uit het bericht
verify-button = Bevestigen
verify-sent-sms = We hebben een sms met een code gestuurd. Het kan een minuut duren voordat die aankomt.
verify-sent-voice = We bellen u nu; tijdens het gesprek wordt uw code voorgelezen.
verify-sent-email = We hebben een code gestuurd. Het kan een minuut duren voordat die aankomt; kijk ook in uw map met ongewenste e-mail.

password-title = Kies een nieuw wachtwoord
password-too-young = Uw wachtwoord is te kort geleden gewijzigd om het nu weer te wijzigen: uw directory staat de volgende wijziging toe na { $until } (UTC). Kom dan terug, of neem contact op met uw helpdesk.
password-rules-source = Regels van passdesk en van uw directory ({ $source }).
password-button = Wachtwoord instellen
password-mismatch = De twee wachtwoorden zijn niet gelijk. Typ ze opnieuw.
meter-strength = Sterkte:
meter-levels = zeer zwak|zwak|redelijk|sterk|zeer sterk
meter-meets = (voldoet aan alle regels)
meter-empty = Sterkte: typ een wachtwoord

done-title = Wachtwoord gewijzigd
done-heading = Uw wachtwoord is opnieuw ingesteld
done-text = U kunt zich nu aanmelden met uw nieuwe wachtwoord. We hebben een bevestiging naar uw e-mailadres gestuurd.

unlock-title = Uw account ontgrendelen
unlock-proved = U hebt bewezen dat het account van u is.
unlock-text = Ontgrendel het nu. Uw wachtwoord blijft hetzelfde; weet u het niet meer,
unlock-reset-instead = stel het dan opnieuw in.
unlock-button = Mijn account ontgrendelen
unlock-done-heading = Account ontgrendeld
unlock-done-text = Uw account is ontgrendeld. Meld u aan met uw gewone wachtwoord.

change-title = Uw wachtwoord wijzigen
change-intro = U kent uw huidige wachtwoord en wilt een nieuw.
change-button = Wachtwoord wijzigen
change-done-heading = Wachtwoord gewijzigd
change-done-text = Uw wachtwoord is gewijzigd. Gebruik voortaan het nieuwe; we hebben een bevestiging naar uw e-mailadres gestuurd.

error-title = Er ging iets mis
error-session-ended = Uw sessie is beëindigd
error-not-found = Niet gevonden
error-could-not = Dat is niet gelukt
error-start-again = Opnieuw beginnen
error-request-id = Aanvraagnummer:
error-request-id-hint = Geef het door aan uw helpdesk als u contact opneemt.
