Subject: Eskalacja: {{ticket.token}} {{ticket.subject}}

{{#if escalation.pending}}
Zgłoszenie było wstrzymane do {{escalation.due}}; termin minął i zgłoszenie jest znów otwarte.
{{/if}}
{{#if escalation.response}}
Brak pierwszej odpowiedzi w ciągu {{escalation.minutes}} minut (termin: {{escalation.due}}).
{{/if}}
{{#if escalation.resolution}}
Brak rozwiązania w ciągu {{escalation.minutes}} minut (termin: {{escalation.due}}).
{{/if}}
Zgłoszenie nr {{ticket.id}}: {{ticket.subject}}
{{#if recipient.agent}}
Status {{ticket.status}}, priorytet {{ticket.priority}}, kolejka {{ticket.queue}}, opiekun {{ticket.owner}}
Zgłaszający {{ticket.requester}}
{{/if}}
{{#unless recipient.agent}}
Status {{ticket.status}}, priorytet {{ticket.priority}}, kolejka {{ticket.queue}}
{{/unless}}

-- 
{{#if recipient.agent}}
Odpowiedź na tę wiadomość trafi do zgłaszającego (zgłoszenie nr {{ticket.id}});
notatkę wewnętrzną można wysłać na adres {{comment.address}}.
{{/if}}
{{#unless recipient.agent}}
Odpowiedź na tę wiadomość zostanie dołączona do zgłoszenia nr {{ticket.id}}.
{{/unless}}
