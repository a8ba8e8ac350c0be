Subject: {{ticket.token}} {{ticket.subject}}

Dzień dobry,

nowy status Państwa zgłoszenia: {{status.name}}.

    nr {{ticket.id}}: {{ticket.subject}}

{{#if note}}
{{note}}

{{/if}}
Jeśli sprawa wymaga jeszcze wyjaśnienia, prosimy o odpowiedź na tę wiadomość.

-- 
{{queue.address}}
