# ruff: noqa: E501 -- legal texts: one paragraph per line, as the administrator edits them
"""The default texts of the four legal pages, so that a fresh install is not empty.

Every part a town must fill in is in [square brackets]. The privacy statement's list of stored data and
retention periods is not part of this text: the page builds it from the settings (frontend/privacy_facts.py).
Changing a text here changes only pages created afterwards; pages in the database are the administrator's.
"""

IMPRINT_DE = """## Anbieter
[Name der Stadt oder Gemeinde]
[Straße und Hausnummer]
[Postleitzahl und Ort]

Die [Stadt/Gemeinde] ist eine Körperschaft des öffentlichen Rechts. Sie wird vertreten durch [die Oberbürgermeisterin / den Oberbürgermeister, Name].

## Kontakt
Telefon: [Telefonnummer]
E-Mail: [E-Mail-Adresse]

## Umsatzsteuer-Identifikationsnummer
[USt-IdNr. gemäß § 27a UStG, falls vorhanden]

## Verantwortlich für den Inhalt (§ 18 Abs. 2 MStV)
[Name, Anschrift wie oben]

## Beiträge der Teilnehmenden
Vorschläge und Kommentare geben die Meinung ihrer Verfasserinnen und Verfasser wieder, nicht die der [Stadt/Gemeinde]. Sie werden moderiert; rechtswidrige Inhalte entfernen wir, sobald wir von ihnen erfahren.

## Kartendaten
Hintergrundkarte: © OpenStreetMap-Mitwirkende (https://www.openstreetmap.org/copyright), sofern eingeblendet.

## Software
Diese Beteiligungskarte ist freie Software unter der Lizenz AGPL-3.0-or-later."""

IMPRINT_EN = """## Provider
[Name of the town or municipality]
[Street and number]
[Postcode and town]

The [town/municipality] is a public-law corporation. It is represented by [the mayor, name].

## Contact
Telephone: [telephone number]
E-mail: [e-mail address]

## VAT identification number
[VAT ID under section 27a UStG, if any]

## Responsible for the content (section 18 (2) MStV)
[Name, address as above]

## Contributions of participants
Suggestions and comments express the opinion of their authors, not that of the [town/municipality]. They are moderated; we remove unlawful content as soon as we learn of it.

## Map data
Background map: © OpenStreetMap contributors (https://www.openstreetmap.org/copyright), where shown.

## Software
This participation map is free software under the AGPL-3.0-or-later licence."""

PRIVACY_DE = """## Verantwortliche Stelle
[Name der Stadt oder Gemeinde, Anschrift, E-Mail-Adresse]

## Datenschutzbeauftragte oder Datenschutzbeauftragter
[Name oder Funktion, Anschrift, E-Mail-Adresse]

## Zweck und Rechtsgrundlage
Wir verarbeiten Ihre Angaben, um die Bürgerbeteiligung durchzuführen: Vorschläge, Kommentare, Unterstützungen und Umfrageantworten anzuzeigen, zu moderieren und für die Planung auszuwerten. Rechtsgrundlage ist Art. 6 Abs. 1 lit. e DSGVO in Verbindung mit [Landesdatenschutzgesetz, z. B. § 4 LDSG Baden-Württemberg] (Aufgabe im öffentlichen Interesse); für ein Benutzerkonto und freiwillige Angaben wie eine E-Mail-Adresse für Benachrichtigungen Art. 6 Abs. 1 lit. a DSGVO (Einwilligung), die Sie jederzeit widerrufen können.

## Was diese Anwendung speichert
Welche Daten diese Anwendung speichert und wie lange, steht im Abschnitt „Gespeicherte Daten und Speicherdauer“ am Ende dieser Seite. Er wird aus den Einstellungen dieser Installation erzeugt und ist daher immer aktuell.

## Empfänger
Ihre öffentlichen Beiträge (Titel, Text, Ort, öffentlicher Name) sind für alle sichtbar und werden als offene Daten unter der unten genannten Lizenz weitergegeben. Personenbezogene Daten wie E-Mail-Adressen sehen nur die Moderation und die Administration; sie sind in keiner Karte, Schnittstelle und keinem Export enthalten. Der Betrieb erfolgt durch [Rechenzentrum oder Dienstleister, Sitz in der EU].

## Ihre Rechte
Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung der Verarbeitung (Art. 18), Datenübertragbarkeit (Art. 20) und Widerspruch (Art. 21). Mit einem Benutzerkonto können Sie Ihre Daten auf der Kontoseite herunterladen und das Konto selbst löschen. Sie können sich bei einer Aufsichtsbehörde beschweren, z. B. bei [zuständige Landesdatenschutzbehörde, Anschrift].

## Kontakt
Fragen zum Datenschutz richten Sie bitte an [E-Mail-Adresse]."""

