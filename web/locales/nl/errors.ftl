# Foutmeldingen voor mensen en API-clients. Sleutels: error-<code>, waarbij
# de code de vaste `error.code` van de JSON-API is.

error-flow-not-found = Deze herstelsessie bestaat niet of is beëindigd. Begin opnieuw.
error-flow-expired = Deze herstelsessie is verlopen. Begin opnieuw.
error-wrong-step = Deze stap kan nu niet: { $why }.
error-unknown-method = Kies een van de methoden die voor deze sessie worden aangeboden.
error-too-soon = Er is net een code verstuurd. Wacht { $seconds } seconden voordat u een nieuwe vraagt.
error-no-code-sent = Voor deze methode is nog geen code verstuurd: vraag er eerst een aan.
error-code-expired = Deze code is verlopen. Vraag een nieuwe code aan.
error-code-wrong = { $remaining ->
    [one] De code is niet juist. U kunt deze code nog 1 keer proberen.
   *[other] De code is niet juist. U kunt deze code nog { $remaining } keer proberen.
}
error-captcha-invalid = De controle tegen robots is mislukt: { $why }. Laad de pagina opnieuw en probeer het nog eens.
error-captcha-used = Deze controle tegen robots is al gebruikt. Laad de pagina opnieuw, of haal een nieuwe uitdaging op met GET /api/v1/captcha.
error-phone-budget-spent = Sms'jes en oproepen zijn even gepauzeerd omdat er vandaag veel zijn verstuurd. Kies een andere methode of probeer het later opnieuw.
error-report-not-found = Deze link bestaat niet of is verlopen (links werken 7 dagen). Neem rechtstreeks contact op met uw helpdesk.
error-number-mismatch = Dat is niet het nummer dat bij ons bekend is. Typ uw volledige telefoonnummer, het nummer waarop de hint eindigt, met landcode.
error-answers-wrong = De antwoorden zijn niet juist. Er staan nieuwe vragen klaar: beantwoord die.
error-authenticator-wrong = De code van de authenticator-app is niet juist of al gebruikt. Wacht op de volgende code en typ die.
error-code-used-up = Deze code kan niet meer worden gebruikt. Vraag een nieuwe code aan.
error-wrong-credentials = De gebruikersnaam of het huidige wachtwoord is niet juist.
error-account-locked = Uw account is geblokkeerd na te veel verkeerde wachtwoorden. Ontgrendel het met een code (Mijn account ontgrendelen), of wacht even en probeer het opnieuw.
error-password-rejected = Kies een ander wachtwoord: { $why }.
error-directory-too-short = De directory vereist een langer wachtwoord. Kies een langer wachtwoord.
error-directory-not-complex = De directory vereist een complexer wachtwoord: combineer hoofdletters, kleine letters, cijfers en symbolen.
error-directory-in-history = U hebt dit wachtwoord al eerder gebruikt. Kies een wachtwoord dat u nog niet hebt gebruikt.
error-directory-too-young = Uw wachtwoord is te kort geleden gewijzigd om het nu weer te wijzigen. Probeer het later opnieuw of neem contact op met uw helpdesk.
error-directory-other = De directory heeft dit wachtwoord geweigerd. Kies een ander wachtwoord.
error-contact-helpdesk = Uw account kan hier niet worden hersteld. Neem contact op met uw helpdesk.
error-partial-writeback = Uw nieuwe wachtwoord is actief in { $written }, maar kon nog niet worden opgeslagen in { $failed }. Probeer het over een paar minuten opnieuw met hetzelfde nieuwe wachtwoord; gebruik tot die tijd het nieuwe wachtwoord voor { $written } en uw oude voor { $failed }.
error-blocked = Selfservice voor wachtwoordherstel is voor dit account geblokkeerd tot { $until } (UTC), na te veel mislukte pogingen of berichten. Neem contact op met uw helpdesk als u eerder hulp nodig hebt.
error-unlock-disabled = Ontgrendelen zonder nieuw wachtwoord staat hier uit: stel in plaats daarvan een nieuw wachtwoord in.
error-user-not-found = Geen enkele directory heeft een gebruiker { $login } binnen het bereik dat passdesk mag herstellen.
error-import-rejected = { $rows ->
    [one] 1 rij kan niet worden geïmporteerd; er is niets geïmporteerd.
   *[other] { $rows } rijen kunnen niet worden geïmporteerd; er is niets geïmporteerd.
}
error-passkey-refused = De passkey is niet geaccepteerd. Probeer het opnieuw of kies een andere methode.
error-passkey-refused-why = De passkey is niet geaccepteerd: { $why }. Probeer het opnieuw of kies een andere methode.
error-link-not-found = Deze link werkt niet meer: hij is al gebruikt of ouder dan 24 uur. Vraag uw beheerder of helpdesk om een nieuwe, of stel uw wachtwoord opnieuw in via de startpagina.
error-not-admin = Dit account is geen beheerder van passdesk. Vraag een beheerder u aan de beheerdersgroep toe te voegen.
error-sign-in-needed = Uw sessie is beëindigd (afgemeld, of te lang niet gebruikt). Meld u opnieuw aan.
error-method-needed = { $required ->
    [one] Dit kan niet worden verwijderd: uw organisatie vereist 1 methode en u zou er { $left } overhouden. Voeg eerst een andere methode toe en verwijder deze daarna.
   *[other] Dit kan niet worden verwijderd: uw organisatie vereist { $required } methoden en u zou er { $left } overhouden. Voeg eerst een andere methode toe en verwijder deze daarna.
}
error-directory-unavailable = De directory is op dit moment niet bereikbaar. Er is niets gewijzigd: probeer het over een paar minuten opnieuw.
error-delivery-unavailable = We konden de code niet versturen. Probeer een andere methode, of probeer het over een paar minuten opnieuw.
error-storage-full = We kunnen nu niets opslaan, dus er is niets gewijzigd. Probeer het over een paar minuten opnieuw; blijft het zo, neem dan contact op met uw helpdesk.
error-internal = Er ging bij ons iets mis. Er is niets gewijzigd: probeer het opnieuw, of neem contact op met uw helpdesk en noem het aanvraagnummer.
error-invalid-input = { $field }: { $why }
error-not-found-page = Op dit adres staat geen pagina.
error-form-too-large = Het formulier is te groot.
error-form-type = Verstuur het formulier als application/x-www-form-urlencoded.
error-form-unreadable = Het formulier kon niet worden gelezen: { $why }. Laad de pagina opnieuw en probeer het nog eens.
error-csrf = Dit formulier is verlopen of niet door deze site verstuurd. Laad de pagina opnieuw en probeer het nog eens.
error-csrf-origin = Dit formulier komt niet van deze site. Open de pagina opnieuw via haar adres en probeer het nog eens.
error-rate-limited = Te veel verzoeken vanaf uw adres. Wacht een minuut en probeer het opnieuw.

