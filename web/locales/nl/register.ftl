# Woorden van de registratiepagina's (beveiligingsgegevens, passkeys) en van
# de pagina's "dit was ik niet" en de herstellink.

## Aanmelden voor de registratie

register-title = Beveiligingsgegevens
register-sign-in-heading = Uw beveiligingsgegevens instellen
register-sign-in-intro = Meld u aan met uw gebruikersnaam en wachtwoord om te zien en te wijzigen hoe u kunt bewijzen wie u bent als u uw wachtwoord vergeet.
register-user-id = Gebruikersnaam
register-password = Wachtwoord
register-sign-in = Aanmelden

## Het overzicht

register-hello = Hallo { $name }. Hiermee kunt u bewijzen wie u bent als u uw wachtwoord vergeet.
register-stale-question = Kloppen uw beveiligingsgegevens nog?
register-stale-why = Uw organisatie vraagt u af en toe om ze te bevestigen.
register-stale-confirm = Ja, ze kloppen nog
register-interrupt-ask = { $required ->
    [one] Uw organisatie vraagt u om { $required } methode te registreren.
   *[other] Uw organisatie vraagt u om { $required } methoden te registreren.
}
register-interrupt-have = U hebt er nu { $usable }. Voeg er hieronder een toe, zodat u uw wachtwoord zelf kunt herstellen.
register-skip = Nu overslaan
register-requires = { $required ->
    [one] Uw organisatie vereist { $required } methode om een wachtwoord te herstellen; u hebt er { $usable }.
   *[other] Uw organisatie vereist { $required } methoden om een wachtwoord te herstellen; u hebt er { $usable }.
}
register-removed = Verwijderd.
register-confirmed = Dank u: uw beveiligingsgegevens zijn bevestigd.
register-password-changed = Uw wachtwoord is gewijzigd. Gebruik voortaan het nieuwe wachtwoord.
register-saved = Opgeslagen. We hebben uw andere adressen over de wijziging geïnformeerd.
register-verify-alt-email = Bevestig uw alternatieve e-mailadres
register-verify-mobile = Bevestig uw mobiele nummer
register-verify-office-phone = Bevestig uw nummer op kantoor
register-code-sent = We hebben een code gestuurd naar { $hint }. Typ de code hier om het op te slaan.
register-code-label = Code uit het bericht
register-verify-save = Bevestigen en opslaan
register-cancel = Annuleren
register-registered = Geregistreerd
register-nothing = Nog niets.
register-remove = Verwijderen
register-alt-email-label = Een privé-e-mailadres (niet uw werkadres)
register-send-code = Code versturen
register-mobile-label = Mobiel nummer, met landcode (we sturen er een code naartoe per sms)
register-text-me = Stuur mij een code per sms
register-office-label = Nummer op kantoor, met landcode (we bellen het en lezen een code voor)
register-call-me = Bel mij met een code
register-choose-questions = Beveiligingsvragen kiezen
register-set-up-authenticator = Een authenticator-app instellen
register-add-passkey = Een passkey toevoegen
register-sign-out = Afmelden

# Waar een geregistreerd gegeven vandaan komt; $date is een register-date.
register-origin-directory = uit de directory van uw organisatie
register-origin-you = door u bevestigd op { $date }
register-origin-imported = ingesteld door uw beheerder op { $date }
register-origin-synced = overgenomen uit de directory van uw organisatie op { $date }
register-date = { $day }-{ $month }-{ $year }
register-passkey-count = { $n ->
    [one] { $n } passkey
   *[other] { $n } passkeys
}

# Wat er is geregistreerd, zoals het overzicht het toont.
register-kind-email = E-mail
register-kind-alt-email = Alternatief e-mailadres
register-kind-mobile = Mobiele telefoon
register-kind-office-phone = Telefoon op kantoor
register-kind-questions = Beveiligingsvragen
register-kind-authenticator = Authenticator-app
register-kind-passkey = Passkeys

## Beveiligingsvragen