PRIVACY_EN = """## Controller
[Name of the town or municipality, address, e-mail address]

## Data protection officer
[Name or function, address, e-mail address]

## Purpose and legal basis
We process your data to carry out the public participation: to show, moderate and analyse suggestions, comments, supports and survey answers for planning. The legal basis is Art. 6 (1) (e) GDPR together with [state data protection act] (a task in the public interest); for an account and voluntary data such as an e-mail address for notifications, Art. 6 (1) (a) GDPR (consent), which you can withdraw at any time.

## What this application stores
Which data this application stores and for how long is listed in the section “Stored data and how long it is kept” at the end of this page. It is generated from this installation's settings and is therefore always current.

## Recipients
Your public contributions (title, text, place, public name) are visible to everyone and passed on as open data under the licence named below. Personal data such as e-mail addresses are seen only by moderators and administrators; they are in no map, interface or export. The service is run by [data centre or service provider, based in the EU].

## Your rights
You have the right of access (Art. 15 GDPR), rectification (Art. 16), erasure (Art. 17), restriction of processing (Art. 18), data portability (Art. 20) and to object (Art. 21). With an account you can download your data on the account page and delete the account yourself. You may complain to a supervisory authority, e.g. [competent state data protection authority, address].

## Contact
Please send questions about data protection to [e-mail address]."""

ACCESSIBILITY_DE = """Die [Stadt/Gemeinde] ist bemüht, diese Beteiligungskarte im Einklang mit [Landesgesetz, z. B. § 10 L-BGG Baden-Württemberg] und der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu machen. Maßstab ist die harmonisierte Norm EN 301 549 (V3.2.1), die die Web Content Accessibility Guidelines (WCAG) 2.1 auf Stufe AA umfasst.

## Stand der Vereinbarkeit mit den Anforderungen
Diese Website ist [teilweise / vollständig] mit den Anforderungen vereinbar. Grundlage ist eine [Selbstbewertung / Prüfung durch …] vom [Datum].

Alle Seiten sind mit Tastatur und Bildschirmleser bedienbar. Zur Karte gibt es eine Liste der Vorschläge als Textalternative; Orte können auch über Koordinaten oder ein Fadenkreuz mit den Pfeiltasten gesetzt werden.

## Nicht barrierefreie Inhalte
- Die Hintergrundkarte (Kartenkacheln) ist eine Grafik ohne Textalternative; die Vorschläge selbst sind in der Liste neben der Karte beschrieben.
- [Weitere bekannte Einschränkungen und ihre Begründung]

## Erstellung dieser Erklärung
Diese Erklärung wurde am [Datum] erstellt und zuletzt am [Datum] überprüft.

## Feedback und Kontakt
Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen? Oder benötigen Sie Inhalte in einer anderen Form? Dann schreiben Sie uns: [Name der Stelle], E-Mail: [E-Mail-Adresse], Telefon: [Telefonnummer]. Wir antworten innerhalb von [Frist, z. B. sechs Wochen].

## Durchsetzungsverfahren
Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie sich an die zuständige Durchsetzungsstelle wenden: [Name, Anschrift, E-Mail-Adresse, Website der Schlichtungs- oder Durchsetzungsstelle des Landes]."""

