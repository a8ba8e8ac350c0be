Szanowni Państwo,

dziękujemy za wiadomość w sprawie „{{ticket.subject}}”. Aby szybko pomóc,
potrzebujemy kilku dodatkowych informacji:

- Co dokładnie zostało zrobione i co się wtedy stało?
- Dokładna treść komunikatu o błędzie lub zrzut ekranu.
- Od kiedy występuje problem i na jakim urządzeniu?

Prosimy o odpowiedź na tę wiadomość; zostanie ona dołączona do zgłoszenia
{{ticket.token}}.
