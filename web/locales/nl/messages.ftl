# Berichten die passdesk verstuurt: e-mail (onderwerp en tekst), sms'jes en
# spraakoproepen. De tekst is platte tekst; het HTML-deel van de e-mail
# wordt daaruit gemaakt. $org is de naam van de organisatie.

message-footer-helpdesk =
    Vragen? Neem contact op met uw helpdesk: { $helpdesk }
    -- { $org }
message-footer = -- { $org }

code-email-subject = Verificatiecode van { $org }: { $code }
code-email-body =
    Uw verificatiecode is: { $code }

    Typ hem binnen { $minutes } minuten op de pagina voor wachtwoordherstel. Hebt u niet gevraagd om uw wachtwoord opnieuw in te stellen? Negeer dan dit bericht: er is niets gewijzigd.

registration-code-subject = Code van { $org } om uw adres te bevestigen: { $code }
registration-code-body =
    Uw code is: { $code }

    Iemand (hopelijk u) voegt dit adres toe aan een account bij { $org }, om daarmee het wachtwoord te kunnen herstellen. Typ de code binnen { $minutes } minuten op de pagina met beveiligingsgegevens om het te bevestigen.

    Was u dit niet? Negeer dan dit bericht: het adres wordt niet toegevoegd.

reset-link-subject = Kies uw wachtwoord voor { $org }
reset-link-body =
    Hallo { $name },

    Uw beheerder heeft u deze link gestuurd, zodat u zelf uw wachtwoord voor { $org } kunt kiezen:
    { $link }

    De link werkt één keer, binnen 24 uur. Mogelijk wordt u nog om één bewijs gevraagd dat u het bent. Niemand anders krijgt het wachtwoord te zien dat u kiest: ook uw beheerder niet.

    Had u dit bericht niet verwacht? Open de link dan niet en meld het bij uw helpdesk.
reset-link-sms = { $org }: kies hier uw wachtwoord (1 keer, binnen 24 uur): { $link }

registration-reminder-subject = Stel uw beveiligingsgegevens voor { $org } in
registration-reminder-body =
    Hallo { $name },

    Als u uw wachtwoord vergeet, kunt u het zelf herstellen, zonder de helpdesk te bellen, zodra u { $required ->
        [one] één manier
       *[other] { $required } manieren
    } hebt geregistreerd om te bewijzen wie u bent (een mobiele telefoon, een privé-e-mailadres, een authenticator-app, een passkey of beveiligingsvragen).

    Het kost twee minuten: meld u hier aan met uw huidige wachtwoord:
    { $link }

    We herinneren u er later nog eens aan, tot het geregeld is.

code-sms = { $code } is uw verificatiecode van { $org }. De code verloopt over { $minutes } minuten. Deel hem met niemand.
code-voice = U spreekt met { $org }. Uw verificatiecode is: { $spoken }. Nogmaals: { $spoken }. De code verloopt over { $minutes } minuten.

too-soon-email-subject = Wachtwoord { $org }: geen code verstuurd, het wachtwoord is te kort geleden gewijzigd
too-soon-email-body = Iemand heeft gevraagd om het wachtwoord van uw account opnieuw in te stellen, maar het wachtwoord is te kort geleden gewijzigd: de directory accepteert geen nieuw wachtwoord vóór { $until }. Er is geen verificatiecode verstuurd. Probeer het na dat tijdstip opnieuw, of neem contact op met uw helpdesk als u zich niet kunt aanmelden. Hebt u niet om herstel gevraagd? Negeer dan dit bericht: er is niets gewijzigd.
too-soon-sms = { $org }: geen code verstuurd. Uw wachtwoord is te kort geleden gewijzigd; herstel het na { $until }.
too-soon-voice = U spreekt met { $org }. Er is geen verificatiecode verstuurd: uw wachtwoord is te kort geleden gewijzigd. U kunt het herstellen na { $until }.

notice-reset-subject = Uw wachtwoord voor { $org } is opnieuw ingesteld
notice-change-subject = Uw wachtwoord voor { $org } is gewijzigd
notice-unlock-subject = Uw account bij { $org } is ontgrendeld
notice-registration-subject = Uw beveiligingsgegevens bij { $org } zijn gewijzigd
notice-reset = Het wachtwoord van uw account is opnieuw ingesteld via selfservice wachtwoordherstel
notice-change = Het wachtwoord van uw account is gewijzigd
notice-unlock = Uw account is ontgrendeld via selfservice
notice-registration = De beveiligingsgegevens waarmee u uw identiteit bewijst bij wachtwoordherstel zijn gewijzigd op uw account
notice-body =
    Hallo { $name },

    { $what } op { $when } (UTC).

    Was u dit zelf? Dan hoeft u niets te doen.

    Was u dit NIET? Open dan meteen deze link: die stopt selfservice voor uw account en waarschuwt uw IT-afdeling:
    { $link }

    Neem daarna contact op met uw helpdesk.

admin-reset-alert-subject = [{ $org }] Beheerder { $login } heeft het eigen wachtwoord opnieuw ingesteld
admin-reset-alert-body =
    Het beheerdersaccount { $login } heeft zijn wachtwoord opnieuw ingesteld via selfservice wachtwoordherstel op { $when } (UTC), met twee bewijzen van identiteit.

    Verwachtte u dit niet? Controleer het bij { $login } via een ander kanaal dan e-mail, en bekijk het auditlog.
not-me-alert-subject = [{ $org }] WAARSCHUWING: { $login } meldt een wachtwoord-{ $what } die niet van hem of haar was
not-me-alert-body =
    De eigenaar van account { $login } heeft de link "dit was ik niet" gevolgd in het bericht over de wachtwoord-{ $what } op { $when } (UTC).

    Selfservice wachtwoordherstel is voor dit account geblokkeerd tot { $until } (UTC). Het account is mogelijk misbruikt: controleer het, stel zelf een nieuw wachtwoord in, bekijk het auditlog en hef de blokkade op met `passdesk admin unblock { $login }` zodra het veilig is.

expiry-reminder-subject = { $days ->
    [one] Uw wachtwoord voor { $org } verloopt binnen een dag
   *[other] Uw wachtwoord voor { $org } verloopt over { $days } dagen
}
expiry-reminder-body =
    Hallo { $name },

    { $days ->
        [one] Uw wachtwoord verloopt binnen een dag, op { $date }.
       *[other] Uw wachtwoord verloopt over { $days } dagen, op { $date }.
    } Daarna kunt u zich pas weer aanmelden als het is gewijzigd.

    Wijzig het nu, nu uw huidige wachtwoord nog werkt:
    { $link }

    Niemand van { $org } zal u ooit om uw wachtwoord vragen, per e-mail of telefoon.

# Dates in messages.
date-time = { $weekday } { $day } { $month } { $year }, { $time } UTC
weekday-1 = maandag
weekday-2 = dinsdag
weekday-3 = woensdag
weekday-4 = donderdag
weekday-5 = vrijdag
weekday-6 = zaterdag
weekday-7 = zondag
month-1 = januari
month-2 = februari
month-3 = maart
month-4 = april
month-5 = mei
month-6 = juni
month-7 = juli
month-8 = augustus
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december