ACCESSIBILITY_EN = """The [town/municipality] strives to make this participation map accessible in accordance with [state law] and the German Accessible Information Technology Ordinance (BITV 2.0). The standard applied is the harmonised standard EN 301 549 (V3.2.1), which includes the Web Content Accessibility Guidelines (WCAG) 2.1 at level AA.

## Compliance status
This website is [partially / fully] compliant with these requirements. This is based on a [self-assessment / test by …] of [date].

Every page can be used with a keyboard and a screen reader. The map has a list of the suggestions as its text alternative; places can also be set by coordinates or with a crosshair moved by the arrow keys.

## Non-accessible content
- The background map (map tiles) is an image without a text alternative; the suggestions themselves are described in the list beside the map.
- [Further known limitations and their reasons]

## Preparation of this statement
This statement was prepared on [date] and last reviewed on [date].

## Feedback and contact
Have you found barriers to access? Or do you need content in another form? Then write to us: [name of the office], e-mail: [e-mail address], telephone: [telephone number]. We answer within [period, e.g. six weeks].

## Enforcement procedure
If you do not receive a satisfactory answer to your feedback, you can turn to the competent enforcement body: [name, address, e-mail address, website of the state's conciliation or enforcement body]."""

TERMS_DE = """## Worum es geht
Auf dieser Karte können Sie Vorschläge machen, sie kommentieren und unterstützen sowie an Umfragen teilnehmen. Die [Stadt/Gemeinde] wertet die Beiträge für die Planung aus. Ein Anspruch auf Umsetzung eines Vorschlags besteht nicht.

## Regeln für Beiträge
- Bleiben Sie sachlich und respektvoll. Beleidigende, diskriminierende, werbende oder rechtswidrige Beiträge sind nicht erlaubt.
- Veröffentlichen Sie keine personenbezogenen Daten anderer Menschen (Namen, Adressen, Kfz-Kennzeichen, Fotos von Personen).
- Setzen Sie Vorschläge an den Ort, um den es geht, und nur innerhalb des Projektgebiets.
- Ein Vorschlag pro Anliegen: Unterstützen Sie lieber einen bestehenden Vorschlag, als ihn ein zweites Mal einzureichen.

## Moderation
Beiträge werden moderiert. Die Moderation kann Beiträge vor oder nach der Veröffentlichung prüfen, ablehnen, ausblenden oder mit einem gleichen Vorschlag zusammenführen; eine Ablehnung wird begründet. Jede Entscheidung wird protokolliert.

## Nutzungsrechte
Mit dem Absenden räumen Sie der [Stadt/Gemeinde] das einfache, unbefristete Recht ein, Ihren Beitrag für die Beteiligung und die Planung zu verwenden und ihn als offene Daten unter der unten genannten Lizenz zu veröffentlichen. Sie versichern, dass Sie die Rechte an Ihrem Beitrag haben.

## Konto
Sie können Ihr Konto jederzeit auf der Kontoseite löschen. Ihre öffentlichen Beiträge bleiben dann ohne Ihren Namen erhalten.

## Kontakt
Fragen zur Beteiligung: [E-Mail-Adresse]"""

TERMS_EN = """## What this is about
On this map you can make suggestions, comment on them, support them and take part in surveys. The [town/municipality] analyses the contributions for its planning. There is no right to have a suggestion carried out.

## Rules for contributions
- Be factual and respectful. Offensive, discriminating, advertising or unlawful contributions are not allowed.
- Do not publish personal data of other people (names, addresses, number plates, photos of people).
- Place suggestions where they belong, and only inside the project area.
- One suggestion per concern: support an existing suggestion rather than submitting it a second time.

## Moderation
Contributions are moderated. Moderators may review contributions before or after publication, reject them, hide them or merge them with an identical suggestion; a rejection comes with a reason. Every decision is logged.

## Rights of use
By sending a contribution you grant the [town/municipality] the simple, unlimited right to use it for the participation and planning and to publish it as open data under the licence named below. You confirm that you hold the rights to your contribution.

## Account
You can delete your account on the account page at any time. Your public contributions then remain without your name.

## Contact
Questions about the participation: [e-mail address]"""

DEFAULT_PAGES = [
    ("imprint", "Impressum", "Imprint", IMPRINT_DE, IMPRINT_EN),
    ("privacy", "Datenschutzerklärung", "Privacy statement", PRIVACY_DE, PRIVACY_EN),
    (
        "accessibility",
        "Erklärung zur Barrierefreiheit",
        "Accessibility statement",
        ACCESSIBILITY_DE,
        ACCESSIBILITY_EN,
    ),
    ("terms", "Nutzungsbedingungen", "Terms of participation", TERMS_DE, TERMS_EN),
]