# Wat er mis is met iets wat iemand typte. Deze volgen op een veldnaam of op
# "Kies een ander wachtwoord:", dus ze beginnen met een kleine letter.
login-empty = vul uw gebruikersnaam in
login-too-long = een gebruikersnaam heeft hoogstens { $max } tekens
login-control = een gebruikersnaam mag geen stuurtekens bevatten
answer-too-short = een antwoord heeft minstens { $min } tekens nodig
answer-too-long = een antwoord heeft hoogstens { $max } tekens
answer-control = een antwoord mag geen stuurtekens bevatten
email-invalid = geef één e-mailadres, zoals naam@voorbeeld.nl
phone-empty = typ het telefoonnummer met landcode (bijvoorbeeld +31 6 1234 5678)
phone-characters = een telefoonnummer bevat alleen cijfers, spaties, streepjes, punten, haakjes en een + aan het begin
phone-country-code = begin het nummer met + en de landcode (bijvoorbeeld +31 6 1234 5678)
phone-length = een telefoonnummer met landcode heeft 8 tot 15 cijfers
captcha-forged = de controle tegen robots komt niet van deze server; laad de pagina opnieuw en probeer het nog eens
captcha-expired = de controle tegen robots is verlopen; laad de pagina opnieuw en probeer het nog eens
captcha-unsolved = de controle tegen robots is niet opgelost; laat de pagina de controle afmaken, of laad haar opnieuw
password-too-short = gebruik minstens { $min } tekens (15 of meer is beter)
password-too-long = gebruik hoogstens { $max } tekens
password-common = dit wachtwoord is een van de meest gebruikte wachtwoorden; kies een ander
password-contains-login = het wachtwoord mag uw gebruikersnaam niet bevatten
password-contains-name = het wachtwoord mag uw naam niet bevatten
password-contains-organisation = het wachtwoord mag de naam van de organisatie of haar producten niet bevatten
password-too-weak = dit wachtwoord is te makkelijk te raden: voeg een of twee woorden toe, of maak het langer
password-not-complex = gebruik minstens drie van: hoofdletters, kleine letters, cijfers, symbolen
password-breached = dit wachtwoord is uitgelekt bij een datalek, dus aanvallers proberen het als eerste; kies een ander