register-questions-intro = { $n ->
    [one] Kies een vraag en beantwoord die.
   *[other] Kies { $n } verschillende vragen en beantwoord ze allemaal.
} Hoofdletters maken bij de antwoorden niet uit; elk antwoord moet anders zijn, en geen enkel antwoord mag uw wachtwoord zijn.
register-question-n = Vraag { $n }
register-choose-question = Kies een vraag
register-answer-n = Antwoord { $n }
register-save-answers = Antwoorden opslaan
register-back = Terug

## Authenticator-app

register-authenticator-title = Authenticator-app
register-authenticator-scan = Voeg in uw authenticator-app (Microsoft Authenticator, Google Authenticator, FreeOTP…) een account toe en scan deze QR-code.
register-authenticator-type = Typ daarna de 6-cijferige code die de app toont.
register-qr-alt = QR-code voor uw authenticator-app. Kunt u hem niet scannen? Typ dan de sleutel hieronder in de app.
register-cannot-scan = Lukt scannen niet? Typ deze sleutel in de app (op tijd gebaseerd):
register-app-code-label = Code uit de app

## Passkeys (de pagina wordt gedeeld door registratie en herstel)

passkey-register-heading = Een passkey toevoegen
passkey-register-intro = Met een passkey bewijst u dat u het bent met de schermvergrendeling van dit apparaat, een telefoon of een beveiligingssleutel. Druk op de knop en volg de aanwijzingen van uw browser.
passkey-register-button = Passkey aanmaken
passkey-reset-heading = Uw passkey gebruiken
passkey-reset-intro = Druk op de knop en volg de aanwijzingen van uw browser: die vraagt om uw schermvergrendeling, telefoon of beveiligingssleutel.
passkey-reset-button = Mijn passkey gebruiken
passkey-needs-script = Passkeys werken alleen met JavaScript. Kies een andere methode.
passkey-back = Terug
passkey-unsupported = Deze browser kan geen passkeys gebruiken. Kies een andere methode.
passkey-follow-browser = Volg de aanwijzingen van uw browser…
passkey-not-used = De passkey is niet gebruikt. Probeer het opnieuw of kies een andere methode.

## "Dit was ik niet"

report-title = Was u dit?
report-told = { $what ->
    [change] We hebben u laten weten dat het wachtwoord van uw account op { $when } (UTC) is gewijzigd.
    [unlock] We hebben u laten weten dat uw account op { $when } (UTC) is ontgrendeld.
    [registration] We hebben u laten weten dat uw beveiligingsgegevens op { $when } (UTC) zijn gewijzigd.
   *[reset] We hebben u laten weten dat het wachtwoord van uw account op { $when } (UTC) opnieuw is ingesteld.
}
# Wanneer het bericht is verstuurd, uit de RFC 3339-tijd, in UTC.
report-when = { $day }-{ $month }-{ $year } om { $time }
report-if-not-you = Was u het niet? Meld het dan.
report-explain = Selfservice wachtwoordherstel wordt dan voor uw account geblokkeerd, en uw IT-afdeling wordt meteen gewaarschuwd. Neem contact op met uw helpdesk om weer toegang te krijgen.
report-button = Ik was het niet: blokkeren en waarschuwen
report-was-me = Ik was het zelf: niets te doen
report-done-heading = Dank u: uw IT-afdeling is gewaarschuwd
report-done-text = Selfservice wachtwoordherstel is voor uw account geblokkeerd, zodat niemand uw account daarmee kan overnemen. Neem nu contact op met uw helpdesk: die controleert uw account en helpt u weer op weg.

## De eenmalige herstellink van een beheerder

link-title = Kies uw wachtwoord
link-intro = Uw beheerder heeft u deze link gestuurd, zodat u zelf uw wachtwoord kunt kiezen. Niemand anders krijgt het te zien.
link-hint = De link werkt één keer. Als uw organisatie om een tweede bewijs vraagt, wordt u daar hierna om gevraagd.
link-continue = Doorgaan