# Problemen met velden in formulieren en API-berichten (na "veld: ").
input-current-password = vul uw huidige wachtwoord in
input-password-unchanged = het nieuwe wachtwoord moet verschillen van het huidige
input-password-missing = vul uw wachtwoord in
input-captcha-missing = los eerst de controle tegen robots op (GET /api/v1/captcha); laat in het portaal de pagina haar controle afmaken
input-answer-missing = beantwoord alle getoonde vragen; "{ $question }" heeft geen antwoord
input-answer-unknown = "{ $id }" is geen van de getoonde vragen; beantwoord alleen die
input-answers-missing = beantwoord de getoonde vragen
input-code-missing = typ de code die u hebt ontvangen
input-authenticator-code = typ de 6-cijferige code die uw authenticator-app toont
input-passkey-missing = stuur het antwoord van de passkey (credential) op de uitdaging van send
input-passkey-unexpected = deze methode gebruikt geen passkey
input-passkey-unreadable = het antwoord van de browser kon niet worden gelezen; probeer het opnieuw
input-passkeys-full = u hebt { $max } passkeys, het maximum dat passdesk bewaart: verwijder er eerst een
input-proof-one = geef precies één van "code" (codes), "answers" (beveiligingsvragen) of "credential" (passkey)
input-confirm-number = typ uw volledige telefoonnummer, zoals de hint het toont, voordat er een code wordt verstuurd
input-csrf-password = laad de pagina opnieuw en typ het wachtwoord nog eens
input-nothing-registered = er is bij passdesk niets van de soort { $kind } voor u geregistreerd
input-kind-not-offered = uw organisatie gebruikt { $kind } niet voor wachtwoordherstel; kies een andere methode
input-kind-unknown = dit is geen soort methode; gebruik een van de soorten die de registratie noemt
input-contact-kind = kies alt_email, mobile of office_phone
input-contact-same = dit is al uw adres in de directory: geef een ander
input-contact-code = typ de 8-cijferige code uit het bericht (spaties mogen)
input-no-account = geen account "{ $login }" in een van de directory's
input-phone-kind = een telefoonnummer wordt geregistreerd als mobile of office_phone
input-totp-secret = geef het geheim van 32 tekens (base32) dat bij de QR-code staat
input-totp-code = de code klopt niet: typ de code die de app nu toont
input-questions-count = beantwoord precies { $count } vragen (questions_to_register van het beleid)
input-question-unknown = "{ $id }" staat niet in de lijst; kies uit de getoonde vragen
input-question-twice = "{ $question }" is twee keer gekozen; kies verschillende vragen
input-answer-problem = "{ $question }": { $why }
input-answers-same = geef op elke vraag een ander antwoord
input-answer-is-question = "{ $question }": het antwoord mag niet de vraag zelf zijn
input-answer-is-password = "{ $question }": het antwoord mag niet uw wachtwoord zijn

# Zinnen die alleen beheerders lezen (CLI, beheer-API): ongewijzigd doorgegeven.
admin-detail = { $detail }

# Waarom een stap nu niet kan (na "Deze stap kan nu niet:").
step-verify-before-unlock = bewijs eerst wie u bent voordat u uw account ontgrendelt
step-questions-first = vraag eerst de vragen op
step-flow-changed = deze sessie is intussen gewijzigd; laad de pagina opnieuw
step-verify-before-password = bewijs eerst wie u bent voordat u een nieuw wachtwoord kiest
step-destination-gone = het adres of nummer is verdwenen; probeer het opnieuw
step-no-authenticator-setup = er wacht geen instelling van een authenticator-app (die is verlopen, of er waren te veel verkeerde codes): open de instelpagina opnieuw en scan de nieuwe QR-code
step-authenticator-cancelled = te veel verkeerde codes: deze instelling is geannuleerd; open de instelpagina opnieuw en scan de nieuwe QR-code
step-registration-done = deze registratie is al opgeslagen of geannuleerd
step-code-waiting = er wacht een code die naar een nieuw adres of nummer is gestuurd: typ die eerst (of annuleer)
step-proofs-complete = de bewijzen zijn al compleet
step-method-verified = deze methode is al bevestigd
step-verify-first = bewijs eerst wie u bent
step-authenticator-nothing-sent = voor een authenticator-app wordt niets verstuurd: typ de code die de app toont
step-passkey-expired = deze passkey-aanvraag is al gebruikt of verlopen: begin opnieuw
step-passkey-expired-again = deze passkey-aanvraag is al gebruikt of verlopen: kies opnieuw Een passkey gebruiken
step-demo-needs-local = --demo heeft een lokale directory nodig
step-admins-need-local = lokale beheerders hebben een lokale directory nodig
